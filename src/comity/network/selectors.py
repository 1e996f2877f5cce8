"""Reads of the network, scoped at the source: only the members of a network read anything of it,
and to anyone else (a non-member, a suspended member, the public) it does not exist (404)."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from statistics import median
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import get_global
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from comity.accounts.choices import CASE_WRITER_ROLES, Role
from comity.accounts.models import Authority, User
from comity.assets.selectors import cases_visible_to
from comity.cooperation.selectors import AuthorityRef, requests_visible_to
from comity.core.errors import FieldErrors
from comity.core.filters import valid_filters
from comity.core.pagination import Page, keyset_cursor, keyset_query, keyset_result
from comity.core.policy import visible_or_404
from comity.core.services import record_access
from comity.core.statements import ANY_MOMENT, Statement, columns, instance, placeholder_id
from comity.federation.choices import PeerState
from comity.federation.models import PeerAuthority
from comity.guidance.selectors import profiles_visible_to
from comity.network.choices import ASSET_MEASURES, PROCEEDING_COMPETENCE, Competence, MembershipState
from comity.network.filters import DirectoryFilterSet
from comity.network.models import (
    ALERT_OUTCOME_STATUSES,
    STALE_AFTER,
    ActionItem,
    Alert,
    AlertAsset,
    AlertStep,
    Consultation,
    ConsultationAttachment,
    ConsultationMessage,
    ConsultationParticipant,
    ConsultationReceipt,
    ContactPerson,
    DirectoryChange,
    DirectoryEntry,
    Meeting,
    MeetingParticipant,
    Membership,
    Network,
    Notification,
    consultation_state,
)
from comity.reference.choices import AlertStatus, Handling

ADMINISTER = "network.administer_network"
EDIT_DIRECTORY = "network.edit_directory"


def networks_of(user: User) -> "QuerySet[Network]":
    """The networks the user's authority is an approved member of."""
    if user.authority_id is None or not user.is_active:
        return Network.objects.none()
    return Network.objects.filter(
        memberships__authority_id=user.authority_id, memberships__state=MembershipState.APPROVED
    ).distinct()


def _approved(user: User) -> "QuerySet[Membership] | None":
    """The approved memberships of the user's authority (None for a user without one, or inactive):
    a subquery that tests membership in the query it guards, not in one of its own before it."""
    if user.authority_id is None or not user.is_active:  # as _in_scope
        return None
    return Membership.objects.filter(authority_id=user.authority_id, state=MembershipState.APPROVED)


def _in_scope(user: User) -> bool:
    """Whether `_approved` has memberships to test (a user with an authority, active)."""
    return user.authority_id is not None and user.is_active


def is_member(user: User) -> bool:
    """Whether the user's authority is an approved member: read before every endpoint of the
    network's API, by a statement compiled once per database."""
    return _in_scope(user) and bool(_member_statement(connection.vendor).rows(authority=user.authority_id))


@cache
def _member_statement(vendor: str) -> Statement:
    approved = _approved(_ANY_READER)
    assert approved is not None
    return Statement.of(approved.order_by().values("pk")[:1], {"authority": _ANY_AUTHORITY})


def require_member(user: User) -> None:
    """404 for anyone whose authority is not an approved member of a network: the network's pages
    and endpoints do not exist for them."""
    if not is_member(user):
        raise Http404


def member_authority_ids(user: User) -> set[int]:
    """The authorities that take part, with the user's, in one of the user's networks."""
    return set(
        Membership.objects.filter(network__in=networks_of(user), state=MembershipState.APPROVED).values_list(
            "authority_id", flat=True
        )
    )


def consultable_authority_ids(user: User) -> set[int]:
    """The authorities a consultation of the user's authority may name (ADR 11): the members of the
    user's networks and, to a member, the authorities of trusted peer deployments, since federation
    trust stands for a peer's membership. To a peer's authority (its system actor applying what its
    deployment sent) the authorities hosted here that are members of a network."""
    # One statement for both lists (the consultation's page reads them at every view), each row
    # saying which list it is from.
    rows = (
        Membership.objects.filter(network__in=networks_of(user), state=MembershipState.APPROVED)
        .annotate(federated=Value(False))
        .values_list("authority_id", "federated")
        .union(
            PeerAuthority.objects.filter(peer__state=PeerState.TRUSTED)
            .annotate(federated=Value(True))
            .values_list("authority_id", "federated")
        )
    )
    members: set[int] = set()
    federated: set[int] = set()
    for authority_id, is_federated in rows:
        (federated if is_federated else members).add(authority_id)
    if user.authority_id in federated:
        hosted = Membership.objects.filter(state=MembershipState.APPROVED, authority__external=False)
        return federated | set(hosted.values_list("authority_id", flat=True))
    return members | federated if members else members


def administers(user: User) -> bool:
    """A network administrator: a permission an administrator grants, beside the user's role."""
    return user.is_active and user.has_perm(ADMINISTER)


