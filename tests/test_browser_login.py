"""Logging in as a user would (#20): a head enrols an authenticator and logs in with its code,
a run of wrong passwords locks the account with an explanation, and a user changes their
password; in Debian's chromium through Playwright."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from comity.accounts.tests.factories import TEST_PASSWORD
from comity.core.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Cusco-Arequipa-Trujillo 31"


def code_of(device: TOTPDevice, ahead: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=ahead):06d}"


@pytest.fixture
def new_page(browser: Browser, live_server):
    pages: list[Page] = []

    def open_page() -> Page:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/login/")
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


def password_step(page: Page, username: str, password: str = TEST_PASSWORD) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_head_enrols_an_authenticator_then_logs_in_with_its_code(new_page, peru, settings):
    settings.COMITY_MFA_REQUIRED_ROLES = frozenset({"head", "admin", "secretariat"})
    page = new_page()
    password_step(page, "pe-head")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    device = TOTPDevice.objects.get(user=peru.head, confirmed=False)
    page.get_by_label("Code").fill(code_of(device))
    page.get_by_role("button", name="Turn it on").click()
    expect(page.get_by_role("heading", name="Keep these recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("button", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="Awaiting my action")).to_be_visible()

    again = new_page()
    password_step(again, "pe-head")
    expect(again.get_by_role("heading", name="Second step of the login")).to_be_visible()
    again.get_by_label("Code").fill(code_of(device, ahead=1))
    again.get_by_role("button", name="Continue").click()
    expect(again.get_by_role("heading", name="Awaiting my action")).to_be_visible()


def test_wrong_passwords_lock_the_account_with_an_explanation(new_page, peru):
    page = new_page()
    for _ in range(5):
        password_step(page, "pe-officer", "not-my-password-123")
    expect(page.get_by_role("heading", name="Too many failed logins")).to_be_visible()
    expect(page.get_by_text(re.compile("paused for 15 minutes"))).to_be_visible()
    page.goto(page.url.split("/login")[0] + "/login/")
    password_step(page, "pe-officer")
    expect(page.get_by_role("heading", name="Too many failed logins")).to_be_visible()


def test_a_user_changes_their_password(new_page, peru):
    page = new_page()
    password_step(page, "pe-officer")
    page.get_by_role("link", name="pe-officer").click()
    page.get_by_role("link", name="Change my password").click()
    page.get_by_label("Old password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("New password", exact=True).fill("bbbbbbbbbbbbbbbb")
    page.get_by_label("New password confirmation").fill("bbbbbbbbbbbbbbbb")
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text(re.compile("too few characters"))).to_be_visible()
    page.get_by_label("Old password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("Your password was changed.")).to_be_visible()
    peru.officer.refresh_from_db()
    assert peru.officer.check_password(NEW_PASSWORD)


def test_a_head_registers_a_security_key_and_logs_in_with_it(new_page, peru, settings, live_server):
    """WebAuthn (django-otp-webauthn) as the second factor: a virtual authenticator in chromium
    stands for the USB key. WebAuthn needs a domain name, so the page is opened at localhost."""
    settings.COMITY_MFA_REQUIRED_ROLES = frozenset({"head", "admin", "secretariat"})
    page = new_page()
    page.goto(live_server.url.replace("127.0.0.1", "localhost") + "/login/")
    authenticator = page.context.new_cdp_session(page)
    authenticator.send("WebAuthn.enable")
    authenticator.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    password_step(page, "pe-head")
    device = TOTPDevice.objects.get(user=peru.head, confirmed=False)
    page.get_by_label("Code").fill(code_of(device))
    page.get_by_role("button", name="Turn it on").click()
    page.get_by_role("button", name="I have kept them: continue").click()
    page.get_by_role("link", name="pe-head").click()
    page.get_by_role("button", name="Register a security key").click()
    expect(page.locator("#passkey-register-status-message")).to_have_text(re.compile("success", re.I))
    assert AuditEntry.objects.filter(action="user.mfa.enrol", detail__kind="webauthn").count() == 1
    page.reload()
    expect(page.locator("#security-keys li")).to_have_count(1)

    page.get_by_role("button", name="Log out").click()
    password_step(page, "pe-head")
    expect(page.get_by_role("heading", name="Second step of the login")).to_be_visible()
    page.get_by_role("button", name="Use my security key").click()
    expect(page.get_by_role("heading", name="Awaiting my action")).to_be_visible()
