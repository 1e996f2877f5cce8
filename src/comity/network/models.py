"""The cooperation network: which authorities take part, and the directory that says whom to ask
in each State, how, and in which languages (004 §19, §46, §53)."""

import datetime

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from comity.accounts.models import Authority
from comity.assets.choices import IdentifierKind
from comity.assets.models import AMOUNT
from comity.network.choices import MembershipState, NotificationKind
from comity.reference.choices import AlertStatus, Handling, LegalBasis, Proceeding, RequestType

# An entry not confirmed for this long is stale wherever it appears; editors are reminded a month
# before (a confirmation a year).
STALE_AFTER = datetime.timedelta(days=396)
CONFIRM_EVERY = datetime.timedelta(days=365)


class Network(models.Model):
    """A network of authorities that log in to this deployment (the hub) to find each other,
    consult before a formal request, coordinate cases and raise urgent alerts."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        permissions = [("administer_network", _("Can approve and suspend the network's members"))]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An authority's place in a network: asked for (with a sponsoring member), then approved or
    refused by a network administrator. A suspended member keeps its history but reads and writes
    nothing of the network until it is approved again."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="memberships")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="memberships")
    state = models.CharField(_("state"), max_length=16, choices=MembershipState.choices)
    sponsor = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sponsor"),
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "authority"],
                name="membership_one_per_network",
                violation_error_message=_("This authority already has a membership of this network."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.authority} in {self.network}"


class DirectoryEntry(models.Model):
    """What a member needs to know to ask an authority for help: what it does, in which languages
    and through which channels it takes requests, what it requires, how urgent cases reach it, and
    the networks it belongs to. Kept by the authority's own directory editors, who confirm it each
    year; an entry not confirmed for 13 months is stale."""

    authority = models.OneToOneField(Authority, on_delete=models.PROTECT, related_name="directory_entry")
    competences = models.JSONField(_("competences"), default=list, blank=True)
    languages = models.JSONField(_("languages accepted for requests"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    encryption_required = models.BooleanField(_("encryption required"), default=False)
    signature_required = models.BooleanField(_("electronic signature required"), default=False)
    uncac_accepted = models.BooleanField(_("UNCAC accepted as a legal basis"), default=True)
    urgent_procedure = models.TextField(_("urgent procedure"), max_length=2000, blank=True)
    affiliations = models.JSONField(_("networks it belongs to"), default=list, blank=True)
    links = models.JSONField(_("laws and guides"), default=list, blank=True)
    last_confirmed_on = models.DateField(_("last confirmed on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        permissions = [("edit_directory", _("Can edit its own authority's directory entry"))]

    def __str__(self) -> str:
        return str(self.authority)

    def stale_on(self, today: datetime.date) -> bool:
        """Not confirmed for 13 months (or never)."""
        return self.last_confirmed_on is None or today - self.last_confirmed_on > STALE_AFTER


class ContactPerson(models.Model):
    """A person to ask at an authority: a named official or a functional mailbox, with the
    languages they speak and when they can be reached (in their time zone)."""

    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    mailbox = models.EmailField(_("functional mailbox"), max_length=254, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    working_hours = models.CharField(_("working hours"), max_length=100, blank=True)
    urgent = models.BooleanField(_("24/7 urgent contact"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class DirectoryChange(models.Model):
    """One change of a directory entry or its contacts: who changed which fields, when, and their
    values before and after (directory data is meant to be read by the network's members)."""

    entry = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(max_length=32)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.entry} {self.what} {self.changed_at:%Y-%m-%d}"

    def changed_fields(self) -> list[str]:
        """The changed fields by their names in the reader's language (the contact's or the entry's
        field: `changes` keeps the code names)."""
        model = ContactPerson if self.what.startswith("contact-") else DirectoryEntry
        names = []
        for code in self.changes:
            try:
                field = model._meta.get_field(code)
            except FieldDoesNotExist:
                names.append(code)
            else:
                names.append(str(getattr(field, "verbose_name", code)))
        return names