def edits_directory_of(user: User, authority_id: int) -> bool:
    """Whether the user may change this authority's directory entry: a directory editor of it."""
    return (
        user.is_active
        and user.authority_id == authority_id
        and user.has_perm(EDIT_DIRECTORY)
        and is_member(user)
    )


def memberships_visible_to(user: User) -> "QuerySet[Membership]":
    """Every membership for a network administrator; the user's own authority's otherwise."""
    memberships = Membership.objects.select_related("network", "authority", "sponsor")
    if administers(user):
        return memberships.all()
    return memberships.filter(authority_id=user.authority_id or -1)


def directory_visible_to(user: User) -> "QuerySet[DirectoryEntry]":
    """The directory, to the network's members only (none to anyone else)."""
    approved = _approved(user)
    if approved is None:
        return DirectoryEntry.objects.none()
    return (
        DirectoryEntry.objects.filter(Exists(approved))
        .select_related("authority")
        .prefetch_related("contacts")
    )


# Urgent freezing alerts ------------------------------------------------------------------------


def alerts_visible_to(user: User) -> "QuerySet[Alert]":
    """The alerts the user's authority sent or received, to those who read its cases (officers,
    heads, viewers) while it is a member; an alert to or from an authority of a peer deployment
    (linked to its peer, trusted still or not: the alert is the authority's record) needs no
    membership, federation trust stands for it. None to anyone else."""
    if not user.is_authenticated or not user.reads_cases or user.authority_id is None:
        return Alert.objects.none()
    own = Alert.objects.filter(Q(from_authority_id=user.authority_id) | Q(to_authority_id=user.authority_id))
    if is_member(user):
        return own
    return own.filter(Q(from_authority__peer_link__isnull=False) | Q(to_authority__peer_link__isnull=False))


def uses_alerts(user: User) -> bool:
    """Whether the alerts' list and form exist for the user: a reader of its authority's cases
    while it is a member, or, member or not, while a trusted peer hosts an authority it may alert
    or it has an alert between deployments (federation trust stands for membership)."""
    if not user.is_authenticated or not user.is_active or not user.reads_cases or user.authority_id is None:
        return False
    return is_member(user) or alert_recipients(user).exists() or alerts_visible_to(user).exists()


def require_alerts(user: User) -> None:
    """404 for anyone for whom the alerts' list and form do not exist (uses_alerts)."""
    if not uses_alerts(user):
        raise Http404


def alert_list(user: User, *, direction: str = "", status: str = "") -> "QuerySet[Alert]":
    """The user's alerts, newest first; `direction` `sent` or `received`, `status` an AlertStatus."""
    alerts = alerts_visible_to(user)
    if direction == "sent":
        alerts = alerts.filter(from_authority_id=user.authority_id)
    elif direction == "received":
        alerts = alerts.filter(to_authority_id=user.authority_id)
    if status:
        alerts = alerts.filter(status=status)
    return (
        alerts.select_related("from_authority", "to_authority")
        .prefetch_related("assets")
        .order_by("-sent_at", "-pk")
    )


def alert_detail(user: User, pk: int, *, channel: str) -> Alert:
    """One alert of the user's authority with its assets and steps, or 404; the read is logged."""
    alert = visible_or_404(
        alerts_visible_to(user)
        .select_related("from_authority", "to_authority", "sent_by")
        .prefetch_related(
            Prefetch("assets", queryset=AlertAsset.objects.select_related("frozen_step").order_by("pk")),
            Prefetch("steps", queryset=AlertStep.objects.select_related("authority").order_by("at", "pk")),
        ),
        pk,
    )
    record_access(user=user, obj=alert, channel=channel)
    return alert


def urgent_contacts(authority_id: int) -> list[ContactPerson]:
    """The authority's 24/7 contacts in the directory, in its order: the first is alerted, the
    second too when an alert is escalated."""
    return list(
        ContactPerson.objects.filter(entry__authority_id=authority_id, urgent=True).order_by("position", "pk")
    )


def other_members(user: User) -> "QuerySet[Authority]":
    """The other member authorities of the user's networks (whom a meeting may invite)."""
    return Authority.objects.filter(pk__in=member_authority_ids(user) - {user.authority_id}).order_by(
        "country", "name"
    )


def alert_recipients(user: User) -> "QuerySet[Authority]":
    """The authorities the user may alert: the members of the user's networks in other States, and
    the authorities of other States hosted by a trusted peer deployment (the alert travels there)."""
    own_country = user.authority.country if user.authority else ""
    hosted_by_peers = Q(external=True, peer_link__peer__state=PeerState.TRUSTED)
    return (
        Authority.objects.filter(Q(pk__in=member_authority_ids(user) - {user.authority_id}) | hosted_by_peers)
        .exclude(country=own_country)
        .order_by("country", "name")
    )


# Case coordination meetings --------------------------------------------------------------------


