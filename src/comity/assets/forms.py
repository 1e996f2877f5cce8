"""Page forms for asset recovery cases; they only parse input, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comity.assets.choices import AssetProceeding, IdentifierKind, StepKind
from comity.core.forms import FastSelect
from comity.reference.choices import AssetType, Offence
from comity.reference.countries import country_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _countries(blank: bool = True) -> list[tuple[str, str]]:
    return ([("", "—")] if blank else []) + list(country_choices())


class CaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    cluster = forms.CharField(label=_("Case cluster"), max_length=300, required=False)
    origin_country = forms.ChoiceField(label=_("State of origin"), choices=_countries, widget=FastSelect)
    asset_location_countries = forms.MultipleChoiceField(
        label=_("States of asset location"),
        choices=lambda: _countries(False),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    transit_countries = forms.MultipleChoiceField(
        label=_("Transit States"),
        choices=lambda: _countries(False),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    bribe_payer_country = forms.ChoiceField(
        label=_("State of the bribe payer"), choices=_countries, required=False, widget=FastSelect
    )
    initiating_country = forms.ChoiceField(
        label=_("Third State that took legal action"), choices=_countries, required=False, widget=FastSelect
    )
    offences = forms.MultipleChoiceField(
        label=_("Offences"), choices=Offence.choices, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AssetForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=AssetType.choices)
    location_country = forms.ChoiceField(label=_("State of location"), choices=_countries, widget=FastSelect)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    identifier_kind = forms.ChoiceField(
        label=_("Identifier kind"), choices=[("", "—"), *IdentifierKind.choices], required=False
    )
    identifier = forms.CharField(label=_("Identifier"), max_length=200, required=False)
    holder = forms.CharField(label=_("Holder"), max_length=300, required=False)
    beneficial_owner = forms.CharField(label=_("Beneficial owner"), max_length=300, required=False)
    institution = forms.CharField(label=_("Institution"), max_length=300, required=False)
    estimated_value = forms.DecimalField(
        label=_("Estimated value"), required=False, max_digits=20, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    valued_on = forms.DateField(label=_("Valuation date"), required=False, widget=DATE)
    identified_on = forms.DateField(label=_("Identified on"), required=False, widget=DATE)


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=StepKind.choices)
    on = forms.DateField(label=_("Date"), required=False, widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), required=False, max_digits=20, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    proceeding = forms.ChoiceField(
        label=_("Proceeding (confiscation)"), choices=[("", "—"), *AssetProceeding.choices], required=False
    )
    order_reference = forms.CharField(label=_("Order"), max_length=200, required=False)
    order_country = forms.ChoiceField(
        label=_("Issuing State"), choices=_countries, required=False, widget=FastSelect
    )
    review_on = forms.DateField(label=_("Review or expiry"), required=False, widget=DATE)
    returned_to_country = forms.ChoiceField(
        label=_("Returned to State"), choices=_countries, required=False, widget=FastSelect
    )
    returned_to_victim = forms.CharField(label=_("or to victim"), max_length=300, required=False)
    return_agreement = forms.CharField(label=_("Return agreement"), max_length=300, required=False)
    reason = forms.CharField(label=_("Reason"), required=False)
    note = forms.CharField(label=_("Note"), required=False)


class ContactForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    country = forms.ChoiceField(label=_("With State"), choices=_countries, widget=FastSelect)
    note = forms.CharField(label=_("Note"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file in the Asset Recovery Watch layout"))
