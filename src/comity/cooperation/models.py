"""Cooperation requests between States and their timelines."""

import datetime
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comity.accounts.models import Authority
from comity.cooperation.choices import Direction, EventKind, NamesVisibleTo, Status, SubjectKind
from comity.core import constraints
from comity.core.models import UserJob
from comity.reference.choices import (
    Barrier,
    LegalBasis,
    Measure,
    Offence,
    Proceeding,
    RefusalGround,
    RequestType,
)


class RequestSides:
    """What a request is to one authority (its direction, reference and counterpart) and whether
    it is overdue: shared by the model and the list's light rows (`selectors.RequestRow`)."""

    __slots__ = ()
    requesting_authority_id: int
    requested_authority_id: int
    requesting_reference: str
    requested_reference: str
    is_open: bool
    due_on: datetime.date
    # An Authority on the model, an AuthorityRef on a list row.
    requesting_authority: Any
    requested_authority: Any

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    def direction_for(self, authority_id: int | None) -> str | None:
        """Incoming or outgoing for that authority; None for an authority it is shared with."""
        if authority_id == self.requested_authority_id:
            return Direction.INCOMING
        if authority_id == self.requesting_authority_id:
            return Direction.OUTGOING
        return None

    def reference_for(self, authority_id: int | None) -> str:
        """Our reference, seen from that authority (the requesting one's for a shared request)."""
        if authority_id == self.requested_authority_id:
            return self.requested_reference
        return self.requesting_reference

    def counterpart_for(self, authority_id: int | None) -> "Authority":
        if authority_id == self.requested_authority_id:
            return self.requesting_authority
        return self.requested_authority


class Request(RequestSides, models.Model):
    """A request for international cooperation from one authority (the requesting State) to
    another (the requested State): mutual legal assistance, extradition, police cooperation...

    Status, dates, outcome and target date are folded from the append-only timeline of
    `Event`s by the state machine and stored here so that lists and statistics can filter
    and group on them in the database.
    """

    type = models.CharField(_("type"), max_length=32, choices=RequestType.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices)
    proceeding = models.CharField(_("proceeding"), max_length=32, choices=Proceeding.choices)
    requesting_authority = models.ForeignKey(
        "accounts.Authority",
        on_delete=models.PROTECT,
        related_name="requests_made",
        verbose_name=_("requesting authority"),
        # request_requesting_idx (authority, id) serves every lookup a lone index would.
        db_index=False,
    )
    requested_authority = models.ForeignKey(
        "accounts.Authority",
        on_delete=models.PROTECT,
        related_name="requests_received",
        verbose_name=_("requested authority"),
        db_index=False,  # served by request_requested_idx (authority, id)
    )
    # Copies of the authorities' countries, so that statistics group without joins.
    requesting_country = models.CharField(_("requesting State"), max_length=2, editable=False)
    requested_country = models.CharField(_("requested State"), max_length=2, editable=False)
    requesting_reference = models.CharField(_("requesting authority's reference"), max_length=100, blank=True)
    requested_reference = models.CharField(_("requested authority's reference"), max_length=100, blank=True)
    summary = models.TextField(_("summary of facts"), max_length=10_000, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    urgency_reason = models.CharField(_("reason for urgency"), max_length=500, blank=True)
    confidential = models.BooleanField(_("confidential"), default=False)
    names_visible_to = models.CharField(
        _("subjects' names visible to"),
        max_length=16,
        choices=NamesVisibleTo.choices,
        default=NamesVisibleTo.OFFICERS,
    )

    status = models.CharField(_("status"), max_length=32, choices=Status.choices, editable=False)
    sent_on = models.DateField(_("sent on"), null=True, blank=True, editable=False)
    received_on = models.DateField(_("received on"), null=True, blank=True, editable=False)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True, editable=False)
    due_on = models.DateField(_("target date"), editable=False)
    is_open = models.BooleanField(default=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("cooperation request")
        verbose_name_plural = _("cooperation requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(requesting_authority=F("requested_authority")),
                name="request_two_parties",
                violation_error_message=_("The requested authority must differ from the requesting one."),
            ),
            models.CheckConstraint(
                condition=Q(urgent=False) | ~Q(urgency_reason=""),
                name="request_urgent_has_reason",
                violation_error_message=_("An urgent request states the reason for urgency."),
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True)
                | Q(sent_on__isnull=True)
                | Q(received_on__gte=F("sent_on")),
                name="request_received_after_sent",
                violation_error_message=_("A request cannot be received before it was sent."),
            ),
            # A reference is unique between the same two parties here; that an authority's own
            # numbering is unique across all its requests is checked by the services when that
            # authority writes it (`services._check_own_references`). A side recording the other's
            # reference must not learn from a refusal what the other has with third parties.
            # The reference comes second so that the index serves lookups by (authority, reference).
            models.UniqueConstraint(
                fields=["requesting_authority", "requesting_reference", "requested_authority"],
                condition=~Q(requesting_reference=""),
                name="request_unique_requesting_reference",
                violation_error_message=_(
                    "There is already a request between these two authorities with this requesting reference."
                ),
            ),
            models.UniqueConstraint(
                fields=["requested_authority", "requested_reference", "requesting_authority"],
                condition=~Q(requested_reference=""),
                name="request_unique_requested_reference",
                violation_error_message=_(
                    "There is already a request between these two authorities with this requested reference."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["requesting_authority", "id"], name="request_requesting_idx"),
            models.Index(fields=["requested_authority", "id"], name="request_requested_idx"),
            # The open requests only (a few in a hundred of a long register) in the home page's
            # order, carrying what its lists test: scope and awaiting side are read from the index
            # alone (an index-only scan), not from the table. (is_open, due_on) made SQLite
            # skip-scan every closed request too.
            models.Index(
                fields=["due_on", "id", "requesting_authority", "requested_authority", "status"],
                condition=Q(is_open=True),
                name="request_open_idx",
            ),
            models.Index(fields=["received_on", "id"], name="request_received_idx"),
        ]

    def __str__(self) -> str:
        return self.requesting_reference or self.requested_reference or f"#{self.pk}"

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # Every write of a request validates its five constraints (services._save): the three
        # checks compare the row's own values and a reference left blank is outside its unique
        # index, so those are decided here and only the rest is asked of the database.
        constraints.validate_constraints(self, exclude)