def meetings_visible_to(user: User) -> "QuerySet[Meeting]":
    """The meetings the user's authority takes part in, to those who read its cases while it is a
    member; none to anyone else."""
    if not user.is_authenticated or not user.reads_cases or not is_member(user):
        return Meeting.objects.none()
    taking_part = MeetingParticipant.objects.filter(
        meeting=OuterRef("pk"), authority_id=user.authority_id or -1
    )
    return Meeting.objects.filter(Exists(taking_part))


def meeting_list(user: User, *, upcoming: bool = False) -> "QuerySet[Meeting]":
    """The user's meetings, soonest first; only those not yet over when `upcoming`."""
    meetings = meetings_visible_to(user)
    if upcoming:
        meetings = meetings.filter(starts_at__gte=timezone.now() - datetime.timedelta(hours=12))
    return (
        meetings.select_related("organiser")
        .prefetch_related("participants__authority")
        .order_by("starts_at", "pk")
    )


def meeting_detail(user: User, pk: int, *, channel: str) -> Meeting:
    """One meeting of the user's authority with what its page shows, or 404; the read is logged.
    Its linked requests and cases are those the user may open: a link says nothing to others."""
    meeting = visible_or_404(
        meetings_visible_to(user)
        .select_related("organiser")
        .prefetch_related(
            "participants__authority",
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner", "owner__authority")),
            Prefetch("requests", queryset=requests_visible_to(user)),
            Prefetch("asset_cases", queryset=cases_visible_to(user)),
            Prefetch("consultations", queryset=consultations_visible_to(user)),
        ),
        pk,
    )
    record_access(user=user, obj=meeting, channel=channel)
    return meeting


def time_zones(authority_ids: Iterable[int]) -> dict[int, str]:
    """Each authority's time zone: its directory's first contact's, else its State's when the
    State has one, else UTC."""
    zones: dict[int, str] = {}
    for contact in (
        ContactPerson.objects.filter(entry__authority_id__in=authority_ids)
        .order_by("-urgent", "position", "pk")
        .values("entry__authority_id", "time_zone")
    ):
        if _is_zone(contact["time_zone"]):
            zones.setdefault(contact["entry__authority_id"], contact["time_zone"])
    for authority in Authority.objects.filter(pk__in=authority_ids).exclude(pk__in=zones):
        country_zones = get_global("territory_zones").get(authority.country, [])
        zones[authority.pk] = country_zones[0] if len(country_zones) == 1 else "UTC"
    return zones


def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def action_owners(meeting: Meeting) -> "QuerySet[User]":
    """Who may own an action item of the meeting: the active officers and heads of its participants."""
    return User.objects.filter(
        authority_id__in=meeting.participants.values("authority_id"),
        is_active=True,
        role__in=CASE_WRITER_ROLES,
    ).order_by("authority__country", "last_name", "username")


# Figures of the alerts (#22 item 8) ------------------------------------------------------------

# Hours within which an alert was acknowledged, for the figures; then `later`, `not-acknowledged`.
ACKNOWLEDGED_WITHIN_HOURS = (1, 2, 6, 24)


@dataclass(frozen=True)
class AlertFigures:
    """The user's authority's alerts, sent and received: how fast they were acknowledged and
    answered, and how they ended. Counts and durations only."""

    sent: int
    received: int
    by_status: dict[str, int]
    # (bucket code, alerts): "1h", "2h", "6h", "24h", "later", "not-acknowledged".
    acknowledged_within: list[tuple[str, int]]
    median_hours_to_acknowledgement: float | None
    median_hours_to_outcome: float | None


@dataclass(frozen=True)
class Freshness:
    """A State's entries in the directory: how many, and how many not confirmed for 13 months."""

    country: str
    entries: int
    stale: int

    @property
    def share_stale(self) -> float:
        return self.stale / self.entries


def directory_freshness(user: User, today: datetime.date | None = None) -> list[Freshness]:
    """Directory freshness by State (#22 item 8), the stalest share first: what a network's
    members can rely on, and whose entries to chase. One query; members only (none to others)."""
    today = today or timezone.localdate()
    rows = (
        directory_visible_to(user)
        .order_by()
        .values("authority__country")
        .annotate(
            entries=Count("pk"),
            stale=Count(
                "pk",
                filter=Q(last_confirmed_on__isnull=True) | Q(last_confirmed_on__lt=today - STALE_AFTER),
            ),
        )
    )
    found = [Freshness(row["authority__country"], row["entries"], row["stale"]) for row in rows]
    return sorted(found, key=lambda f: (-f.share_stale, f.country))


