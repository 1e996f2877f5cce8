"""Every write of the network: atomic, audited in the same transaction, with the acting user."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comity.accounts.choices import CASE_READER_ROLES, CASE_WRITER_ROLES, Role
from comity.accounts.models import Authority, User
from comity.assets import services as asset_services
from comity.assets.choices import IdentifierKind
from comity.assets.models import Asset, AssetCase
from comity.assets.rules import clean_identifier
from comity.cooperation.models import Request
from comity.core.choices import AuditAction
from comity.core.errors import FieldErrors
from comity.core.policy import require_writer
from comity.core.services import audit
from comity.network import selectors
from comity.network.choices import MembershipState, NotificationKind
from comity.network.models import (
    ALERT_OUTCOME_STATUSES,
    ActionItem,
    Alert,
    AlertAsset,
    AlertStep,
    ContactPerson,
    Meeting,
    MeetingParticipant,
    Membership,
    Network,
    Notification,
)
from comity.reference.choices import AlertStatus, AssetType


def _require_administrator(actor: User | None) -> None:
    """None is the command line, run by whoever runs the server."""
    if actor is not None and not selectors.administers(actor):
        raise PermissionDenied(_("Only a network administrator approves, refuses or suspends members."))


@transaction.atomic
def network_create(*, actor: User | None, code: str, name: str) -> Network:
    _require_administrator(actor)
    errors = FieldErrors()
    errors.required("code", code)
    errors.required("name", name)
    errors.raise_if_any()
    network = Network(code=code.strip(), name=name.strip())
    network.full_clean()
    network.save()
    return network


@transaction.atomic
def membership_request(
    *,
    actor: User | None,
    network: Network,
    authority: Authority,
    sponsor: Authority | None = None,
    note: str = "",
) -> Membership:
    """An authority asks to join `network`, sponsored by one of its members. A head of unit asks
    for their own authority; a network administrator (or the command line) for any."""
    own_head = actor is not None and actor.authority_id == authority.pk and actor.is_head
    if actor is not None and not selectors.administers(actor) and not own_head:
        raise PermissionDenied(_("A head of unit asks for their own authority to join."))
    errors = FieldErrors()
    if not authority.can_be_party or authority.external:
        errors.add("authority", _("Only an authority with users in Comity can join a network."))
    if (
        sponsor is not None
        and not Membership.objects.filter(
            network=network, authority=sponsor, state=MembershipState.APPROVED
        ).exists()
    ):
        errors.add("sponsor", _("The sponsor must be a member of the network."))
    if Membership.objects.filter(network=network, authority=authority).exists():
        errors.add("authority", _("This authority already has a membership of this network."))
    errors.raise_if_any()
    membership = Membership(
        network=network,
        authority=authority,
        sponsor=sponsor,
        state=MembershipState.REQUESTED,
        note=note.strip(),
    )
    membership.requested_by = actor
    membership.full_clean()
    membership.save()
    audit(actor=actor, action=AuditAction.MEMBERSHIP_REQUEST, obj=membership, fields=["state", "sponsor"])
    return membership


@transaction.atomic
def membership_decide(
    *, actor: User | None, membership: Membership, approve: bool, note: str = ""
) -> Membership:
    """A network administrator approves or refuses a requested membership, or approves again a
    suspended one (a suspension lifted)."""
    _require_administrator(actor)
    allowed = (
        {MembershipState.REQUESTED, MembershipState.SUSPENDED} if approve else {MembershipState.REQUESTED}
    )
    if membership.state not in allowed:
        raise ValidationError(
            {
                "state": _("This membership is %(state)s; it cannot be decided again.")
                % {"state": membership.get_state_display()}
            }
        )
    membership.state = MembershipState.APPROVED if approve else MembershipState.REFUSED
    membership.decided_on = timezone.localdate()
    membership.decided_by = actor
    if note:
        membership.note = note.strip()[:500]
    membership.save()
    audit(
        actor=actor,
        action=AuditAction.MEMBERSHIP_DECIDE,
        obj=membership,
        fields=["state"],
        detail={"state": membership.state},
    )
    return membership


@transaction.atomic
def membership_suspend(*, actor: User | None, membership: Membership, note: str = "") -> Membership:
    """A suspended member keeps its history but reads and writes nothing of the network."""
    _require_administrator(actor)
    if membership.state != MembershipState.APPROVED:
        raise ValidationError({"state": _("Only an approved member can be suspended.")})
    membership.state = MembershipState.SUSPENDED
    membership.decided_on = timezone.localdate()
    membership.decided_by = actor
    if note:
        membership.note = note.strip()[:500]
    membership.save()
    audit(actor=actor, action=AuditAction.MEMBERSHIP_SUSPEND, obj=membership, fields=["state"])
    return membership


def notify(*, users: Iterable[User], kind: str, url: str, urgent: bool = False) -> list[Notification]:
    """Put a notification in each user's inbox, in the transaction of the write it tells of (the
    caller's); an urgent one is e-mailed once that transaction commits, the others wait for the
    daily digest. `url` is a path of Comity: the e-mail carries it and the kind, nothing else."""
    rows = Notification.objects.bulk_create(
        [Notification(user=user, kind=kind, url=url, urgent=urgent) for user in users if user.is_active]
    )
    if urgent and rows:
        ids = [row.pk for row in rows]
        # robust: a mail server that fails is logged; the write stands and the digest sends it later.
        transaction.on_commit(
            lambda: notifications_email(Notification.objects.filter(pk__in=ids)), robust=True
        )
    return rows


def notifications_email(notifications: Iterable[Notification]) -> int:
    """E-mail each user their notifications not yet e-mailed, one message per user in the user's
    language, and mark them e-mailed. The digest and urgent notifications both come here."""
    by_user: dict[int, list[Notification]] = {}
    for notification in notifications:
        if notification.emailed_at is None:
            by_user.setdefault(notification.user_id, []).append(notification)
    users = {user.pk: user for user in User.objects.filter(pk__in=by_user, is_active=True)}
    sent = 0
    base = settings.COMITY_BASE_URL.rstrip("/")
    for user_id, rows in by_user.items():
        user = users.get(user_id)
        if user is None or not user.email:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            lines = [f"{row.get_kind_display()}: {base}{row.url}" for row in rows]
            subject = (
                _("Comity: %(what)s") % {"what": rows[0].get_kind_display()}
                if len(rows) == 1
                else _("Comity: %(n)d notifications") % {"n": len(rows)}
            )
            send_mail(
                subject=subject, message="\n".join(lines) + "\n", from_email=None, recipient_list=[user.email]
            )
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=timezone.now())
        sent += 1
    return sent


# Urgent freezing alerts (#22 item 6) ----------------------------------------------------------

# How many assets one alert may name, and how far ahead its deadline may lie.
ALERT_MAX_ASSETS = 50
ALERT_MAX_AHEAD = datetime.timedelta(days=90)
ALERT_ACKNOWLEDGEABLE = frozenset({AlertStatus.SENT, AlertStatus.ESCALATED})
ALERT_OUTCOMES = ALERT_OUTCOME_STATUSES
ALERT_ANSWERABLE = frozenset({AlertStatus.ACKNOWLEDGED, AlertStatus.FREEZING_ORDERED})
ALERT_WITHDRAWABLE = ALERT_ACKNOWLEDGEABLE | ALERT_ANSWERABLE
# The kind of asset an identifier names, for an asset an alert adds to the sender's case.
ASSET_TYPE_OF_IDENTIFIER = {
    IdentifierKind.IBAN: AssetType.BANK_ACCOUNT,
    IdentifierKind.ACCOUNT: AssetType.BANK_ACCOUNT,
    IdentifierKind.ISIN: AssetType.SECURITIES,
    IdentifierKind.LEI: AssetType.BUSINESS,
    IdentifierKind.IMO: AssetType.VESSEL,
    IdentifierKind.LAND_TITLE: AssetType.REAL_ESTATE,
    IdentifierKind.BITCOIN: AssetType.CRYPTO,
    IdentifierKind.WALLET: AssetType.CRYPTO,
}


@dataclass(frozen=True)
class AlertAssetInput:
    """An asset to freeze: an identifier (validated as in asset cases), or `asset`, the id of an
    asset of the alert's asset case, whose identifier it takes."""

    identifier_kind: str = ""
    identifier: str = ""
    amount: Decimal | None = None
    currency: str = ""
    asset: int | None = None


