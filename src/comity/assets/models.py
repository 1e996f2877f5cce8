"""Asset recovery cases: the proceeds of one corruption scheme, from tracing to return."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from comity.assets.choices import (
    AssetProceeding,
    CaseCountryRole,
    ClaimantKind,
    ClaimStatus,
    IdentifierKind,
    OrderKind,
    OrderStepKind,
    PersonRole,
    StepKind,
)
from comity.cooperation.choices import SubjectKind
from comity.cooperation.models import BarrierRecord
from comity.reference.choices import AssetCaseStatus, AssetType, Offence

AMOUNT: dict[str, Any] = {"max_digits": 20, "decimal_places": 2}
RATE: dict[str, Any] = {"max_digits": 24, "decimal_places": 10}


class AssetCase(models.Model):
    """The actions against the proceeds of one corruption scheme, across the States involved.

    Seen only by the authorities taking part in it (`AssetCaseParticipant`). `cluster` groups
    related cases in other jurisdictions, as the StAR Asset Recovery Watch "case cluster" does.
    """

    title = models.CharField(_("title"), max_length=300)
    cluster = models.CharField(_("case cluster"), max_length=300, blank=True)
    origin_country = models.CharField(_("State of origin"), max_length=2)
    bribe_payer_country = models.CharField(_("State of the bribe payer"), max_length=2, blank=True)
    initiating_country = models.CharField(
        _("third State that took legal action"),
        max_length=2,
        blank=True,
        help_text=_("Only when it is neither the State of origin nor a State of asset location."),
    )
    summary = models.TextField(_("summary"), max_length=10_000, blank=True)
    requests = models.ManyToManyField(
        "cooperation.Request", blank=True, related_name="asset_cases", verbose_name=_("cooperation requests")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("asset recovery case")
        verbose_name_plural = _("asset recovery cases")
        constraints = [
            models.CheckConstraint(
                condition=~Q(initiating_country=F("origin_country")),
                name="asset_case_third_state_not_origin",
                violation_error_message=_("The third State cannot be the State of origin."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class AssetCaseCountry(models.Model):
    """A State where the case's assets are, or through which the proceeds passed."""

    case = models.ForeignKey(AssetCase, on_delete=models.CASCADE, related_name="countries")
    role = models.CharField(max_length=16, choices=CaseCountryRole.choices)
    country = models.CharField(max_length=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "role", "country"], name="asset_case_country_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.country}"


