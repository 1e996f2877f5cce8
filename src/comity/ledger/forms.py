from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comity.reference.countries import country_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    returning_state = forms.ChoiceField(label=_("Returning State"), choices=country_choices)
    receiving_state = forms.ChoiceField(label=_("Receiving State"), choices=country_choices)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount returned"), max_digits=20, decimal_places=4)
    currency = forms.CharField(label=_("Currency (ISO 4217)"), max_length=3)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    monitoring_body = forms.CharField(label=_("Monitoring body"), required=False)


class DisbursementForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), max_digits=20, decimal_places=4)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    recipient = forms.CharField(label=_("Recipient or project"), max_length=300)
    purpose = forms.CharField(label=_("Purpose"), max_length=500)
    evidence = forms.CharField(
        label=_("Evidence: one document per line, “description: SHA-256”"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "Contract: 9f86d081884c7d659a2feaa0c55ad015..."}
        ),
    )

    def clean_evidence(self) -> list[dict[str, str]]:
        items = []
        for number, line in enumerate(self.cleaned_data["evidence"].splitlines(), start=1):
            if not line.strip():
                continue
            description, colon, digest = line.rpartition(":")
            if not colon:
                raise forms.ValidationError(_("Line %(n)d: write “description: SHA-256”.") % {"n": number})
            items.append({"description": description.strip(), "sha256": digest.strip().lower()})
        return items


class CorrectionForm(forms.Form):
    corrects = forms.TypedChoiceField(label=_("Entry to correct"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=500)
    void = forms.BooleanField(label=_("The entry is void (recorded by mistake)"), required=False)
    amount = forms.DecimalField(label=_("Correct amount"), max_digits=20, decimal_places=4, required=False)
    date = forms.DateField(label=_("Correct date"), widget=DATE, required=False)

    def __init__(self, *args: Any, entries: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["corrects"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = entries