@dataclass(frozen=True)
class FrozenInput:
    """An asset of the alert that was frozen (`alert_asset`, its id), for how much."""

    alert_asset: int
    amount: Decimal | None = None
    currency: str = ""


def alert_url(alert: Alert) -> str:
    return reverse("network-alert", args=[alert.pk])


def _users_at(authority_id: int, contacts: Iterable[ContactPerson]) -> list[User]:
    """The authority's users who are these contacts (by e-mail address or mailbox)."""
    addresses = {a.lower() for c in contacts for a in (c.email, c.mailbox) if a}
    if not addresses:
        return []
    users = User.objects.filter(authority_id=authority_id, is_active=True, role__in=CASE_READER_ROLES)
    return [u for u in users if u.email and u.email.lower() in addresses]


def _email_contacts(contacts: Iterable[ContactPerson], known: Iterable[User], url: str) -> None:
    """E-mail a 24/7 contact that is not a user of Comity (a functional mailbox) the alert's link,
    once the transaction commits; users have their own notification (and e-mail) already."""
    known_addresses = {u.email.lower() for u in known if u.email}
    addresses = sorted(
        {a for c in contacts for a in (c.mailbox or c.email,) if a and a.lower() not in known_addresses}
    )
    if not addresses:
        return
    base = settings.COMITY_BASE_URL.rstrip("/")
    kind = NotificationKind.ALERT

    def send() -> None:
        for address in addresses:
            send_mail(
                subject=_("Comity: %(what)s") % {"what": kind.label},
                message=f"{kind.label}: {base}{url}\n",
                from_email=None,
                recipient_list=[address],
            )

    # robust: a mail server that fails is logged; the alert is sent and the contact's users have it.
    transaction.on_commit(send, robust=True)