class AssetCaseParticipant(models.Model):
    """An authority taking part in the case: it sees the case and may record its steps."""

    case = models.ForeignKey(AssetCase, on_delete=models.CASCADE, related_name="participants")
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "authority"], name="asset_case_participant_unique")
        ]
        indexes = [models.Index(fields=["authority", "case"], name="asset_participant_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} ← {self.authority_id}"


class AssetCaseOffence(models.Model):
    case = models.ForeignKey(AssetCase, on_delete=models.CASCADE, related_name="offence_rows")
    code = models.CharField(max_length=16, choices=Offence.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="asset_case_offence_unique")]

    def __str__(self) -> str:
        return self.code


class AssetCasePerson(models.Model):
    """A public official or another natural or legal person involved in the scheme."""

    case = models.ForeignKey(AssetCase, on_delete=models.CASCADE, related_name="persons")
    kind = models.CharField(_("kind"), max_length=16, choices=SubjectKind.choices)
    role = models.CharField(_("role"), max_length=32, choices=PersonRole.choices)
    name = models.CharField(_("name"), max_length=300)
    country = models.CharField(_("country"), max_length=2, blank=True)
    identifiers = models.CharField(_("identifiers"), max_length=500, blank=True)

    def __str__(self) -> str:
        return self.name


class Asset(models.Model):
    """One asset of a case: a bank account, a house, shares… with its measure history.

    `status` and the dates below are folded from the append-only `AssetStep`s; they are stored
    so that lists and follow-up filter in the database.
    """

    case = models.ForeignKey(AssetCase, on_delete=models.CASCADE, related_name="assets")
    type = models.CharField(_("type"), max_length=32, choices=AssetType.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    identifier_kind = models.CharField(
        _("identifier kind"), max_length=16, choices=IdentifierKind.choices, blank=True
    )
    identifier = models.CharField(_("identifier"), max_length=200, blank=True)
    holder = models.CharField(_("holder"), max_length=300, blank=True)
    beneficial_owner = models.CharField(_("beneficial owner"), max_length=300, blank=True)
    location_country = models.CharField(_("State of location"), max_length=2)
    institution = models.CharField(_("institution"), max_length=300, blank=True)
    estimated_value = models.DecimalField(_("estimated value"), null=True, blank=True, **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    valued_on = models.DateField(_("valuation date"), null=True, blank=True)
    proceeding = models.CharField(_("proceeding"), max_length=32, choices=AssetProceeding.choices, blank=True)
    identified_on = models.DateField(_("identified on"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=AssetCaseStatus.choices, default=AssetCaseStatus.IDENTIFIED
    )
    frozen_on = models.DateField(_("first frozen on"), null=True, blank=True, editable=False)
    review_on = models.DateField(_("order review or expiry"), null=True, blank=True, editable=False)
    confiscated_on = models.DateField(_("first confiscated on"), null=True, blank=True, editable=False)
    returned_on = models.DateField(_("last returned on"), null=True, blank=True, editable=False)
    last_step_on = models.DateField(_("last step on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_value__isnull=True) | Q(estimated_value__gte=0),
                name="asset_value_not_negative",
                violation_error_message=_("A value cannot be negative."),
            )
        ]
        indexes = [models.Index(fields=["status", "location_country"], name="asset_status_idx")]

    def __str__(self) -> str:
        return self.description or f"{self.get_type_display()} #{self.pk}"


class AssetStep(models.Model):
    """One measure on an asset: frozen, released, confiscated, realised, returned, closed.

    Append-only. Every amount keeps its currency, and its value in US dollars at the rate of the
    step's date is stored beside it with the rate and its source, so a figure can be explained.
    """

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=16, choices=StepKind.choices)
    on = models.DateField(_("date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), null=True, blank=True, **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    usd_amount = models.DecimalField(
        _("amount in USD"), null=True, blank=True, max_digits=24, decimal_places=4
    )
    usd_rate = models.DecimalField(_("USD per unit"), null=True, blank=True, **RATE)
    rate_source = models.CharField(_("rate source"), max_length=100, blank=True)
    # The day the rate was published for; a provisional rate is the last known one, older than
    # the step, made again when the day's rate arrives (`services.provisional_conversions_redo`).
    rate_on = models.DateField(_("rate of"), null=True, blank=True)
    rate_provisional = models.BooleanField(_("provisional rate"), default=False)
    proceeding = models.CharField(_("proceeding"), max_length=32, choices=AssetProceeding.choices, blank=True)
    order_reference = models.CharField(_("order"), max_length=200, blank=True)
    order_country = models.CharField(_("issuing State"), max_length=2, blank=True)
    review_on = models.DateField(_("review or expiry date"), null=True, blank=True)
    returned_to_country = models.CharField(_("returned to State"), max_length=2, blank=True)
    returned_to_victim = models.CharField(_("returned to victim"), max_length=300, blank=True)
    return_agreement = models.CharField(_("return agreement"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), max_length=5_000, blank=True)
    note = models.TextField(_("note"), max_length=5_000, blank=True)
    authority = models.ForeignKey("accounts.Authority", null=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("asset step")
        verbose_name_plural = _("asset steps")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="asset_step_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | ~Q(currency=""),
                name="asset_step_amount_has_currency",
                violation_error_message=_("An amount names its currency."),
            ),
            models.CheckConstraint(
                condition=Q(on__isnull=False) | Q(kind__in=[StepKind.RELEASED, StepKind.CLOSED]),
                name="asset_step_dated",
                violation_error_message=_("Only a release or a closure may be recorded without a date."),
            ),
        ]
        indexes = [models.Index(fields=["asset", "kind", "on"], name="asset_step_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class ForeignOrder(models.Model):
    """An interim or final order of a foreign court received for enforcement (000 §43)."""

    case = models.ForeignKey(AssetCase, on_delete=models.CASCADE, related_name="foreign_orders")
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=OrderKind.choices)
    issuing_country = models.CharField(_("issuing State"), max_length=2)
    court = models.CharField(_("court"), max_length=300)
    issued_on = models.DateField(_("issued on"))
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    conviction_based = models.BooleanField(_("conviction-based"), default=True)
    certified = models.BooleanField(_("certified copy"), default=False)
    translated = models.BooleanField(_("translation present"), default=False)
    status = models.CharField(_("status"), max_length=32, choices=OrderStepKind.choices, editable=False)
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("foreign order")
        verbose_name_plural = _("foreign orders")

    def __str__(self) -> str:
        return f"{self.court} {self.issued_on}"


class ForeignOrderStep(models.Model):
    """A registration or enforcement step of a foreign order (append-only)."""

    order = models.ForeignKey(ForeignOrder, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=32, choices=OrderStepKind.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=5_000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.on}"


class AssetManagement(models.Model):
    """Who keeps a seized asset, where, insured how, and any interlocutory sale (000 §5, §43)."""

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, related_name="management")
    custodian = models.CharField(_("custodian or curator"), max_length=300)
    storage = models.CharField(_("storage"), max_length=300, blank=True)
    insured = models.BooleanField(_("insured"), default=False)
    insurance = models.CharField(_("insurance"), max_length=300, blank=True)
    sale_decided_on = models.DateField(_("interlocutory sale decided on"), null=True, blank=True)
    sale_decided_by = models.CharField(_("sale decided by"), max_length=300, blank=True)
    sale_reason = models.TextField(_("reason for the sale"), max_length=5_000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.custodian


class ManagementCost(models.Model):
    """A cost of keeping a seized asset (storage, insurance, maintenance), dated, in its currency."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="costs")
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    usd_amount = models.DecimalField(_("amount in USD"), max_digits=24, decimal_places=4)
    usd_rate = models.DecimalField(_("USD per unit"), **RATE)
    rate_on = models.DateField(_("rate of"), null=True, blank=True)
    rate_provisional = models.BooleanField(_("provisional rate"), default=False)
    description = models.CharField(_("description"), max_length=300)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="management_cost_not_negative",
                violation_error_message=_("A cost cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.amount} {self.currency}"


class Valuation(models.Model):
    """What a seized asset was worth on a day; a falling series raises a depreciation alert."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="valuations")
    on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="valuation_not_negative",
                violation_error_message=_("A value cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.value} {self.currency}"


class PublicNotice(models.Model):
    """A public notice inviting victims and bona fide third parties to claim (000 §36–39)."""

    case = models.ForeignKey(AssetCase, on_delete=models.CASCADE, related_name="notices")
    published_on = models.DateField(_("published on"))
    medium = models.CharField(_("where published"), max_length=300)
    deadline_on = models.DateField(_("claims deadline"), null=True, blank=True)
    text = models.TextField(_("text"), max_length=10_000, blank=True)

    def __str__(self) -> str:
        return f"{self.medium} {self.published_on}"


class Claim(models.Model):
    """A claim on an asset by a victim or a bona fide third party, and its decision."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="claims")
    notice = models.ForeignKey(
        PublicNotice, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    claimant = models.CharField(_("claimant"), max_length=300)
    claimant_kind = models.CharField(_("claimant is"), max_length=16, choices=ClaimantKind.choices)
    basis = models.TextField(_("basis of the claim"), max_length=5_000)
    amount = models.DecimalField(_("amount claimed"), null=True, blank=True, **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    lodged_on = models.DateField(_("lodged on"))
    status = models.CharField(
        _("status"), max_length=32, choices=ClaimStatus.choices, default=ClaimStatus.LODGED
    )
    decision = models.TextField(_("decision"), max_length=5_000, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="claim_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return self.claimant


class Contact(models.Model):
    """A follow-up contact with another State about a case or an asset (ex officio, 000 §42)."""

    case = models.ForeignKey(AssetCase, on_delete=models.CASCADE, related_name="contacts")
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField(_("date"))
    country = models.CharField(_("with State"), max_length=2)
    note = models.TextField(_("note"), max_length=5_000, blank=True)
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.on} {self.country}"


class AssetCaseBarrier(BarrierRecord):
    """A barrier an authority of the case met with another State (`country`): the figures count
    it by the role of the recording authority's State in the case and by that counterpart."""

    case = models.ForeignKey(AssetCase, on_delete=models.CASCADE, related_name="barriers")
    country = models.CharField(_("met with State"), max_length=2)

    class Meta:
        verbose_name = _("barrier met")
        verbose_name_plural = _("barriers met")