def alert_figures(user: User) -> AlertFigures:
    outcome_at = Min("steps__at", filter=Q(steps__status__in=ALERT_OUTCOME_STATUSES))
    rows = list(
        alerts_visible_to(user)
        .annotate(outcome_at=outcome_at)
        .values("status", "from_authority_id", "sent_at", "acknowledged_at", "outcome_at")
    )
    buckets = {f"{h}h": 0 for h in ACKNOWLEDGED_WITHIN_HOURS} | {"later": 0, "not-acknowledged": 0}
    to_acknowledge, to_outcome = [], []
    for row in rows:
        if row["acknowledged_at"] is None:
            buckets["not-acknowledged"] += 1
        else:
            hours = (row["acknowledged_at"] - row["sent_at"]).total_seconds() / 3600
            to_acknowledge.append(hours)
            limit = next((h for h in ACKNOWLEDGED_WITHIN_HOURS if hours <= h), None)
            buckets[f"{limit}h" if limit else "later"] += 1
        if row["outcome_at"] is not None:
            to_outcome.append((row["outcome_at"] - row["sent_at"]).total_seconds() / 3600)
    by_status = dict.fromkeys(AlertStatus.values, 0)
    for row in rows:
        by_status[row["status"]] += 1
    sent = sum(1 for row in rows if row["from_authority_id"] == user.authority_id)
    return AlertFigures(
        sent=sent,
        received=len(rows) - sent,
        by_status=by_status,
        acknowledged_within=list(buckets.items()),
        median_hours_to_acknowledgement=round(median(to_acknowledge), 1) if to_acknowledge else None,
        median_hours_to_outcome=round(median(to_outcome), 1) if to_outcome else None,
    )


# Consultations (#22 item 4) ---------------------------------------------------------------------


def _taking_part(user: User, authority: str) -> Q | None:
    """`authority` (a lookup) is the user's authority, and it is an approved member, tested in the
    same query as the read it guards (not in a query of its own before it); None for a user who
    reads no consultation."""
    approved = _approved(user)
    if not _reads_consultations(user) or approved is None:
        return None
    return Q(Exists(approved), **{authority: user.authority_id})


def _reads_consultations(user: User) -> bool:
    """Whether `_taking_part` gives the user a scope (without building it)."""
    return user.reads_cases and _in_scope(user)


def consultations_visible_to(user: User) -> "QuerySet[Consultation]":
    """The consultations the user's authority takes part in, to a user who reads cases and whose
    authority is an approved member; none to anyone else (a suspended member included)."""
    taking_part = _taking_part(user, "participants__authority_id")
    return Consultation.objects.none() if taking_part is None else Consultation.objects.filter(taking_part)


def participations_of(user: User) -> "QuerySet[ConsultationParticipant]":
    """The user's authority's places in consultations, to the same users as `consultations_visible_to`."""
    taking_part = _taking_part(user, "authority_id")
    if taking_part is None:
        return ConsultationParticipant.objects.none()
    return ConsultationParticipant.objects.filter(taking_part)


@dataclass(frozen=True)
class ConsultationFilters:
    """The inbox's filters, shared by the page and the API: `state` open (the default), closed
    (converted ones included) or all; `handling` one TLP code."""

    state: str = "open"
    handling: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, str]) -> "ConsultationFilters":
        errors = FieldErrors()
        state = data.get("state") or "open"
        errors.code("state", state, CONSULTATION_STATES)
        handling = data.get("handling") or ""
        errors.code("handling", handling, Handling, required=False)
        errors.raise_if_any()
        return cls(state=state, handling=handling)


CONSULTATION_STATES = ("open", "closed", "all")


@dataclass(frozen=True, slots=True)
class InboxRow:
    """A consultation as the inbox shows it: its columns read as plain values, its participants
    as references; not model instances with their participants' authorities prefetched, whose
    building was most of the inbox's time."""

    pk: int
    subject: str
    handling: str
    state: str
    opened_by_authority: AuthorityRef
    participants: list[AuthorityRef]
    created_at: datetime.datetime
    last_activity_at: datetime.datetime
    unread: bool
    request_id: int | None

    @classmethod
    def of(cls, consultation: Consultation, read_up_to: int) -> "InboxRow":
        """The row of a consultation read with its participants' authorities."""
        return cls(
            pk=consultation.pk,
            subject=consultation.subject,
            handling=consultation.handling,
            state=consultation.state,
            opened_by_authority=_reference(consultation.opened_by_authority),
            participants=[_reference(p.authority) for p in consultation.participants.all()],
            created_at=consultation.created_at,
            last_activity_at=consultation.last_activity_at,
            unread=read_up_to < consultation.last_message_id,
            request_id=consultation.request_id,
        )


def _reference(authority: Authority) -> AuthorityRef:
    return AuthorityRef(authority.pk, authority.name, authority.country, authority.kind)


_AUTHORITY_FIELDS = ("pk", "name", "country", "kind")
# The consultation's columns that the inbox shows (the participant's last activity is its own).
_INBOX_FIELDS = (
    "pk",
    "subject",
    "handling",
    "created_at",
    "last_message_id",
    "closed_at",
    "request_id",
    *(f"opened_by_authority__{name}" for name in _AUTHORITY_FIELDS),
)