def _alert_reach(alert: Alert, contacts: Sequence[ContactPerson], fallback: Iterable[User]) -> None:
    """Notify at once the users who are `contacts` (else `fallback`), and e-mail the contacts."""
    url = alert_url(alert)
    users = _users_at(alert.to_authority_id, contacts) or list(fallback)
    notify(users=users, kind=NotificationKind.ALERT, url=url, urgent=True)
    _email_contacts(contacts, users, url)


def _alert_step(
    alert: Alert, status: str, *, actor: User | None, note: str = "", order_reference: str = ""
) -> None:
    AlertStep.objects.create(
        alert=alert,
        status=status,
        by=actor,
        authority_id=getattr(actor, "authority_id", None),
        note=note.strip(),
        order_reference=order_reference.strip(),
    )


def _tell_sender(alert: Alert) -> None:
    notify(users=[alert.sent_by], kind=NotificationKind.ALERT_STEP, url=alert_url(alert), urgent=True)


def _alert_assets(
    errors: FieldErrors, items: Sequence[AlertAssetInput], case: AssetCase | None
) -> list[tuple[AlertAssetInput, str, str, Asset | None]]:
    """Each item checked (errors under `assets.N.field`), with its kind and compact identifier and
    the asset of the case it is, if any."""
    if not items:
        errors.add("assets", _("Name at least one asset to freeze."))
    if len(items) > ALERT_MAX_ASSETS:
        errors.add("assets", _("An alert names at most %(n)d assets.") % {"n": ALERT_MAX_ASSETS})
        return []
    case_assets = list(case.assets.all()) if case is not None else []
    by_id = {a.pk: a for a in case_assets}
    by_identifier = {(a.identifier_kind, a.identifier): a for a in case_assets if a.identifier}
    checked = []
    for position, item in enumerate(items):
        field = f"assets.{position}"
        kind, identifier, asset = item.identifier_kind, item.identifier, None
        if item.asset is not None:
            asset = by_id.get(item.asset)
            if asset is None:
                errors.add(
                    f"{field}.asset",
                    _("No asset with id %(id)s in the alert's asset case.") % {"id": item.asset},
                )
                continue
            kind, identifier = kind or asset.identifier_kind, identifier or asset.identifier
        if not errors.required(f"{field}.identifier_kind", kind) or not errors.required(
            f"{field}.identifier", identifier
        ):
            continue
        if kind not in IdentifierKind.values:
            errors.code(f"{field}.identifier_kind", kind, IdentifierKind)
            continue
        errors.texts(AlertAsset, {"identifier": identifier}, under=f"{field}.identifier")
        try:
            identifier = clean_identifier(kind, identifier)
        except ValueError as error:
            errors.add(f"{field}.identifier", str(error))
            continue
        errors.money(f"{field}.amount", item.amount, f"{field}.currency", item.currency.strip().upper())
        checked.append((item, kind, identifier, asset or by_identifier.get((kind, identifier))))
    return checked