class Notification(models.Model):
    """Something a user of the network should know about, in their in-app inbox. Its e-mail (at
    once when `urgent`, else in the daily digest) carries the link and the kind, never case details."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    url = models.CharField(max_length=200)
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


# Urgent freezing alerts (#22 item 6) ----------------------------------------------------------


# What the recipient may answer once it has acknowledged an alert.
ALERT_OUTCOME_STATUSES = frozenset(
    {AlertStatus.FREEZING_ORDERED, AlertStatus.FROZEN, AlertStatus.NOT_POSSIBLE, AlertStatus.REQUEST_NEEDED}
)
OPEN_ALERT_STATUSES = frozenset(
    {AlertStatus.SENT, AlertStatus.ESCALATED, AlertStatus.ACKNOWLEDGED, AlertStatus.FREEZING_ORDERED}
)


class Alert(models.Model):
    """An urgent freezing alert: an authority asks the 24/7 contact of another State's authority
    to freeze named assets before they move, ahead of (or instead of waiting for) a formal request.
    The recipient acknowledges it, then records the outcome; one not acknowledged within
    COMITY_ALERT_ACK_HOURS is escalated (a second contact, the head of unit). When the sender names
    its asset case, each asset of the alert is an asset of that case, and a freezing recorded in
    answer is a step of it."""

    from_authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="alerts_sent")
    to_authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="alerts_received")
    asset_case = models.ForeignKey(
        "assets.AssetCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("asset case"),
    )
    reason = models.TextField(_("reason"), max_length=5_000)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.SENT
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("urgent freezing alert")
        verbose_name_plural = _("urgent freezing alerts")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_authority=models.F("to_authority")),
                name="alert_to_another_authority",
                violation_error_message=_("An alert goes to another authority."),
            )
        ]
        indexes = [
            models.Index(fields=["status", "sent_at"], name="alert_status_idx"),
            models.Index(fields=["to_authority", "-sent_at"], name="alert_received_idx"),
            models.Index(fields=["from_authority", "-sent_at"], name="alert_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"alert {self.pk}"

    @property
    def is_open(self) -> bool:
        """Still waiting for an outcome (and not withdrawn)."""
        return self.status in OPEN_ALERT_STATUSES


class AlertAsset(models.Model):
    """One asset an alert asks to freeze, named by a validated identifier (as in asset cases),
    with the amount thought to be there; `asset` is the same asset in the sender's case, and
    `frozen_step` the step its freezing became there."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="assets")
    identifier_kind = models.CharField(_("identifier kind"), max_length=16, choices=IdentifierKind.choices)
    identifier = models.CharField(_("identifier"), max_length=200)
    amount = models.DecimalField(_("amount"), null=True, blank=True, **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    asset = models.ForeignKey(
        "assets.Asset", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    frozen_step = models.ForeignKey(
        "assets.AssetStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("asset to freeze")
        verbose_name_plural = _("assets to freeze")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="alert_asset_amount_not_negative",
                violation_error_message=_("An amount cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.identifier_kind} {self.identifier}"


class AlertStep(models.Model):
    """One step of an alert, with its time, as the sender sees it: sent, escalated, acknowledged,
    an outcome (with why, when freezing is not possible), withdrawn. Append-only."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("status"), max_length=16, choices=AlertStatus.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority = models.ForeignKey(
        Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), max_length=5_000, blank=True)
    order_reference = models.CharField(_("order"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("alert step")
        verbose_name_plural = _("alert steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.status} {self.at:%Y-%m-%d %H:%M}"


# Case coordination meetings (#22 item 5) ------------------------------------------------------


class Meeting(models.Model):
    """A case coordination meeting between the authorities working on a case (004 §53(c)): when
    (stored in UTC, shown in each participant's time zone), where (a place or a video link), its
    agenda and minutes, the action items agreed, and the requests, asset cases and consultations
    it is about. Seen only by the participants' officers, heads and viewers."""

    organiser = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="meetings_organised")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=60)
    location = models.CharField(_("place or video link"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), max_length=10_000, blank=True)
    minutes = models.TextField(_("minutes"), max_length=20_000, blank=True)
    requests = models.ManyToManyField(
        "cooperation.Request", blank=True, related_name="+", verbose_name=_("cooperation requests")
    )
    asset_cases = models.ManyToManyField(
        "assets.AssetCase", blank=True, related_name="+", verbose_name=_("asset recovery cases")
    )
    consultations = models.ManyToManyField(
        "network.Consultation", blank=True, related_name="+", verbose_name=_("consultations")
    )
    # Raised at each change, so that a calendar updates the event it imported (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=15) & models.Q(duration_minutes__lte=720),
                name="meeting_duration_bounded",
                violation_error_message=_("A meeting lasts between 15 minutes and 12 hours."),
            )
        ]
        indexes = [models.Index(fields=["starts_at"], name="meeting_starts_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class MeetingParticipant(models.Model):
    """An authority taking part in a meeting (the organiser's among them)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "authority"], name="meeting_participant_unique")
        ]
        indexes = [models.Index(fields=["authority", "meeting"], name="meeting_participant_idx")]

    def __str__(self) -> str:
        return f"{self.meeting_id} ← {self.authority_id}"


class ActionItem(models.Model):
    """Something agreed at a meeting that one person (`owner`, of a participating authority) does
    by a day; done when `done_on` is set."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # When its owner was reminded that it falls due (once: `services.action_items_remind`).
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["done_on", "reminded_on", "due_on"], name="action_item_due_idx")]

    def __str__(self) -> str:
        return self.text


# Consultations (#22 item 4) ---------------------------------------------------------------------


class Consultation(models.Model):
    """A secure thread between two or more authorities of the network about a request that may be
    made, before it exists (004 §19, §46: informal consultation prior to a formal request). The
    opener's authority takes part from the start; others take part when invited. What the request
    will be (its type, measures, offences, legal basis, proceeding, subjects) is noted as it
    becomes clear, so that "convert into a request" carries it over and nothing is typed twice.

    Seen by its participants only; its handling code (Traffic Light Protocol 2.0) says how far what
    it holds may go, and is shown on every page and export of it."""

    subject = models.CharField(_("subject"), max_length=300)
    handling = models.CharField(_("handling"), max_length=20, choices=Handling.choices)
    summary = models.TextField(_("summary of facts"), max_length=10_000, blank=True)
    questions = models.TextField(_("questions"), max_length=5_000, blank=True)
    request_type = models.CharField(
        _("type of request"), max_length=32, choices=RequestType.choices, blank=True
    )
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices, blank=True)
    proceeding = models.CharField(_("proceeding"), max_length=32, choices=Proceeding.choices, blank=True)
    offences = models.JSONField(_("offences"), default=list, blank=True)
    measures = models.JSONField(_("measures"), default=list, blank=True)
    # [{"kind", "name", "identifiers", "country"}]: the persons a request would be about.
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_by_authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The last message's id and time, kept here so that the inbox sorts and marks unread threads
    # without reading their messages.
    last_message_id = models.PositiveBigIntegerField(default=0)
    last_activity_at = models.DateTimeField(_("last activity"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    request = models.OneToOneField(
        "cooperation.Request",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation",
        verbose_name=_("request it became"),
    )
    # The conversation id of its `consultation.message` packages (ADR 11), once it has a
    # participant hosted by a peer deployment: the same at every deployment that holds a copy.
    conversation_id = models.UUIDField(
        _("conversation id"), null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(handling__in=Handling.values),
                name="consultation_handling_code",
                violation_error_message=_("The handling code is not one of the Traffic Light Protocol's."),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def state(self) -> str:
        return consultation_state(self.request_id, self.closed_at)


def consultation_state(request_id: int | None, closed_at: datetime.datetime | None) -> str:
    """open, closed, or converted (into a request, which closes it)."""
    if request_id is not None:
        return "converted"
    return "open" if closed_at is None else "closed"


class ConsultationParticipant(models.Model):
    """An authority taking part in a consultation: its users read the thread and, if officers or
    heads, write in it. Added when the consultation is opened, or invited later by a participant."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="participants")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    # The consultation's last activity and whether it is closed, copied here by every service that
    # changes them (services._participants_follow), so that an authority's inbox is read from one
    # index in its order, a page at a time, whatever the number of consultations it takes part in.
    last_activity_at = models.DateTimeField()
    closed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "consultation"],
                name="consultation_participant_unique",
                violation_error_message=_("This authority already takes part in the consultation."),
            )
        ]
        indexes = [
            models.Index(
                fields=["authority", "closed", "last_activity_at", "id"], name="consultation_inbox_idx"
            ),
            models.Index(fields=["authority", "last_activity_at", "id"], name="consultation_inbox_all_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} ← {self.authority_id}"


class ConsultationMessage(models.Model):
    """One message of a consultation's thread: append-only, never edited."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"), max_length=20_000)
    posted_at = models.DateTimeField(auto_now_add=True)
    # A message posted at a peer deployment: that deployment and the message's id there, so that
    # the same message sent again is never recorded twice (ADR 11). Empty for one posted here.
    origin_deployment = models.CharField(_("deployment of origin"), max_length=100, blank=True, db_default="")
    origin_message_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["consultation", "id"], name="consultation_message_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "origin_deployment", "origin_message_id"],
                condition=models.Q(origin_message_id__isnull=False),
                name="consultation_message_origin_once",
                violation_error_message=_("This message of the peer deployment is already recorded."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}/{self.pk}"


class ConsultationAttachment(models.Model):
    """A draft (of a request, a letter, an order) attached to a message. Stored in the database with
    its message, in the same transaction, so that a thread and its files are backed up, restored and
    scoped together; its size and type are limited (COMITY_ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES)
    and its contents are never logged."""

    message = models.ForeignKey(ConsultationMessage, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ConsultationReceipt(models.Model):
    """How far a user has read a consultation's thread: every message up to `read_up_to` (an id).
    The other participants see, under each message, who has read it."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="+")
    read_up_to = models.PositiveBigIntegerField(default=0)
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "consultation"], name="consultation_receipt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.consultation_id} to {self.read_up_to}"
