"""Security keys (WebAuthn) as a second factor, never a way around it (#20 item 5): their
endpoints do not exist for anyone not logged in (Comity has no passwordless login), and a session
that has given only its password cannot register one to pass for verified."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

ENDPOINTS = [
    "/webauthn/registration/begin/",
    "/webauthn/registration/complete/",
    "/webauthn/authentication/begin/",
    "/webauthn/authentication/complete/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_one_logged_out_reaches_them(endpoint):
    assert Client().post(endpoint, "{}", content_type="application/json").status_code == 404


def test_a_password_alone_cannot_register_a_key(peru, settings):
    settings.COMITY_MFA_REQUIRED_ROLES = frozenset({"head"})
    TOTPDevice.objects.create(user=peru.head, name="phone", confirmed=True)
    client = Client()
    client.force_login(peru.head)  # the password given, not the second factor
    response = client.post("/webauthn/registration/begin/", "{}", content_type="application/json")
    assert response.status_code == 302 and "/login/verify/" in response["Location"]
    begin = client.post("/webauthn/authentication/begin/", "{}", content_type="application/json")
    assert begin.status_code == 200 and begin.json()["allowCredentials"] == []