@transaction.atomic
def alert_send(
    *,
    actor: User,
    to_authority: Authority | None,
    assets: Sequence[AlertAssetInput],
    reason: str,
    deadline: datetime.datetime | None,
    asset_case: AssetCase | None = None,
) -> Alert:
    """Send an urgent freezing alert to another member authority's 24/7 contact. The assets named
    that are not yet in `asset_case` (the sender's) are added to it, located in the recipient's
    State, so that a freezing recorded in answer becomes a step of each without re-keying."""
    own = require_writer(actor, _("Only officers and heads send an urgent freezing alert."))
    selectors.require_member(actor)
    if asset_case is not None:
        asset_services.require_participant(actor, asset_case)
    errors = FieldErrors()
    if to_authority is None:
        errors.required("to_authority", None)
    elif not selectors.alert_recipients(actor).filter(pk=to_authority.pk).exists():
        errors.add("to_authority", _("Alert an authority of another State that is a member of your network."))
    errors.required("reason", reason)
    errors.texts(Alert, {"reason": reason})
    now = timezone.now()
    if deadline is None:
        errors.required("deadline", None)
    elif timezone.is_naive(deadline):
        errors.add("deadline", _("Give the deadline's time zone (for instance 2026-12-06T18:00:00Z)."))
    elif deadline <= now:
        errors.add("deadline", _("The deadline has passed."))
    elif deadline > now + ALERT_MAX_AHEAD:
        errors.add(
            "deadline", _("A deadline lies at most %(days)d days ahead.") % {"days": ALERT_MAX_AHEAD.days}
        )
    checked = _alert_assets(errors, assets, asset_case)
    errors.raise_if_any()
    assert to_authority is not None and deadline is not None
    alert = Alert.objects.create(
        from_authority_id=own,
        to_authority=to_authority,
        asset_case=asset_case,
        reason=reason.strip(),
        deadline=deadline,
        sent_by=actor,
    )
    rows = []
    for item, kind, identifier, asset in checked:
        currency = item.currency.strip().upper()
        if asset is None and asset_case is not None:
            asset = asset_services.asset_add(
                actor=actor,
                case=asset_case,
                type=ASSET_TYPE_OF_IDENTIFIER.get(kind, AssetType.OTHER),  # type: ignore[call-overload]
                location_country=to_authority.country,
                identifier_kind=kind,
                identifier=identifier,
            )
        rows.append(
            AlertAsset(
                alert=alert,
                identifier_kind=kind,
                identifier=identifier,
                amount=item.amount,
                currency=currency if item.amount is not None else "",
                asset=asset,
            )
        )
    AlertAsset.objects.bulk_create(rows)
    _alert_step(alert, AlertStatus.SENT, actor=actor)
    audit(actor=actor, action=AuditAction.ALERT_CREATE, obj=alert, detail={"status": alert.status})
    contacts = selectors.urgent_contacts(to_authority.pk)
    officers = User.objects.filter(authority=to_authority, is_active=True, role=Role.OFFICER)
    _alert_reach(alert, contacts[:1], officers)
    return alert


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().select_related("sent_by").get(pk=alert.pk)


def _refuse_from(alert: Alert, allowed: Iterable[str]) -> None:
    if alert.status not in allowed:
        raise ValidationError(
            {
                "status": _("This alert is %(status)s: it cannot take this step.")
                % {"status": alert.get_status_display()}
            }
        )


