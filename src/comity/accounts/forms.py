"""Page forms of a user's own account: they parse, the services decide."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
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