def consultation_inbox(
    user: User, filters: ConsultationFilters, *, cursor: str | None, size: int
) -> Page[InboxRow]:
    """One page of the user's consultations, the most recently active first (keyset pages: the
    same cost on the first page and the last, however many the authority takes part in), each
    with its participants and whether the user has read it to its last message. A ValidationError
    names a cursor that is not valid."""
    after = keyset_cursor(ConsultationParticipant, sort=_INBOX_SORT, cursor=cursor)
    if not _reads_consultations(user):  # participations_of's scope: none
        return Page([], None)
    statement = _inbox_statement(
        connection.vendor, filters.state, bool(filters.handling), after is not None, size
    )
    values: dict[str, Any] = {"user": user.pk, "authority": user.authority_id}
    if filters.handling:
        values["handling"] = filters.handling
    if after is not None:
        values["after_moment"], values["after_id"] = after
    page = keyset_result(statement.rows(**values), key="last_activity_at", size=size)
    rows = [
        {name.removeprefix("consultation__"): value for name, value in place.items()}
        | {"pk": place["consultation__pk"]}
        for place in page.items
    ]
    participants: dict[int, list[AuthorityRef]] = {row["pk"]: [] for row in rows}
    if participants:
        for place in _participants_statement(connection.vendor, len(participants)).rows(
            **{f"consultation{n}": pk for n, pk in enumerate(participants)}
        ):
            participants[place["consultation_id"]].append(
                AuthorityRef(
                    place["authority_id"],
                    place["authority__name"],
                    place["authority__country"],
                    place["authority__kind"],
                )
            )
    return Page(
        [
            InboxRow(
                pk=row["pk"],
                subject=row["subject"],
                handling=row["handling"],
                state=consultation_state(row["request_id"], row["closed_at"]),
                opened_by_authority=AuthorityRef(
                    *(row[f"opened_by_authority__{name}"] for name in _AUTHORITY_FIELDS)
                ),
                participants=participants[row["pk"]],
                created_at=row["created_at"],
                last_activity_at=row["last_activity_at"],
                unread=row["read_up_to"] < row["last_message_id"],
                request_id=row["request_id"],
            )
            for row in rows
        ],
        page.next_cursor,
    )


_INBOX_SORT = "-last_activity_at"
# Stands for the reader while the inbox's statements are compiled: an officer of some authority.
_ANY_AUTHORITY = placeholder_id(1)
_ANY_READER = User(pk=placeholder_id(0), authority_id=_ANY_AUTHORITY, role=Role.OFFICER, is_active=True)
_ANY_HANDLING = "placeholder-handling"


@lru_cache(maxsize=64)
def _inbox_statement(vendor: str, state: str, handling: bool, after: bool, size: int) -> Statement:
    """The inbox page's query for each shape (state, a handling or not, a cursor or not, page
    size), compiled once per database: it runs on every inbox page and endpoint, and building it
    cost ten times its run. The page is read from the authority's participant rows, which carry
    each consultation's last activity and closing in one index (models.ConsultationParticipant),
    in its order: the database joins the page's consultations only."""
    places = participations_of(_ANY_READER)
    if state != "all":
        places = places.filter(closed=state == "closed")
    if handling:
        places = places.filter(consultation__handling=_ANY_HANDLING)
    read = ConsultationReceipt.objects.filter(
        consultation=OuterRef("consultation_id"), user_id=_ANY_READER.pk
    ).values("read_up_to")
    query, key = keyset_query(
        places.annotate(read_up_to=Coalesce(Subquery(read[:1]), Value(0))).values(
            "pk", "last_activity_at", "read_up_to", *(f"consultation__{name}" for name in _INBOX_FIELDS)
        ),
        sort=_INBOX_SORT,
        after=(ANY_MOMENT, placeholder_id(2)) if after else None,
        size=size,
    )
    assert key == "last_activity_at"
    placeholders: dict[str, Any] = {"user": _ANY_READER.pk, "authority": _ANY_AUTHORITY}
    if handling:
        placeholders["handling"] = _ANY_HANDLING
    if after:
        placeholders |= {"after_moment": ANY_MOMENT, "after_id": placeholder_id(2)}
    return Statement.of(query, placeholders)


@lru_cache(maxsize=256)
def _participants_statement(vendor: str, count: int) -> Statement:
    """The participants of `count` consultations (placeholders consultation0, consultation1, ...),
    in the order they joined, compiled once per database and count."""
    ids = [placeholder_id(10 + n) for n in range(count)]
    query = (
        ConsultationParticipant.objects.filter(consultation_id__in=ids)
        .order_by("pk")
        .values("consultation_id", "authority_id", "authority__name", "authority__country", "authority__kind")
    )
    return Statement.of(query, {f"consultation{n}": pk for n, pk in enumerate(ids)})