@transaction.atomic
def alert_acknowledge(*, actor: User, alert: Alert, note: str = "") -> Alert:
    """The recipient says it has the alert in hand: the sender sees it at once."""
    require_writer(
        actor, _("Only the alerted authority's officers and heads acknowledge it."), [alert.to_authority_id]
    )
    alert = _locked(alert)
    _refuse_from(alert, ALERT_ACKNOWLEDGEABLE)
    errors = FieldErrors()
    errors.texts(AlertStep, {"note": note})
    errors.raise_if_any()
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at = timezone.now()
    alert.save(update_fields=["status", "acknowledged_at"])
    _alert_step(alert, AlertStatus.ACKNOWLEDGED, actor=actor, note=note)
    audit(
        actor=actor,
        action=AuditAction.ALERT_ACKNOWLEDGE,
        obj=alert,
        fields=["status"],
        detail={"status": alert.status},
    )
    _tell_sender(alert)
    return alert


@transaction.atomic
def alert_outcome(
    *,
    actor: User,
    alert: Alert,
    outcome: str,
    reason: str = "",
    on: datetime.date | None = None,
    order_reference: str = "",
    frozen: Sequence[FrozenInput] = (),
) -> Alert:
    """The recipient records what it did: a freezing ordered, assets frozen (`frozen`: which and
    for how much; all of them, for the amounts alerted, when not said), not possible (and why), or
    a formal request needed first. Each asset frozen that is in the sender's asset case gets the
    freezing as a step there (assets.services), in this transaction."""
    require_writer(
        actor,
        _("Only the alerted authority's officers and heads record the outcome."),
        [alert.to_authority_id],
    )
    alert = _locked(alert)
    if alert.status in ALERT_ACKNOWLEDGEABLE:
        raise ValidationError({"status": _("Acknowledge the alert before recording its outcome.")})
    _refuse_from(alert, ALERT_ANSWERABLE)
    errors = FieldErrors()
    errors.code("outcome", outcome, [str(s) for s in ALERT_OUTCOMES])
    if outcome == AlertStatus.NOT_POSSIBLE:
        errors.required("reason", reason)
    errors.texts(AlertStep, {"note": reason, "order_reference": order_reference})
    errors.happened("on", on)
    alert_assets = {a.pk: a for a in alert.assets.select_related("asset__case").order_by("pk")}
    chosen: list[tuple[int, AlertAsset, Decimal | None, str]] = []
    if outcome == AlertStatus.FROZEN:
        wanted = frozen or [FrozenInput(pk, a.amount, a.currency) for pk, a in alert_assets.items()]
        seen: set[int] = set()
        for position, item in enumerate(wanted):
            row = alert_assets.get(item.alert_asset)
            if item.alert_asset in seen:
                errors.add(f"frozen.{position}.alert_asset", _("This asset is named twice."))
                continue
            seen.add(item.alert_asset)
            if row is None:
                errors.add(
                    f"frozen.{position}.alert_asset",
                    _("No asset with id %(id)s in this alert.") % {"id": item.alert_asset},
                )
            elif row.frozen_step_id is not None:
                errors.add(f"frozen.{position}.alert_asset", _("This asset's freezing is already recorded."))
            else:
                currency = item.currency.strip().upper()
                errors.money(
                    f"frozen.{position}.amount", item.amount, f"frozen.{position}.currency", currency
                )
                chosen.append((position, row, item.amount, currency))
    errors.raise_if_any()
    day = on or timezone.localdate()
    for position, row, amount, currency in chosen:
        if row.asset is None:
            continue
        try:
            row.frozen_step = asset_services.step_record_in_answer(
                actor=actor,
                asset=row.asset,
                on=day,
                amount=amount,
                currency=currency,
                order_reference=order_reference,
                order_country=alert.to_authority.country,
                note=_("Frozen in answer to urgent freezing alert %(id)s.") % {"id": alert.pk},
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                for problem in problems:
                    errors.add(f"frozen.{position}.{name}", problem)
            continue
        row.save(update_fields=["frozen_step"])
    errors.raise_if_any()
    alert.status = outcome
    alert.save(update_fields=["status"])
    _alert_step(alert, outcome, actor=actor, note=reason, order_reference=order_reference)
    audit(
        actor=actor,
        action=AuditAction.ALERT_OUTCOME,
        obj=alert,
        fields=["status"],
        detail={"status": outcome},
    )
    _tell_sender(alert)
    return alert


@transaction.atomic
def alert_withdraw(*, actor: User, alert: Alert, reason: str = "") -> Alert:
    """The sender withdraws an alert no longer needed (before its outcome)."""
    require_writer(
        actor,
        _("Only the sending authority's officers and heads withdraw an alert."),
        [alert.from_authority_id],
    )
    alert = _locked(alert)
    _refuse_from(alert, ALERT_WITHDRAWABLE)
    errors = FieldErrors()
    errors.texts(AlertStep, {"note": reason})
    errors.raise_if_any()
    alert.status = AlertStatus.WITHDRAWN
    alert.save(update_fields=["status"])
    _alert_step(alert, AlertStatus.WITHDRAWN, actor=actor, note=reason)
    audit(
        actor=actor,
        action=AuditAction.ALERT_WITHDRAW,
        obj=alert,
        fields=["status"],
        detail={"status": alert.status},
    )
    users = User.objects.filter(
        authority_id=alert.to_authority_id, is_active=True, role__in=CASE_WRITER_ROLES
    )
    notify(users=users, kind=NotificationKind.ALERT, url=alert_url(alert), urgent=True)
    return alert


def alerts_escalate(now: datetime.datetime | None = None) -> int:
    """Escalate every alert not acknowledged within COMITY_ALERT_ACK_HOURS: the recipient's second
    24/7 contact and its heads of unit are alerted, and the sender told. `comity worker` runs this
    as a sweep (COMITY_WORKER_SWEEPS); each alert in a transaction of its own. Returns how many."""
    now = now or timezone.now()
    due = now - datetime.timedelta(hours=settings.COMITY_ALERT_ACK_HOURS)
    escalated = 0
    for pk in Alert.objects.filter(status=AlertStatus.SENT, sent_at__lte=due).values_list("pk", flat=True):
        with transaction.atomic():
            alert = Alert.objects.select_for_update().select_related("sent_by").get(pk=pk)
            if alert.status != AlertStatus.SENT:
                continue  # acknowledged meanwhile
            alert.status = AlertStatus.ESCALATED
            alert.escalated_at = now
            alert.save(update_fields=["status", "escalated_at"])
            _alert_step(alert, AlertStatus.ESCALATED, actor=None)
            audit(
                actor=None,
                action=AuditAction.ALERT_ESCALATE,
                obj=alert,
                fields=["status"],
                detail={"status": alert.status},
            )
            heads = User.objects.filter(authority_id=alert.to_authority_id, is_active=True, role=Role.HEAD)
            contacts = selectors.urgent_contacts(alert.to_authority_id)[1:2]
            url = alert_url(alert)
            users = {u.pk: u for u in [*_users_at(alert.to_authority_id, contacts), *heads]}
            notify(users=users.values(), kind=NotificationKind.ALERT, url=url, urgent=True)
            _email_contacts(contacts, users.values(), url)
            _tell_sender(alert)
            escalated += 1
    return escalated


# Case coordination meetings (#22 item 5) ------------------------------------------------------

MEETING_MAX_PARTICIPANTS = 50
MEETING_MAX_AHEAD = datetime.timedelta(days=2 * 365)


def meeting_url(meeting: Meeting) -> str:
    return reverse("network-meeting", args=[meeting.pk])


def _writers_of(authority_ids: Iterable[int], *, but: User | None = None) -> "list[User]":
    users = User.objects.filter(
        authority_id__in=list(authority_ids), is_active=True, role__in=CASE_WRITER_ROLES
    )
    return [u for u in users if but is None or u.pk != but.pk]


def _require_meeting_writer(actor: User, meeting: Meeting) -> int:
    return require_writer(
        actor,
        _("Only officers and heads of the meeting's authorities change it."),
        meeting.participants.values_list("authority_id", flat=True),
    )


def _check_time(errors: FieldErrors, starts_at: datetime.datetime | None, duration_minutes: int) -> None:
    now = timezone.now()
    if starts_at is None:
        errors.required("starts_at", None)
    elif timezone.is_naive(starts_at):
        errors.add("starts_at", _("Give the time zone of the start (for instance 2026-12-10T14:00:00Z)."))
    elif starts_at <= now:
        errors.add("starts_at", _("The meeting would start in the past."))
    elif starts_at > now + MEETING_MAX_AHEAD:
        errors.add("starts_at", _("A meeting is planned at most two years ahead."))
    if not 15 <= duration_minutes <= 720:
        errors.add("duration_minutes", _("A meeting lasts between 15 minutes and 12 hours."))


@transaction.atomic
def meeting_plan(
    *,
    actor: User,
    title: str,
    starts_at: datetime.datetime | None,
    participants: Sequence[Authority],
    duration_minutes: int = 60,
    location: str = "",
    agenda: str = "",
    requests: Sequence[Request] = (),
    asset_cases: Sequence[AssetCase] = (),
) -> Meeting:
    """Plan a coordination meeting of the actor's authority with other members of its network,
    about the requests and asset cases given (the actor's to see: the caller checks). Their
    officers and heads find it in their inbox (in the daily digest)."""
    own = require_writer(actor, _("Only officers and heads plan a coordination meeting."))
    selectors.require_member(actor)
    errors = FieldErrors()
    errors.required("title", title)
    errors.texts(Meeting, {"title": title, "location": location, "agenda": agenda})
    _check_time(errors, starts_at, duration_minutes)
    members = selectors.member_authority_ids(actor)
    others = {a.pk: a for a in participants if a.pk != own}
    if not others:
        errors.add("participants", _("Invite at least one other authority."))
    if len(others) > MEETING_MAX_PARTICIPANTS:
        errors.add(
            "participants", _("A meeting has at most %(n)d participants.") % {"n": MEETING_MAX_PARTICIPANTS}
        )
    for authority in others.values():
        if authority.pk not in members:
            errors.add(
                "participants",
                _("%(authority)s is not a member of your network.") % {"authority": authority},
            )
    errors.raise_if_any()
    assert starts_at is not None
    meeting = Meeting.objects.create(
        organiser_id=own,
        title=title.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location.strip(),
        agenda=agenda.strip(),
        created_by=actor,
    )
    MeetingParticipant.objects.bulk_create(
        [MeetingParticipant(meeting=meeting, authority_id=pk) for pk in [own, *others]]
    )
    meeting.requests.set(requests)
    meeting.asset_cases.set(asset_cases)
    audit(actor=actor, action=AuditAction.MEETING_CREATE, obj=meeting, fields=["participants", "starts_at"])
    notify(users=_writers_of(others, but=actor), kind=NotificationKind.MEETING, url=meeting_url(meeting))
    return meeting


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    meeting: Meeting,
    agenda: str | None = None,
    minutes: str | None = None,
    location: str | None = None,
) -> Meeting:
    """Change the agenda, the place or the minutes (what is not given stays as it is)."""
    _require_meeting_writer(actor, meeting)
    changes = {
        name: value.strip()
        for name, value in (("agenda", agenda), ("minutes", minutes), ("location", location))
        if value is not None
    }
    errors = FieldErrors()
    errors.texts(Meeting, changes)
    errors.raise_if_any()
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    changed = [name for name, value in changes.items() if getattr(meeting, name) != value]
    if not changed:
        return meeting
    for name in changed:
        setattr(meeting, name, changes[name])
    meeting.sequence += 1
    meeting.save(update_fields=[*changed, "sequence"])
    audit(actor=actor, action=AuditAction.MEETING_UPDATE, obj=meeting, fields=changed)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *, actor: User, meeting: Meeting, starts_at: datetime.datetime | None, duration_minutes: int
) -> Meeting:
    """Move the meeting (or change its length); the other participants' officers and heads are
    told, and a calendar that imported the invitation updates it (SEQUENCE)."""
    _require_meeting_writer(actor, meeting)
    errors = FieldErrors()
    _check_time(errors, starts_at, duration_minutes)
    errors.raise_if_any()
    assert starts_at is not None
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if (meeting.starts_at, meeting.duration_minutes) == (starts_at, duration_minutes):
        return meeting
    meeting.starts_at, meeting.duration_minutes = starts_at, duration_minutes
    meeting.sequence += 1
    meeting.save(update_fields=["starts_at", "duration_minutes", "sequence"])
    audit(
        actor=actor, action=AuditAction.MEETING_UPDATE, obj=meeting, fields=["starts_at", "duration_minutes"]
    )
    others = meeting.participants.exclude(authority_id=actor.authority_id or -1).values_list(
        "authority_id", flat=True
    )
    notify(users=_writers_of(others, but=actor), kind=NotificationKind.MEETING, url=meeting_url(meeting))
    return meeting


