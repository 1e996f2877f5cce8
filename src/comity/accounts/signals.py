"""Writes made by libraries' own views, audited as Comity's are: a security key registered through
django-otp-webauthn's endpoints."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django_otp_webauthn.models import WebAuthnCredential

from comity.accounts import services


@receiver(post_save, sender=WebAuthnCredential, dispatch_uid="comity-security-key-registered")
def _security_key_registered(
    sender: type, instance: WebAuthnCredential, created: bool, **kwargs: Any
) -> None:
    if created:
        services.mfa_security_key_registered(credential=instance)