class RequestOffence(models.Model):
    """One offence a request concerns (a request may concern several)."""

    # The unique (request, code) index serves lookups by request: no second index to maintain.
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="offence_rows", db_index=False
    )
    code = models.CharField(max_length=16, choices=Offence.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "code"], name="request_offence_unique")]
        indexes = [models.Index(fields=["code", "request"], name="request_offence_code_idx")]

    def __str__(self) -> str:
        return self.code


class RequestMeasure(models.Model):
    """One measure of assistance a request asks for."""

    # The unique (request, code) index serves lookups by request: no second index to maintain.
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="measure_rows", db_index=False
    )
    code = models.CharField(max_length=32, choices=Measure.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "code"], name="request_measure_unique")]
        indexes = [models.Index(fields=["code", "request"], name="request_measure_code_idx")]

    def __str__(self) -> str:
        return self.code


class RequestRefusalGround(models.Model):
    """A ground on which the request was refused (kept while the refusal stands)."""

    # The unique (request, code) index serves lookups by request: no second index to maintain.
    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="refusal_ground_rows", db_index=False
    )
    code = models.CharField(max_length=32, choices=RefusalGround.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "code"], name="request_ground_unique")]

    def __str__(self) -> str:
        return self.code


class RequestShare(models.Model):
    """An authority other than the two parties that may see the request (e.g. the asset
    recovery office working with the central authority)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="shares")
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "authority"], name="request_share_unique")]
        indexes = [models.Index(fields=["authority", "request"], name="request_share_authority_idx")]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.authority_id}"


class Subject(models.Model):
    """A natural or legal person the request is about. Whether a legal person can be held
    liable matters for dual criminality (UNCAC art. 26)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(_("kind"), max_length=16, choices=SubjectKind.choices)
    name = models.CharField(_("name"), max_length=300)
    identifiers = models.CharField(
        _("identifiers"),
        max_length=500,
        blank=True,
        help_text=_("Passport, national id, company registration number, date of birth..."),
    )
    country = models.CharField(_("nationality or seat"), max_length=2, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """One step in a request's life: append-only, never edited or deleted.

    `authority` is the side that recorded it; an `internal` event (a note) is visible to that
    side only. A correction (`corrects`) supersedes the date of an earlier event of the same
    request with its own `occurred_on`, and says why in `text`; both stay in the timeline.
    """

    # event_request_idx (request, id) serves lookups by request: no second index to maintain.
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(_("event"), max_length=32, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("details"), max_length=5_000, blank=True)
    refusal_grounds = models.JSONField(_("grounds"), default=list, blank=True)
    internal = models.BooleanField(_("internal to our side"), default=False)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects the date of"),
        # Indexed only where set (event_corrects_idx): imports write millions of events, none a correction.
        db_index=False,
    )
    # A shared event of a request that travelled between deployments (ADR 11) that was first
    # recorded at the peer: the peer's name and the event's id there, so that it is applied once
    # and a correction made there names it. Blank / null for an event recorded here.
    # Defaults in the database too: bulk imports insert the other columns only.
    origin_deployment = models.CharField(_("deployment of origin"), max_length=100, blank=True, db_default="")
    origin_event_id = models.PositiveBigIntegerField(null=True, blank=True)
    # On such a request, the id (at the other deployment) of the last of the other side's events
    # that this event's deployment had when recording it: the fold puts the event after those
    # (what one side did knowing the other's event follows it; only events recorded at once are
    # ordered by date, deployment name and id). Null when it had none.
    after_event_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Set by the fold of a shared timeline: the event could not follow the ones the rule put
    # before it (both sides recorded at once); kept and shown to both sides, changing nothing.
    conflicting = models.BooleanField(_("conflicting"), db_default=False)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["request", "id"], name="event_request_idx"),
            models.Index(fields=["corrects"], condition=Q(corrects__isnull=False), name="event_corrects_idx"),
        ]
        constraints = [
            # The same peer's event is applied once to a request (and its id is unique there).
            models.UniqueConstraint(
                fields=["request", "origin_deployment", "origin_event_id"],
                condition=Q(origin_event_id__isnull=False),
                name="event_origin_once",
                violation_error_message=_("This event of the peer is already on the timeline."),
            ),
            models.CheckConstraint(
                condition=Q(origin_event_id__isnull=True) | ~Q(origin_deployment=""),
                name="event_origin_names_deployment",
                violation_error_message=_("An event from a peer names the peer."),
            ),
            models.CheckConstraint(
                condition=Q(internal=False) | Q(kind=EventKind.NOTE),
                name="event_only_notes_internal",
                violation_error_message=_("Only a note can be internal."),
            ),
            models.CheckConstraint(
                condition=Q(kind=EventKind.CORRECTION, corrects__isnull=False)
                | (~Q(kind=EventKind.CORRECTION) & Q(corrects__isnull=True)),
                name="event_correction_names_its_event",
                violation_error_message=_(
                    "A correction, and only a correction, names the event it corrects."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.kind}"

    def get_refusal_grounds_display(self) -> str:
        """The grounds' labels, as the request's own grounds show (the column keeps codes)."""
        labels = dict(RefusalGround.choices)
        return "; ".join(str(labels.get(code, code)) for code in self.refusal_grounds)


class ExportJob(UserJob):
    """A workbook of the request list's selection, made in the background: a long register takes
    long to write as XLSX, which would hold a web worker (one per core) and show nothing meanwhile.

    Seen only by its user; the selection is read as that user may see it when the job runs. The
    file exists from when it is ready until it is downloaded, or until `EXPORT_KEPT_HOURS` pass.
    """

    class State(models.TextChoices):
        PREPARING = "preparing", pgettext_lazy("job state", "Preparing")
        READY = "ready", pgettext_lazy("job state", "Ready to download")
        DOWNLOADED = "downloaded", pgettext_lazy("job state", "Downloaded")
        EXPIRED = "expired", pgettext_lazy("job state", "Expired")
        FAILED = "failed", pgettext_lazy("job state", "Failed")

    # The list's filters as a query string, e.g. "type=mla&counterpart_country=CH".
    query = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PREPARING)

    @property
    def finished(self) -> bool:
        return self.state != self.State.PREPARING


class BarrierRecord(models.Model):
    """A barrier met (000 §28, §45–47), coded as in the vocabulary `barriers`, on the day it was
    met, recorded by one authority with an optional note. The note is the case's confidential
    matter: only the code, the day and the States enter the figures."""

    code = models.CharField(_("barrier"), max_length=32, choices=Barrier.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=1_000, blank=True)
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.on}"


class RequestBarrier(BarrierRecord):
    """A barrier one party met in a request; its counterpart State is the other party's."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="barriers")

    class Meta:
        verbose_name = _("barrier met")
        verbose_name_plural = _("barriers met")