@transaction.atomic
def action_item_add(
    *, actor: User, meeting: Meeting, text: str, owner: User | None, due_on: datetime.date | None
) -> ActionItem:
    """An action agreed at the meeting, owned by an officer or head of one of its authorities, who
    is told (in the daily digest)."""
    _require_meeting_writer(actor, meeting)
    errors = FieldErrors()
    errors.required("text", text)
    errors.texts(ActionItem, {"text": text})
    if owner is None:
        errors.required("owner", None)
    elif not selectors.action_owners(meeting).filter(pk=owner.pk).exists():
        errors.add("owner", _("The owner is an officer or head of one of the meeting's authorities."))
    if due_on is None:
        errors.required("due_on", None)
    else:
        errors.ahead("due_on", due_on)
    errors.raise_if_any()
    assert owner is not None and due_on is not None
    item = ActionItem.objects.create(meeting=meeting, text=text.strip(), owner=owner, due_on=due_on)
    audit(actor=actor, action=AuditAction.MEETING_ACTION, obj=meeting, fields=["action_items"])
    if owner.pk != actor.pk:
        notify(users=[owner], kind=NotificationKind.ACTION_DUE, url=meeting_url(meeting))
    return item


@transaction.atomic
def action_item_done(*, actor: User, item: ActionItem, done_on: datetime.date | None = None) -> ActionItem:
    _require_meeting_writer(actor, item.meeting)
    errors = FieldErrors()
    errors.happened("done_on", done_on)
    errors.raise_if_any()
    item.done_on = done_on or timezone.localdate()
    item.save(update_fields=["done_on"])
    audit(actor=actor, action=AuditAction.MEETING_ACTION, obj=item.meeting, fields=["action_items"])
    return item


