"""Two-factor authentication (#20 item 5): the roles of COMITY_MFA_REQUIRED_ROLES enrol an
authenticator at their first login and give its code after their password at every login;
recovery codes work once; an administrator resets a lost device; all of it audited; API tokens
are unaffected."""

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from comity.accounts.choices import Role
from comity.accounts.tests.factories import TEST_PASSWORD, UserFactory
from comity.core.models import AuditEntry
from conftest import bearer

DEFAULT_ROLES = frozenset({"head", "admin", "secretariat"})


@pytest.fixture(autouse=True)
def _production_roles(settings) -> None:
    settings.COMITY_MFA_REQUIRED_ROLES = DEFAULT_ROLES


def code_of(device: TOTPDevice, ahead: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=ahead):06d}"


def log_in(client: Client, username: str):
    return client.post("/login/", {"username": username, "password": TEST_PASSWORD})


def enrol(client: Client, username: str) -> tuple[TOTPDevice, list[str]]:
    """Log in, be sent to the set-up, give a code of the new device; the device and recovery codes."""
    assert log_in(client, username).status_code == 302
    setup = client.get("/requests/", follow=True)
    assert setup.redirect_chain[-1][0].startswith("/account/two-factor/")
    assert "<svg" in setup.content.decode()  # the QR code
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    done = client.post("/account/two-factor/?next=/requests/", {"otp_token": code_of(device)})
    codes = re.findall(r"<code dir=\"ltr\">([^<]+)</code>", done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    return device, codes


def test_a_head_enrols_at_first_login_then_gives_a_code_at_every_login(peru):
    client = Client()
    device, _codes = enrol(client, "pe-head")
    assert client.get("/requests/").status_code == 200
    assert AuditEntry.objects.filter(action="user.mfa.enrol", object_id=str(peru.head.pk)).exists()

    again = Client()
    assert log_in(again, "pe-head").status_code == 302
    sent = again.get("/requests/")
    assert sent.status_code == 302 and sent["Location"].startswith("/login/verify/")
    # The code of the next 30-second step: the one of this step was used at the enrolment.
    right = again.post("/login/verify/", {"otp_token": code_of(device, ahead=1), "next": "/requests/"})
    assert right.status_code == 302 and right["Location"] == "/requests/"
    assert again.get("/requests/").status_code == 200


def test_a_wrong_code_is_refused_and_repeated_failures_slow_down(peru):
    device, _codes = enrol(Client(), "pe-head")
    client = Client()
    log_in(client, "pe-head")
    wrong = client.post("/login/verify/", {"otp_token": "000000", "next": "/requests/"})
    assert wrong.status_code == 200 and "not valid" in wrong.content.decode()
    # Right after a failure the device refuses even the right code for a moment (django-otp's throttle).
    assert client.post("/login/verify/", {"otp_token": code_of(device, ahead=1)}).status_code == 200
    assert client.get("/requests/").status_code == 302


def test_a_recovery_code_works_once(peru):
    _device, codes = enrol(Client(), "pe-head")
    first = Client()
    log_in(first, "pe-head")
    assert first.post("/login/verify/", {"otp_token": codes[0]}).status_code == 302
    assert first.get("/").status_code == 200
    second = Client()
    log_in(second, "pe-head")
    assert second.post("/login/verify/", {"otp_token": codes[0]}).status_code == 200  # used up


def test_an_unverified_session_opens_no_page_and_no_api_but_tokens_still_work(peru, switzerland):
    client = Client()
    log_in(client, "pe-head")
    assert client.get("/requests/").status_code == 302
    assert client.get("/api/v1/requests").status_code == 401
    assert bearer(peru.head).get("/api/v1/requests").status_code == 200


def test_roles_not_required_log_in_with_their_password_alone(peru):
    client = Client()
    assert log_in(client, "pe-officer").status_code == 302
    assert client.get("/requests/").status_code == 200


def test_an_admin_resets_a_lost_device_and_the_user_enrols_again(peru):
    enrol(Client(), "pe-head")
    admin = UserFactory(username="pe-admin", authority=peru.authority, role=Role.ADMIN, is_staff=True)
    device, _codes = enrol(Client(), "pe-admin")
    client = Client()
    log_in(client, "pe-admin")
    client.post("/login/verify/", {"otp_token": code_of(device, ahead=1)})
    client.post("/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [peru.head.pk]})
    assert not TOTPDevice.objects.filter(user=peru.head).exists()
    assert AuditEntry.objects.filter(
        action="user.mfa.reset", actor=admin, object_id=str(peru.head.pk)
    ).exists()
    head = Client()
    log_in(head, "pe-head")
    assert head.get("/requests/")["Location"].startswith("/account/two-factor/")


def test_an_empty_setting_requires_it_of_nobody(peru, settings):
    settings.COMITY_MFA_REQUIRED_ROLES = frozenset()
    client = Client()
    log_in(client, "pe-head")
    assert client.get("/requests/").status_code == 200