def consultation_detail(user: User, pk: int, *, channel: str) -> Consultation:
    """One of the user's consultations with its participants, messages (attachments described,
    not loaded) and read receipts, or 404; every read is written to the access log."""
    visible = (
        consultations_visible_to(user)
        .select_related("opened_by_authority", "request")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=ConsultationParticipant.objects.select_related("authority").order_by("pk"),
            ),
            Prefetch(
                "messages",
                queryset=ConsultationMessage.objects.select_related("author", "authority").prefetch_related(
                    Prefetch("attachments", queryset=ConsultationAttachment.objects.defer("content"))
                ),
            ),
            Prefetch("receipts", queryset=ConsultationReceipt.objects.select_related("user", "authority")),
        )
    )
    consultation = visible_or_404(visible, pk)
    record_access(user=user, obj=consultation, channel=channel)
    return consultation


def consultation_for_write(user: User, pk: int) -> Consultation:
    """One of the user's consultations, to hand to a service (which checks the right to write)."""
    return visible_or_404(consultations_visible_to(user), pk)


def attachment_download(user: User, consultation_pk: int, pk: int, *, channel: str) -> ConsultationAttachment:
    """An attachment of one of the user's consultations, its contents loaded; the read is logged
    as a read of the consultation."""
    consultation = consultation_for_write(user, consultation_pk)
    attachment = visible_or_404(ConsultationAttachment.objects.filter(message__consultation=consultation), pk)
    record_access(user=user, obj=consultation, channel=channel)
    return attachment


def readers_of(consultation: Consultation, message: ConsultationMessage) -> list[ConsultationReceipt]:
    """Who, of the authorities other than the message's, has read it (from the prefetched receipts)."""
    return [
        receipt
        for receipt in consultation.receipts.all()
        if receipt.read_up_to >= message.pk and receipt.authority_id != message.authority_id
    ]


def participant_ids(consultation: Consultation) -> set[int]:
    return {p.authority_id for p in consultation.participants.all()}


# Answered within an hour, a day, three days, a week; later; not (yet) answered.
ANSWERED_WITHIN_HOURS = (1, 24, 72, 168)


@dataclass(frozen=True)
class ConsultationFigures:
    """The consultations the user's authority takes part in: how many it opened and was consulted
    in, how soon the first answer came (a message from an authority other than the opener's), and
    how many became requests (#22 item 8). Counts and durations only."""

    opened: int
    consulted: int
    # (bucket code, consultations): "1h", "24h", "72h", "168h", "later", "not-answered".
    answered_within: list[tuple[str, int]]
    median_hours_to_first_answer: float | None
    converted: int
    share_converted: float | None


def consultation_figures(user: User) -> ConsultationFigures:
    first_answer = Min("messages__posted_at", filter=~Q(messages__authority_id=F("opened_by_authority_id")))
    rows = list(
        consultations_visible_to(user)
        .annotate(first_answer_at=first_answer)
        .values("opened_by_authority_id", "created_at", "first_answer_at", "request_id")
    )
    buckets = {f"{h}h": 0 for h in ANSWERED_WITHIN_HOURS} | {"later": 0, "not-answered": 0}
    waits = []
    for row in rows:
        if row["first_answer_at"] is None:
            buckets["not-answered"] += 1
            continue
        hours = (row["first_answer_at"] - row["created_at"]).total_seconds() / 3600
        waits.append(hours)
        limit = next((h for h in ANSWERED_WITHIN_HOURS if hours <= h), None)
        buckets[f"{limit}h" if limit else "later"] += 1
    opened = sum(1 for row in rows if row["opened_by_authority_id"] == user.authority_id)
    converted = sum(1 for row in rows if row["request_id"] is not None)
    return ConsultationFigures(
        opened=opened,
        consulted=len(rows) - opened,
        answered_within=list(buckets.items()),
        median_hours_to_first_answer=round(median(waits), 1) if waits else None,
        converted=converted,
        share_converted=round(converted / len(rows), 4) if rows else None,
    )
    return (
        DirectoryEntry.objects.select_related("authority")
        .prefetch_related(Prefetch("contacts", queryset=ContactPerson.objects.order_by("position", "pk")))
        .order_by("authority__country", "authority__name", "pk")
    )


# ---------------------------------------------------------------------------------------------
# The directory, the finder and the inbox (net-dir's part).

INBOX_SIZE = 200
HISTORY_SIZE = 100


def directory_filtered(user: User, query: Any) -> "QuerySet[DirectoryEntry]":
    """The directory as the user may see it (members only), filtered by `query` (country, kind:
    a competence, network: an affiliation); a ValidationError (422) names a bad filter."""
    return valid_filters(DirectoryFilterSet(query, queryset=directory_visible_to(user), user=user))


def directory_filters(user: User, query: Any) -> DirectoryFilterSet:
    return DirectoryFilterSet(query, queryset=directory_visible_to(user), user=user)