def meeting_ics(meeting: Meeting) -> bytes:
    """The meeting as an iCalendar (RFC 5545) event to import into a calendar: its title, time,
    place and the link to its page. The agenda and minutes stay in Comity, since a calendar is
    often kept outside the authority's systems."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Comity//Coordination meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    host = urlsplit(settings.COMITY_BASE_URL).hostname or "comity.local"
    url = settings.COMITY_BASE_URL.rstrip("/") + meeting_url(meeting)
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    event.add("sequence", meeting.sequence)
    event.add("url", url)
    event.add("description", url)
    if meeting.location:
        event.add("location", meeting.location)
    calendar.add_component(event)
    return calendar.to_ical()


# An action item's owner is reminded this many days before it falls due (or at once, if later).
ACTION_REMIND_DAYS = 2


def action_items_remind(today: datetime.date | None = None) -> int:
    """Remind each owner, once, of an action item not done that falls due within
    ACTION_REMIND_DAYS (or is overdue): a notification for the daily digest. `comity worker` runs
    this as a sweep (COMITY_WORKER_SWEEPS). Returns how many were reminded."""
    today = today or timezone.localdate()
    due = ActionItem.objects.filter(
        done_on__isnull=True,
        reminded_on__isnull=True,
        due_on__lte=today + datetime.timedelta(days=ACTION_REMIND_DAYS),
    ).select_related("meeting", "owner")
    reminded = 0
    for item in due:
        with transaction.atomic():
            # Another sweep (a second worker) may have reminded it meanwhile.
            if not ActionItem.objects.filter(pk=item.pk, reminded_on__isnull=True).update(reminded_on=today):
                continue
            notify(users=[item.owner], kind=NotificationKind.ACTION_DUE, url=meeting_url(item.meeting))
            reminded += 1
    return reminded
