"""Passwords (ASVS 2.1), their self-service change and reset by e-mail, and API tokens with an
expiry, listed and revoked by their owner and administrators (#20 items 7 and 8)."""

import datetime
import io
import re
import secrets

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation

from comity.accounts.choices import Role
from comity.accounts.middleware import LAST_SEEN
from comity.accounts.models import ApiToken
from comity.accounts.passwords import DEMO_PASSWORD
from comity.accounts.services import token_create, user_create
from comity.accounts.tests.factories import TEST_PASSWORD, UserFactory
from comity.core.models import AuditEntry
from conftest import bearer

STRONG = "Lima-Quito-Bogotá 2026!"


@pytest.mark.parametrize(
    "username, password, reason",
    [
        ("alicetest01", "alicetest01", "at least 12"),
        ("alicetest01x", "alicetest01x", "too similar"),
        ("bob", "bbbbbbbbbbbbbbbbbbbb", "too few characters"),
        ("bob", "abababababababab", "too few characters"),
        ("bob", DEMO_PASSWORD, "demonstration data"),
        ("bob", "password1234", "too common"),
    ],
)
def test_weak_passwords_are_refused(peru, username, password, reason):
    with pytest.raises(Exception) as refused:
        user_create(
            actor=None, username=username, authority=peru.authority, role=Role.OFFICER, password=password
        )
    assert reason in str(refused.value)


def test_a_strong_password_is_accepted(peru):
    user = user_create(
        actor=None, username="carla", authority=peru.authority, role=Role.OFFICER, password=STRONG
    )
    assert user.check_password(STRONG)


def _change(client: Client, **extra):
    return client.post(
        "/account/password/",
        {"old_password": TEST_PASSWORD, "new_password1": STRONG, "new_password2": STRONG} | extra,
    )


def test_a_user_changes_their_own_password_and_may_revoke_their_tokens(peru):
    token = token_create(actor=None, user=peru.officer)
    client = Client()
    client.force_login(peru.officer)
    weak = client.post(
        "/account/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "bbbbbbbbbbbbbbbb",
            "new_password2": "bbbbbbbbbbbbbbbb",
        },
    )
    assert weak.status_code == 200 and "too few characters" in weak.content.decode()
    assert _change(client, revoke_tokens="on").status_code == 302
    peru.officer.refresh_from_db()
    assert peru.officer.check_password(STRONG)
    assert client.get("/account/").status_code == 200  # this session goes on
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/requests").status_code == 401
    assert AuditEntry.objects.filter(action="user.password", object_id=str(peru.officer.pk)).exists()
    assert "password" not in str(
        AuditEntry.objects.filter(action="user.password").values_list("detail", flat=True)
    )


def test_a_password_change_keeps_the_tokens_unless_asked(peru):
    token = token_create(actor=None, user=peru.officer)
    client = Client()
    client.force_login(peru.officer)
    assert _change(client).status_code == 302
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/requests").status_code == 200


def test_reset_by_email_with_a_single_use_expiring_link(peru, settings):
    peru.officer.email = "officer@fiscalia.example"
    peru.officer.save()
    client = Client()
    assert client.post("/password-reset/", {"email": "officer@fiscalia.example"}).status_code == 302
    assert client.post("/password-reset/", {"email": "nobody@example.org"}).status_code == 302  # says nothing
    [message] = mail.outbox
    assert "Alberto" not in message.body and "request" not in message.body.lower().replace("asked", "")
    link = re.search(r"https?://[^/]+(/reset/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302
    peru.officer.refresh_from_db()
    assert peru.officer.check_password(STRONG)
    again = Client().get(link, follow=True)
    assert "no longer works" in again.content.decode()


def test_tokens_expire(peru):
    token = token_create(actor=None, user=peru.officer, days=1)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/requests").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/requests").status_code == 401


def test_tokens_are_listed_and_revoked_by_their_owner_and_admins_only(peru, switzerland):
    mine = token_create(actor=None, user=peru.officer, name="reporting script")
    theirs = token_create(actor=None, user=switzerland.officer)
    client = bearer(peru.officer)
    listed = client.get("/api/v1/tokens").json()
    assert {t["name"] for t in listed} >= {"reporting script"} and all(
        t["user"] == "pe-officer" for t in listed
    )
    assert "token" not in listed[0]
    swiss = ApiToken.objects.get(user=switzerland.officer)
    assert client.delete(f"/api/v1/tokens/{swiss.pk}").status_code == 404
    admin = UserFactory(username="pe-admin", authority=peru.authority, role=Role.ADMIN, is_staff=True)
    own = ApiToken.objects.get(user=peru.officer, name="reporting script")
    assert bearer(admin).delete(f"/api/v1/tokens/{own.pk}").json()["revoked"] is True
    assert Client(HTTP_AUTHORIZATION=f"Bearer {mine}").get("/api/v1/requests").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Bearer {theirs}").get("/api/v1/requests").status_code == 200
    assert AuditEntry.objects.filter(action="token.revoke", actor=admin).count() == 1


