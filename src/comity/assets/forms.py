"""Page forms for asset recovery cases; they only parse input, the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comity.assets.choices import (
    AssetProceeding,
    ClaimantKind,
    ClaimStatus,
    IdentifierKind,
    OrderKind,
    OrderStepKind,
    StepKind,
)
from comity.assets.models import (
    AssetCase,
    AssetCaseBarrier,
    AssetManagement,
    AssetStep,
    Claim,
    Contact,
    ForeignOrderStep,
    PublicNotice,
)
from comity.core.dates import EARLIEST_DATE
from comity.core.forms import FastSelect, OnceForm
from comity.core.limits import max_length
from comity.reference.choices import AssetType, Barrier, Offence
from comity.reference.countries import country_choices

DATE = forms.DateInput(attrs={"type": "date", "min": EARLIEST_DATE.isoformat()}, format="%Y-%m-%d")


def _countries(blank: bool = True) -> list[tuple[str, str]]:
    return ([("", "—")] if blank else []) + list(country_choices())


class CaseForm(OnceForm):
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
    summary = forms.CharField(
        label=_("Summary"),
        max_length=max_length(AssetCase, "summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


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
    reason = forms.CharField(label=_("Reason"), max_length=max_length(AssetStep, "reason"), required=False)
    note = forms.CharField(label=_("Note"), max_length=max_length(AssetStep, "note"), required=False)


class ContactForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    country = forms.ChoiceField(label=_("With State"), choices=_countries, widget=FastSelect)
    note = forms.CharField(label=_("Note"), max_length=max_length(Contact, "note"), required=False)


class BarrierForm(forms.Form):
    code = forms.ChoiceField(label=_("Barrier"), choices=Barrier.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    country = forms.ChoiceField(label=_("Met with State"), choices=_countries, widget=FastSelect)
    note = forms.CharField(
        label=_("Note"),
        max_length=max_length(AssetCaseBarrier, "note"),
        required=False,
        widget=forms.Textarea,
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file in the Asset Recovery Watch layout"))


class CaseBound(forms.Form):
    """A form whose choices of assets (and notices) are those of one case."""

    def __init__(self, *args: Any, case: AssetCase | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if case is None:
            return
        for name, rows in (("asset", case.assets.all()), ("notice", case.notices.all())):
            field = self.fields.get(name)
            if isinstance(field, forms.ChoiceField):
                field.choices = [("", "—")] + [(row.pk, str(row)) for row in rows]


class OrderForm(CaseBound):
    kind = forms.ChoiceField(label=_("Order"), choices=OrderKind.choices)
    issuing_country = forms.ChoiceField(label=_("Issuing State"), choices=_countries, widget=FastSelect)
    court = forms.CharField(label=_("Court"), max_length=300)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)
    asset = forms.TypedChoiceField(label=_("Asset"), coerce=int, required=False, empty_value=None)
    conviction_based = forms.BooleanField(label=_("Conviction-based"), required=False, initial=True)
    certified = forms.BooleanField(label=_("Certified copy"), required=False)
    translated = forms.BooleanField(label=_("Translation present"), required=False)


class OrderStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=OrderStepKind.choices[1:])
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=max_length(ForeignOrderStep, "note"), required=False)
    certified = forms.BooleanField(label=_("Certified copy now present"), required=False)
    translated = forms.BooleanField(label=_("Translation now present"), required=False)


class ManagementForm(forms.Form):
    custodian = forms.CharField(label=_("Custodian or curator"), max_length=300)
    storage = forms.CharField(label=_("Storage"), max_length=300, required=False)
    insured = forms.BooleanField(label=_("Insured"), required=False)
    insurance = forms.CharField(label=_("Insurance"), max_length=300, required=False)
    sale_decided_on = forms.DateField(label=_("Interlocutory sale decided on"), required=False, widget=DATE)
    sale_decided_by = forms.CharField(label=_("Decided by"), max_length=300, required=False)
    sale_reason = forms.CharField(
        label=_("Reason for the sale"), max_length=max_length(AssetManagement, "sale_reason"), required=False
    )


class CostForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(label=_("Cost"), max_digits=20, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    description = forms.CharField(label=_("What it paid for"), max_length=300)


class ValuationForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)


class NoticeForm(forms.Form):
    published_on = forms.DateField(label=_("Published on"), widget=DATE)
    medium = forms.CharField(label=_("Where"), max_length=300)
    deadline_on = forms.DateField(label=_("Claims until"), required=False, widget=DATE)
    text = forms.CharField(label=_("Text"), max_length=max_length(PublicNotice, "text"), required=False)


class ClaimForm(CaseBound):
    asset = forms.TypedChoiceField(label=_("Asset"), coerce=int)
    claimant = forms.CharField(label=_("Claimant"), max_length=300)
    claimant_kind = forms.ChoiceField(label=_("Claimant is"), choices=ClaimantKind.choices)
    basis = forms.CharField(label=_("Basis of the claim"), max_length=max_length(Claim, "basis"))
    lodged_on = forms.DateField(label=_("Lodged on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), required=False, max_digits=20, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    notice = forms.TypedChoiceField(label=_("After notice"), coerce=int, required=False, empty_value=None)


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"), choices=ClaimStatus.choices[1:])
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    decision = forms.CharField(label=_("Summary of the decision"), max_length=max_length(Claim, "decision"))
