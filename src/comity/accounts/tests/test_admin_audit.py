"""The Django admin's saves go through accounts.services and are audited (#19 item 1)."""

from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from comity.accounts.models import Authority
from comity.core.models import AuditEntry


def test_a_user_and_an_authority_changed_in_the_admin_are_audited(peru, admin_user):
    client = Client()
    client.force_login(admin_user)
    officer = peru.officer
    response = client.post(
        f"/admin/accounts/user/{officer.pk}/change/",
        {
            "username": officer.username,
            "first_name": "Rosa",
            "last_name": "",
            "email": "",
            "authority": peru.authority.pk,
            "role": "head",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="user.update", object_id=str(officer.pk))
    assert entry.fields == ["first_name", "role"] and entry.actor_id == admin_user.pk
    response = client.post(
        "/admin/accounts/authority/add/", {"name": "Court of Lima", "country": "PE", "kind": "court"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Authority.objects.get(name="Court of Lima")
    assert AuditEntry.objects.filter(action="authority.create", object_id=str(created.pk)).exists()


def test_a_password_set_in_the_admin_follows_the_rules_and_is_audited(peru, admin_user):
    client = Client()
    client.force_login(admin_user)
    officer = peru.officer
    url = f"/admin/accounts/user/{officer.pk}/password/"
    weak = client.post(url, {"password1": "password", "password2": "password", "usable_password": "true"})
    assert weak.status_code == 200 and not AuditEntry.objects.filter(action="user.password").exists()
    strong = "Quipu-ledger-Cusco-1532"
    response = client.post(url, {"password1": strong, "password2": strong, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    officer.refresh_from_db()
    assert officer.check_password(strong)
    entry = AuditEntry.objects.get(action="user.password", object_id=str(officer.pk))
    assert (
        entry.actor_id == admin_user.pk and entry.fields == ["password"] and strong not in str(entry.detail)
    )


def test_password_login_disabled_in_the_admin_is_audited(peru, admin_user):
    client = Client()
    client.force_login(admin_user)
    officer = peru.officer
    response = client.post(
        f"/admin/accounts/user/{officer.pk}/password/", {"usable_password": "false", "unset-password": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    officer.refresh_from_db()
    assert not officer.has_usable_password()
    entry = AuditEntry.objects.get(action="user.password", object_id=str(officer.pk))
    assert entry.actor_id == admin_user.pk and entry.detail == {"kind": "disabled"}


def test_second_factors_and_login_attempts_are_read_only_in_the_admin(peru, admin_user):
    """Their writers are the audited enrolment, reset and unlock; nobody reads a second factor's
    secret."""
    device = TOTPDevice.objects.create(user=peru.officer, name="phone", confirmed=True)
    recovery = StaticDevice.objects.create(user=peru.officer, name="recovery", confirmed=True)
    recovery.token_set.create(token="recovery-code-1")
    attempt = AccessAttempt.objects.create(
        username=peru.officer.username,
        ip_address="192.0.2.7",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )
    client = Client()
    client.force_login(admin_user)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200 and device.key not in page.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    page = client.get(f"/admin/otp_static/staticdevice/{recovery.pk}/change/")
    assert page.status_code == 200 and "recovery-code-1" not in page.content.decode()
    for base, obj in (
        ("/admin/otp_totp/totpdevice/", device),
        ("/admin/otp_static/staticdevice/", recovery),
        ("/admin/axes/accessattempt/", attempt),
    ):
        assert client.get(base + "add/").status_code == 403, base
        assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403, base
        assert client.post(f"{base}{obj.pk}/change/", {"name": "mine"}).status_code == 403, base
    assert TOTPDevice.objects.filter(pk=device.pk, name="phone").exists()
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