def test_a_token_made_on_the_page_is_shown_once_and_revoked_there(peru):
    client = Client()
    client.force_login(peru.officer)
    page = client.post("/account/", {"name": "statistics", "days": "30"}).content.decode()
    secret = re.search(r'<pre class="checkpoint" id="new-token">([^<]+)</pre>', page).group(1)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/requests").status_code == 200
    assert secret not in client.get("/account/").content.decode()
    token = ApiToken.objects.get(name="statistics")
    assert token.expires_at.date() == timezone.localdate() + datetime.timedelta(days=30)
    client.post(f"/account/tokens/{token.pk}/revoke/")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/requests").status_code == 401


def test_the_cli_adds_lists_and_revokes_tokens(peru):
    out = io.StringIO()
    call_command("token", "add", "pe-officer", "--days", "7", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    listed = io.StringIO()
    call_command("token", "list", "pe-officer", stdout=listed)
    assert secret[:8] in listed.getvalue()
    call_command("token", "revoke", secret[:8], stdout=io.StringIO())
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/requests").status_code == 401
    with pytest.raises(CommandError):
        call_command("token", "revoke", "nothing!", stdout=io.StringIO())


def _attempt(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def test_an_account_is_locked_after_five_failures_and_an_admin_unlocks_it(peru, switzerland):
    for _ in range(4):
        assert _attempt(Client(REMOTE_ADDR="10.0.0.1"), "pe-officer", "wrong-password-123").status_code == 200
    # The fifth failure locks the account, and says so.
    assert _attempt(Client(REMOTE_ADDR="10.0.0.1"), "pe-officer", "wrong-password-123").status_code == 429
    # The right password from another address: still refused, and the user is told why.
    locked = _attempt(Client(REMOTE_ADDR="10.0.0.2"), "pe-officer", TEST_PASSWORD)
    assert locked.status_code == 429 and "Too many failed logins" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    # Another account from a third address is not affected.
    assert _attempt(Client(REMOTE_ADDR="10.0.0.3"), "ch-officer", TEST_PASSWORD).status_code == 302
    admin = UserFactory(username="pe-admin", authority=peru.authority, role=Role.ADMIN, is_staff=True)
    client = Client()
    client.force_login(admin)
    client.post("/admin/accounts/user/", {"action": "unlock", "_selected_action": [peru.officer.pk]})
    assert _attempt(Client(REMOTE_ADDR="10.0.0.2"), "pe-officer", TEST_PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action="user.unlock", object_id=str(peru.officer.pk)).exists()


def test_an_address_is_locked_after_five_failures_whatever_the_account(peru, switzerland):
    for name in ("a-user", "b-user", "c-user", "d-user", "e-user"):
        _attempt(Client(REMOTE_ADDR="10.0.0.9"), name, "wrong-password-123")
    assert _attempt(Client(REMOTE_ADDR="10.0.0.9"), "ch-officer", TEST_PASSWORD).status_code == 429
    assert _attempt(Client(REMOTE_ADDR="10.0.0.10"), "ch-officer", TEST_PASSWORD).status_code == 302


def test_failed_attempts_are_logged_without_the_password(peru):
    _attempt(Client(REMOTE_ADDR="10.0.0.4"), "pe-officer", "wrong-password-123")
    attempt = AccessAttempt.objects.get(username="pe-officer")
    assert attempt.failures_since_start == 1 and "wrong-password-123" not in str(attempt.post_data)


def test_an_idle_session_ends_and_says_why_without_a_write_at_every_page(peru, settings):
    client = Client()
    client.force_login(peru.officer)
    assert client.get("/requests/").status_code == 200
    seen = client.session[LAST_SEEN]
    assert client.get("/requests/").status_code == 200
    assert client.session[LAST_SEEN] == seen  # not written again within the minute
    session = client.session
    session[LAST_SEEN] = seen - settings.COMITY_IDLE_MINUTES * 60 - 1
    session.save()
    response = client.get("/requests/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/requests/")
    assert "without activity" in client.get(response["Location"]).content.decode()
    assert client.get("/requests/").status_code == 302  # logged out for good


def test_no_token_starts_with_a_dash_that_the_command_line_would_read_as_an_option(peru, monkeypatch):
    """One token in 64 did: `comity token revoke -AbC...` then failed ("prefix is required")."""
    drawn = iter(["-dashfirst" + "x" * 33, "Adashless" + "x" * 34])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: next(drawn))
    token = token_create(actor=None, user=peru.officer)
    assert token.startswith("Adashless")
    call_command("token", "revoke", token[:8], stdout=io.StringIO())


def test_the_reset_email_speaks_the_accounts_language(peru):
    """Asked for from an English browser, the e-mail is in the language of the account's profile."""
    peru.officer.email, peru.officer.language = "officer@fiscalia.example", "es"
    peru.officer.save()
    assert (
        Client(HTTP_ACCEPT_LANGUAGE="en").post("/password-reset/", {"email": peru.officer.email}).status_code
        == 302
    )
    [message] = mail.outbox
    with translation.override("es"):
        expected = translation.gettext(
            "If you did not ask for it, ignore this message: your password stays as it is."
        )
    assert expected in message.body and "If you did not ask for it" not in message.body
