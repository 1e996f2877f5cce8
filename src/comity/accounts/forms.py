"""Page forms of a user's own account: they parse, the services decide."""

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from comity.accounts.services import MAX_TOKEN_DAYS


class OwnPasswordForm(PasswordChangeForm):
    """The old password, the new one twice, and whether to revoke the user's API tokens."""

    revoke_tokens = forms.BooleanField(
        label=_("Also revoke all my API tokens (if someone may have learnt my old password)"), required=False
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=100, required=False)
    days = forms.IntegerField(label=_("Days it works"), min_value=1, max_value=MAX_TOKEN_DAYS, initial=90)


class SecondFactorForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
    )


class OwnLanguagePasswordResetForm(PasswordResetForm):
    """The reset e-mail in the language of the account's profile, whatever the language of the
    browser that asked for it (the person may ask from a colleague's or a hotel's)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        with translation.override(context["user"].language or translation.get_language()):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