def entry_for(user: User, authority_id: int) -> DirectoryEntry:
    """An authority's directory entry, to a member (404 otherwise, or when it has none)."""
    require_member(user)
    entry = directory_visible_to(user).filter(authority_id=authority_id).first()
    if entry is None:
        raise Http404
    return entry


def entry_history(entry: DirectoryEntry) -> "QuerySet[DirectoryChange]":
    return entry.changes.select_related("changed_by__authority")[:HISTORY_SIZE]


def contact_of(entry: DirectoryEntry, contact_id: int) -> ContactPerson:
    contact = entry.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise Http404
    return contact


@dataclass(frozen=True)
class Found:
    """One answer of the finder: the entry, the contact person to write to (None if it lists
    none), whether the entry is stale, and whether its authority is a member of one of the user's
    networks (one the user may consult)."""

    entry: DirectoryEntry
    contact: ContactPerson | None
    stale: bool
    in_network: bool = False


def finder(
    user: User,
    *,
    country: str,
    measure: str = "",
    offence: str = "",
    proceeding: str = "",
    urgent: bool = False,
    today: datetime.date | None = None,
    networks: bool = False,
) -> list[Found]:
    """ "Who do I ask?": the State's authorities in the directory, the most competent first.

    The measure and the proceeding name the competence wanted (an asset measure or a
    non-conviction-based proceeding: the asset recovery focal point; civil or administrative
    proceedings: civil and administrative cooperation; else mutual legal assistance); urgency asks
    for the 24/7 contact; an UNCAC offence prefers an authority that accepts UNCAC as a legal
    basis. Among equals, a confirmed entry before a stale one, a central authority before others.
    With `networks`, each answer says whether its authority is in one of the user's networks.
    """
    today = today or timezone.localdate()
    wanted = []
    if measure:
        wanted.append(Competence.ASSET_RECOVERY if measure in ASSET_MEASURES else Competence.MLA)
    if proceeding:
        wanted.append(PROCEEDING_COMPETENCE[proceeding])
    if not _in_scope(user):  # directory_visible_to's scope: the directory is the members'
        return []
    rows = _finder_statement(connection.vendor, networks).rows(authority=user.authority_id, country=country)
    # Only the contact person each answer shows is read: the first, or the first 24/7 one when
    # urgency is asked for and the entry has one.
    chosen = [
        row["urgent_contact"] if urgent and row["urgent_contact"] is not None else row["first_contact"]
        for row in rows
    ]
    contacts = _contacts([pk for pk in chosen if pk is not None])
    ranked = []
    for row, contact_id in zip(rows, chosen, strict=True):
        entry = instance(DirectoryEntry, row, "")
        entry.authority = instance(Authority, row, "authority__")
        competences = set(entry.competences)
        score = 4 * sum(1 for competence in wanted if competence in competences)
        if urgent:
            score += 4 * (Competence.URGENT in competences) + 2 * (row["urgent_contact"] is not None)
        if offence.startswith("uncac-") and entry.uncac_accepted:
            score += 1
        stale = entry.stale_on(today)
        contact = None if contact_id is None else contacts[contact_id]
        key = (-score, stale, entry.authority.kind != "central-authority", entry.authority.name, entry.pk)
        ranked.append((key, Found(entry, contact, stale, networks and bool(row["in_network"]))))
    return [found for _key, found in sorted(ranked, key=lambda pair: pair[0])]


_ANY_COUNTRY = "placeholder-country"


@lru_cache(maxsize=8)
def _finder_statement(vendor: str, networks: bool) -> Statement:
    """The finder's query, compiled once per database (and whether it says which answers are in
    the user's networks): a State's directory entries with their authorities, the ids of their
    first contact person and first 24/7 one; it runs on every search, and building it cost more
    than its run."""
    contacts = ContactPerson.objects.filter(entry=OuterRef("pk")).order_by("position", "pk").values("pk")
    entries = (
        directory_visible_to(_ANY_READER)
        .select_related(None)
        .prefetch_related(None)
        .filter(authority__country=_ANY_COUNTRY)
        .annotate(
            first_contact=Subquery(contacts[:1]), urgent_contact=Subquery(contacts.filter(urgent=True)[:1])
        )
    )
    if networks:
        own = Membership.objects.filter(authority_id=_ANY_AUTHORITY, state=MembershipState.APPROVED)
        in_network = Membership.objects.filter(
            authority_id=OuterRef("authority_id"),
            state=MembershipState.APPROVED,
            network_id__in=own.values("network_id"),
        )
        entries = entries.annotate(in_network=Exists(in_network))
    else:
        entries = entries.annotate(in_network=Value(False))
    query = entries.values(
        *columns(DirectoryEntry),
        *(f"authority__{name}" for name in columns(Authority)),
        "first_contact",
        "urgent_contact",
        "in_network",
    )
    return Statement.of(query, {"authority": _ANY_AUTHORITY, "country": _ANY_COUNTRY})


def _contacts(ids: list[int]) -> dict[int, ContactPerson]:
    if not ids:
        return {}
    return {
        row["id"]: instance(ContactPerson, row)
        for row in _contacts_statement(connection.vendor, len(ids)).rows(
            **{f"contact{n}": pk for n, pk in enumerate(ids)}
        )
    }


@lru_cache(maxsize=64)
def _contacts_statement(vendor: str, count: int) -> Statement:
    """`count` contact persons by id (placeholders contact0, contact1, ...), compiled once per count."""
    ids = [placeholder_id(10 + n) for n in range(count)]
    query = ContactPerson.objects.filter(pk__in=ids).order_by().values(*columns(ContactPerson))
    return Statement.of(query, {f"contact{n}": pk for n, pk in enumerate(ids)})


def requirements_url(user: User, country: str, measure: str = "") -> str | None:
    """The address of `country`'s requirement profile (guidance), at `measure` when one is asked;
    None when the State has no profile or the user reads none."""
    if not profiles_visible_to(user).filter(country=country).exists():
        return None
    url = reverse("guidance-profile", kwargs={"country": country})
    return f"{url}?{urlencode({'measure': measure})}" if measure else url


def inbox_of(user: User) -> "QuerySet[Notification]":
    """The user's own notifications, newest first (members only)."""
    require_member(user)
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")[:INBOX_SIZE]


def notification_of(user: User, notification_id: int) -> Notification:
    """One of the user's own notifications (404 for anyone else's)."""
    found = Notification.objects.filter(user=user, pk=notification_id).first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class NetworkBadge:
    member: bool
    unread: int
    administers: bool = False
    # Whether the alerts' list and form exist for the user (uses_alerts, but for the role).
    alerts: bool = False


# Stands for the user's id while the badge's statement is compiled.
_ANY_USER = 2_147_483_646


@cache
def _badge_statement(vendor: str) -> tuple[str, tuple[Any, ...]]:
    """The badge's SQL and parameters for any user, compiled once per database: it is read on
    every page, and building the query cost twenty times its run."""
    app_label, codename = ADMINISTER.split(".")
    # As Django's ModelBackend reads a permission: the user's own or one of their groups'.
    granted = Permission.objects.filter(
        Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")),
        content_type__app_label=app_label,
        codename=codename,
    )
    badge = (
        User.objects.filter(pk=_ANY_USER)
        .annotate(
            member=Exists(
                Membership.objects.filter(
                    authority_id=OuterRef("authority_id"), state=MembershipState.APPROVED
                )
            ),
            # A scalar subquery, not a Count over a join: grouped rows made SQLite run the Exists
            # below once per notification of the user (peers scans the authorities).
            unread=Coalesce(
                Subquery(
                    Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
                    .order_by()
                    .values("user")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            administers=Exists(granted),
            # Alerts between deployments need no membership (uses_alerts): a trusted peer hosts an
            # authority of another State, or the user's authority has an alert between deployments.
            peers=Exists(
                Authority.objects.filter(external=True, peer_link__peer__state=PeerState.TRUSTED).exclude(
                    country=OuterRef("authority__country")
                )
            ),
            between=Exists(
                Alert.objects.filter(
                    Q(from_authority_id=OuterRef("authority_id"))
                    | Q(to_authority_id=OuterRef("authority_id")),
                    Q(from_authority__peer_link__isnull=False) | Q(to_authority__peer_link__isnull=False),
                )
            ),
        )
        .values("member", "unread", "administers", "peers", "between")
    )
    sql, params = badge.query.sql_with_params()
    assert params.count(_ANY_USER) == 1
    return sql, params


def network_badge(user: User) -> NetworkBadge:
    """Whether to show the "Network" link, the user's unread notifications, and whether the user
    is a network administrator (the "Memberships" link), in one query."""
    if not user.is_authenticated or user.authority_id is None or not user.is_active:
        return NetworkBadge(False, 0)
    sql, params = _badge_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if value == _ANY_USER else value for value in params])
        found = cursor.fetchone()
        if found is None:
            return NetworkBadge(False, 0)
        row = dict(zip((column[0] for column in cursor.description), found, strict=True))
    return NetworkBadge(
        bool(row["member"]),
        row["unread"],
        user.is_superuser or bool(row["administers"]),
        alerts=bool(row["member"] or row["peers"] or row["between"]),
    )


def memberships_page(user: User) -> "QuerySet[Membership]":
    """The memberships page: every membership to a network administrator, the own authority's to
    a head of unit; nobody else has the page (404)."""
    if not (administers(user) or (user.is_active and user.is_head and user.authority_id)):
        raise Http404
    return memberships_visible_to(user).order_by(
        "network__name", "state", "authority__country", "authority__name"
    )


def membership_for_administrator(user: User, membership_id: int) -> Membership:
    if not administers(user):
        raise Http404
    membership = Membership.objects.filter(pk=membership_id).select_related("network", "authority").first()
    if membership is None:
        raise Http404
    return membership
