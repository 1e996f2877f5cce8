"""Every write of the network: atomic, audited in the same transaction, with the acting user."""

import datetime
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comity.accounts.choices import CASE_READER_ROLES, CASE_WRITER_ROLES, Role
from comity.accounts.models import Authority, User
from comity.assets import services as asset_services
from comity.assets.choices import IdentifierKind
from comity.assets.models import Asset, AssetCase
from comity.assets.rules import clean_identifier
from comity.cooperation import services as cooperation_services
from comity.cooperation.choices import SubjectKind
from comity.cooperation.models import Request, Subject
from comity.core import messages
from comity.core.choices import AuditAction
from comity.core.errors import FieldErrors
from comity.core.files import FILE_TYPES, FileInput, file_kind
from comity.core.limits import check_lengths, control_character
from comity.core.policy import require_writer
from comity.core.services import audit
from comity.federation import alerts as federation_alerts
from comity.federation import consultations as federation_consultations
from comity.federation import services as federation_services
from comity.network import selectors
from comity.network.choices import (
    Affiliation,
    Channel,
    Competence,
    DirectoryChangeKind,
    MembershipState,
    NotificationKind,
)
from comity.network.languages import is_language, time_zones
from comity.network.models import (
    ALERT_OUTCOME_STATUSES,
    CONFIRM_EVERY,
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
)
from comity.reference.choices import (
    AlertStatus,
    AssetType,
    Handling,
    LegalBasis,
    Measure,
    Offence,
    Proceeding,
    RequestType,
)

# Where a notification about a membership leads (the page of memberships, `network-memberships`).
MEMBERSHIPS_URL = "/network/memberships/"


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
    notify(users=_users_with("administer_network"), kind=NotificationKind.MEMBERSHIP, url=MEMBERSHIPS_URL)
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
    if membership.requested_by is not None and membership.requested_by != actor:
        notify(users=[membership.requested_by], kind=NotificationKind.MEMBERSHIP, url=MEMBERSHIPS_URL)
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
    daily digest. `url` is a path of Comity: the e-mail carries it and the kind, nothing else. A
    peer authority's system actor gets none: nobody logs in as it to read them."""
    rows = Notification.objects.bulk_create(
        [
            Notification(user=user, kind=kind, url=url, urgent=urgent)
            for user in users
            if user.is_active and not federation_services.is_system_actor(user)
        ]
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
    # Each address in the first language of Comity its contact speaks, else in English: not in the
    # language of whoever sent the alert.
    offered = [code for code, _name in settings.LANGUAGES]
    languages: dict[str, str] = {}
    for contact in contacts:
        address = contact.mailbox or contact.email
        if address and address.lower() not in known_addresses:
            spoken = [code for code in contact.languages if code in offered]
            languages.setdefault(address, spoken[0] if spoken else settings.LANGUAGE_CODE)
    if not languages:
        return
    base = settings.COMITY_BASE_URL.rstrip("/")
    kind = NotificationKind.ALERT

    def send() -> None:
        for address in sorted(languages):
            with translation.override(languages[address]):
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
    from_peer: bool = False,
) -> Alert:
    """Send an urgent freezing alert to another member authority's 24/7 contact, or to an
    authority a trusted peer deployment hosts (it travels there: federation.alerts). The assets
    named that are not yet in `asset_case` (the sender's) are added to it, located in the
    recipient's State, so that a freezing recorded in answer becomes a step of each without
    re-keying. `from_peer` (federation only passes it): a peer's alert, sent here in the name of its
    authority; federation trust stands for network membership, and the recipient is an authority
    hosted here in another State."""
    own = require_writer(actor, _("Only officers and heads send an urgent freezing alert."))
    if not from_peer:
        selectors.require_alerts(actor)
    if asset_case is not None:
        asset_services.require_participant(actor, asset_case)
    errors = FieldErrors()
    if to_authority is None:
        errors.required("to_authority", None)
    elif from_peer:
        sender_country = actor.authority.country if actor.authority else ""
        if to_authority.external or not to_authority.can_be_party or to_authority.country == sender_country:
            errors.add("to_authority", _("Alert an authority of another State that this deployment hosts."))
    elif not selectors.alert_recipients(actor).filter(pk=to_authority.pk).exists():
        errors.add(
            "to_authority",
            _(
                "Alert an authority of another State that is a member of your network or hosted by a trusted peer deployment."
            ),
        )
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
    if to_authority.external and not from_peer:
        federation_alerts.alert_forward(actor=actor, alert=alert, assets=rows)
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
    federation_alerts.answer_forward(actor=actor, alert=alert, answer="acknowledged", note=note)
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
    if outcome == alert.status:
        errors.add("outcome", _("The alert is already at this step."))
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
    place = {pk: index for index, pk in enumerate(alert_assets)}
    federation_alerts.answer_forward(
        actor=actor,
        alert=alert,
        answer="outcome",
        outcome=outcome,
        reason=reason,
        on=day,
        order_reference=order_reference,
        frozen=[(place[row.pk], amount, currency) for _position, row, amount, currency in chosen],
    )
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
    federation_alerts.answer_forward(actor=actor, alert=alert, answer="withdrawn", reason=reason)
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


def _invite(actor: User, meeting: Meeting, authorities: Iterable[int]) -> None:
    """Tell the other participants' officials of a meeting planned or moved: an invitation (or one
    to another time), e-mailed at once as a consultation's are (#22 item 7)."""
    notify(
        users=_writers_of(authorities, but=actor),
        kind=NotificationKind.MEETING,
        url=meeting_url(meeting),
        urgent=True,
    )


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
    consultations: "Sequence[Consultation]" = (),
) -> Meeting:
    """Plan a coordination meeting of the actor's authority with other members of its network,
    about the requests, asset cases and consultations given (the actor's to see: the caller checks). Their
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
    meeting.consultations.set(consultations)
    audit(actor=actor, action=AuditAction.MEETING_CREATE, obj=meeting, fields=["participants", "starts_at"])
    _invite(actor, meeting, others)
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
    _invite(actor, meeting, others)
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


# Consultations (#22 item 4) ---------------------------------------------------------------------

# What a draft may be: core.files (by its first bytes, never its name alone).
ATTACHMENT_TYPES = FILE_TYPES


# A file given with a message.
AttachmentInput = FileInput


def _consultation_url(consultation: Consultation) -> str:
    return reverse("consultation-detail", args=[consultation.pk])


def _readers_of(authority_ids: Iterable[int]) -> "QuerySet[User]":
    """The users who read cases at these authorities while they are approved members (a suspended
    one's users could not open the link): whom a consultation's news goes to."""
    approved = Membership.objects.filter(
        authority_id=OuterRef("authority_id"), state=MembershipState.APPROVED
    )
    return User.objects.filter(
        Exists(approved),
        authority_id__in=list(authority_ids),
        is_active=True,
        role__in=list(CASE_READER_ROLES),
    )


def _require_consultation_writer(actor: User, consultation: Consultation) -> int:
    return require_writer(
        actor,
        _("Only officers and heads of unit of a participating authority write in a consultation."),
        [p.authority_id for p in consultation.participants.all()],
    )


def _check_open(errors: FieldErrors, consultation: Consultation) -> None:
    if consultation.request_id is not None:
        errors.add("consultation", _("This consultation was converted into a request; write in the request."))
    elif not consultation.is_open:
        errors.add("consultation", _("This consultation is closed."))


def _check_noted(errors: FieldErrors, noted: Mapping[str, Any]) -> None:
    """What the possible request is becoming: codes of the vocabularies, persons well formed."""
    errors.code("request_type", noted.get("request_type", ""), RequestType, required=False)
    errors.code("legal_basis", noted.get("legal_basis", ""), LegalBasis, required=False)
    errors.code("proceeding", noted.get("proceeding", ""), Proceeding, required=False)
    errors.codes("offences", noted.get("offences") or (), Offence)
    errors.codes("measures", noted.get("measures") or (), Measure)
    for position, person in enumerate(noted.get("subjects") or (), start=1):
        prefix = _("Subject %(n)d: ") % {"n": position}
        check_lengths(
            errors,
            Subject,
            {"name": person.name.strip(), "identifiers": person.identifiers.strip()},
            under="subjects",
            prefix=prefix,
        )
        if person.kind not in SubjectKind.values:
            errors.add("subjects", prefix + messages.unknown_code(person.kind, SubjectKind.values))
        if not person.name.strip():
            errors.add("subjects", prefix + messages.required())
        errors.country("subjects", person.country, required=False, prefix=prefix)


NOTED_FIELDS = ("request_type", "legal_basis", "proceeding", "offences", "measures", "subjects")


def _store_noted(consultation: Consultation, noted: Mapping[str, Any]) -> list[str]:
    """Copy what is noted onto the consultation; the names of the fields that changed."""
    changed = []
    for name in NOTED_FIELDS:
        if name not in noted or noted[name] is None:
            continue
        value = noted[name]
        if name in ("offences", "measures"):
            value = list(dict.fromkeys(value))
        elif name == "subjects":
            value = [
                {
                    "kind": s.kind,
                    "name": s.name.strip(),
                    "identifiers": s.identifiers.strip(),
                    "country": s.country.upper(),
                }
                for s in value
            ]
        if getattr(consultation, name) != value:
            setattr(consultation, name, value)
            changed.append(name)
    return changed


def _check_participants(
    errors: FieldErrors, actor: User, authorities: Sequence[Authority], field: str, already: set[int]
) -> None:
    """Every authority invited is an approved member of one of the actor's networks, or hosted by a
    trusted peer deployment (ADR 11), not yet in."""
    members = selectors.consultable_authority_ids(actor)
    for authority in authorities:
        if authority.pk not in members:
            errors.add(
                field,
                _("%(name)s is not a member of your networks: only members take part in a consultation.")
                % {"name": authority.name},
            )
        elif authority.pk in already:
            errors.add(field, _("%(name)s already takes part.") % {"name": authority.name})


def _check_attachments(errors: FieldErrors, attachments: Sequence[AttachmentInput]) -> list[dict[str, Any]]:
    """Each file's size and real type; what to store of each (its contents are never logged nor
    put in a message: only its name, size and type are)."""
    limit = settings.COMITY_ATTACHMENT_MAX_BYTES
    most = settings.COMITY_ATTACHMENTS_PER_MESSAGE
    if len(attachments) > most:
        errors.add(
            "attachments",
            ngettext("At most %(n)d file per message.", "At most %(n)d files per message.", most)
            % {"n": most},
        )
        return []
    stored = []
    for position, attachment in enumerate(attachments, start=1):
        prefix = _("File %(n)d: ") % {"n": position}
        name = attachment.base_name
        if not name or control_character(name):
            errors.add("attachments", prefix + _("Give the file a name."))
            continue
        if len(attachment.content) > limit:
            errors.add(
                "attachments",
                prefix
                + _("%(name)s is %(size)s; a file may be at most %(limit)s.")
                % {
                    "name": name,
                    "size": filesizeformat(len(attachment.content)),
                    "limit": filesizeformat(limit),
                },
            )
            continue
        if not attachment.content:
            errors.add("attachments", prefix + _("%(name)s is empty.") % {"name": name})
            continue
        kind = file_kind(attachment.content)
        if kind is None:
            errors.add(
                "attachments",
                prefix
                + _(
                    "%(name)s is not a file type accepted here; send PDF, Word, Excel, OpenDocument, PNG, JPEG or UTF-8 text."
                )
                % {"name": name},
            )
            continue
        stored.append(
            {
                "name": name,
                "content_type": ATTACHMENT_TYPES[kind],
                "size": len(attachment.content),
                "sha256": hashlib.sha256(attachment.content).hexdigest(),
                "content": attachment.content,
            }
        )
    return stored


@transaction.atomic
def consultation_open(
    *,
    actor: User,
    participants: Sequence[Authority],
    subject: str,
    handling: str,
    summary: str = "",
    questions: str = "",
    request_type: str = "",
    legal_basis: str = "",
    proceeding: str = "",
    offences: Sequence[str] = (),
    measures: Sequence[str] = (),
    subjects: "Sequence[cooperation_services.SubjectInput]" = (),
    conversation_id: str | None = None,
) -> Consultation:
    """Open a consultation of the actor's authority with `participants` (other members of its
    networks, authorities of trusted peers), who are told of it at once (an invitation). Those
    hosted by a peer get it as a `consultation.message` (ADR 11); one a peer opened is applied here
    with its `conversation_id`, and goes to no one."""
    own = require_writer(actor, _("Only officers and heads of unit open a consultation."))
    errors = FieldErrors()
    errors.required("subject", subject)
    errors.code("handling", handling, Handling)
    errors.texts(Consultation, {"subject": subject, "summary": summary, "questions": questions})
    noted = {
        "request_type": request_type,
        "legal_basis": legal_basis,
        "proceeding": proceeding,
        "offences": offences,
        "measures": measures,
        "subjects": subjects,
    }
    _check_noted(errors, noted)
    others = list({a.pk: a for a in participants if a.pk != own}.values())
    if not others:
        errors.add("participants", _("Name at least one other authority of the network to consult."))
    _check_participants(errors, actor, others, "participants", set())
    errors.raise_if_any()
    now = timezone.now()
    consultation = Consultation(
        subject=subject.strip(),
        handling=handling,
        summary=summary.strip(),
        questions=questions.strip(),
        opened_by=actor,
        opened_by_authority_id=own,
        last_activity_at=now,
        conversation_id=conversation_id,
    )
    _store_noted(consultation, noted)
    consultation.save()
    ConsultationParticipant.objects.bulk_create(
        [
            ConsultationParticipant(
                consultation=consultation, authority_id=authority_id, invited_by=actor, last_activity_at=now
            )
            for authority_id in [own, *(a.pk for a in others)]
        ]
    )
    audit(
        actor=actor,
        action=AuditAction.CONSULTATION_CREATE,
        obj=consultation,
        fields=["subject", "handling", "summary", "questions", "participants", *NOTED_FIELDS],
        detail={"handling": handling},
    )
    notify(
        users=_readers_of(a.pk for a in others),
        kind=NotificationKind.INVITATION,
        url=_consultation_url(consultation),
        urgent=True,
    )
    if conversation_id is None:
        federation_consultations.forward(actor=actor, consultation=consultation)
    return consultation


@dataclass(frozen=True)
class MessageOrigin:
    """A consultation message posted at a peer deployment: its name and the message's id there."""

    deployment: str
    message_id: int


def _consultation_locked(consultation: Consultation) -> Consultation:
    """The consultation again, locked for this transaction (two writers take turns)."""
    return Consultation.objects.select_for_update().prefetch_related("participants").get(pk=consultation.pk)


@transaction.atomic
def consultation_post(
    *,
    actor: User,
    consultation: Consultation,
    body: str,
    attachments: Sequence[AttachmentInput] = (),
    noted: Mapping[str, Any] | None = None,
    origin: MessageOrigin | None = None,
) -> ConsultationMessage:
    """Post a message (with its draft attachments) in the thread; it may note what the possible
    request has become (its type, measures, offences, legal basis, proceeding, subjects). The other
    participants are told of it in their inbox and by e-mail at once (a link only); those hosted
    by a peer get it with its attachments (ADR 11). A message posted at a peer is applied here
    with its `origin`, once (the same origin again returns the message recorded), and goes to no one."""
    consultation = _consultation_locked(consultation)
    own = _require_consultation_writer(actor, consultation)
    if origin is not None:
        recorded = consultation.messages.filter(
            origin_deployment=origin.deployment, origin_message_id=origin.message_id
        ).first()
        if recorded is not None:
            return recorded
    noted = {name: value for name, value in (noted or {}).items() if value is not None}
    errors = FieldErrors()
    _check_open(errors, consultation)
    errors.required("body", body)
    errors.texts(ConsultationMessage, {"body": body})
    _check_noted(errors, noted)
    files = _check_attachments(errors, attachments)
    errors.raise_if_any()
    message = ConsultationMessage.objects.create(
        consultation=consultation,
        author=actor,
        authority_id=own,
        body=body.strip(),
        origin_deployment=origin.deployment if origin else "",
        origin_message_id=origin.message_id if origin else None,
    )
    ConsultationAttachment.objects.bulk_create([ConsultationAttachment(message=message, **f) for f in files])
    changed = _store_noted(consultation, noted)
    consultation.last_message_id = message.pk
    consultation.last_activity_at = message.posted_at
    consultation.save()
    _participants_follow(consultation)
    audit(
        actor=actor,
        action=AuditAction.CONSULTATION_MESSAGE,
        obj=consultation,
        fields=["body", *(["attachments"] if files else []), *changed],
        detail={"message": str(message.pk), "attachments": str(len(files))},
    )
    _receipt(actor, consultation, message.pk)
    notify(
        users=_readers_of(p.authority_id for p in consultation.participants.all() if p.authority_id != own),
        kind=NotificationKind.MESSAGE,
        url=_consultation_url(consultation),
        urgent=True,  # #22 item 7: new messages, like invitations and alerts, are e-mailed at once
    )
    if origin is None:
        federation_consultations.forward(actor=actor, consultation=consultation, message=message)
    return message


def _participants_follow(consultation: Consultation) -> None:
    """Copy the consultation's last activity and closing onto its participants' rows, where each
    authority's inbox reads them (selectors.consultation_inbox)."""
    ConsultationParticipant.objects.filter(consultation=consultation).update(
        last_activity_at=consultation.last_activity_at, closed=consultation.closed_at is not None
    )


@transaction.atomic
def consultation_invite(
    *, actor: User, consultation: Consultation, authorities: Sequence[Authority]
) -> list[ConsultationParticipant]:
    """A participant invites further authorities of its networks; they read the whole thread."""
    consultation = _consultation_locked(consultation)
    _require_consultation_writer(actor, consultation)
    errors = FieldErrors()
    _check_open(errors, consultation)
    if not authorities:
        errors.add("authorities", _("Name at least one authority to invite."))
    _check_participants(
        errors, actor, authorities, "authorities", {p.authority_id for p in consultation.participants.all()}
    )
    errors.raise_if_any()
    consultation.last_activity_at = timezone.now()
    consultation.save(update_fields=["last_activity_at"])
    _participants_follow(consultation)
    added = ConsultationParticipant.objects.bulk_create(
        [
            ConsultationParticipant(
                consultation=consultation,
                authority=a,
                invited_by=actor,
                last_activity_at=consultation.last_activity_at,
            )
            for a in authorities
        ]
    )
    audit(
        actor=actor,
        action=AuditAction.CONSULTATION_INVITE,
        obj=consultation,
        fields=["participants"],
        detail={"authorities": ",".join(str(a.pk) for a in authorities)},
    )
    notify(
        users=_readers_of(a.pk for a in authorities),
        kind=NotificationKind.INVITATION,
        url=_consultation_url(consultation),
        urgent=True,
    )
    federation_consultations.forward(actor=actor, consultation=consultation, invited=authorities)
    return added


@transaction.atomic
def consultation_close(*, actor: User, consultation: Consultation, from_peer: bool = False) -> Consultation:
    """Close the thread: it stays readable by its participants; nothing more is written in it. The
    peers holding a copy close theirs (ADR 11); a closing `from_peer` goes to no one."""
    consultation = _consultation_locked(consultation)
    _require_consultation_writer(actor, consultation)
    errors = FieldErrors()
    _check_open(errors, consultation)
    errors.raise_if_any()
    consultation.closed_at = timezone.now()
    consultation.closed_by = actor
    consultation.last_activity_at = consultation.closed_at
    consultation.save()
    _participants_follow(consultation)
    audit(actor=actor, action=AuditAction.CONSULTATION_CLOSE, obj=consultation, fields=["closed_at"])
    if not from_peer:
        federation_consultations.forward(actor=actor, consultation=consultation, closed=True)
    return consultation


def _receipt(user: User, consultation: Consultation, up_to: int) -> None:
    ConsultationReceipt.objects.update_or_create(
        user=user,
        consultation=consultation,
        defaults={"authority_id": user.authority_id, "read_up_to": up_to, "read_at": timezone.now()},
    )


@transaction.atomic
def consultation_mark_read(*, user: User, consultation: Consultation) -> None:
    """The user has read the thread to its last message: the read receipt the others see. (The
    read itself is in the access log, by the selector that gave the thread.)"""
    if (
        consultation.last_message_id
        and not ConsultationReceipt.objects.filter(
            user=user, consultation=consultation, read_up_to__gte=consultation.last_message_id
        ).exists()
    ):
        _receipt(user, consultation, consultation.last_message_id)


@transaction.atomic
def consultation_convert(
    *,
    actor: User,
    consultation: Consultation,
    requested_authority: Authority | None = None,
    type: str = "",
    legal_basis: str = "",
    proceeding: str = "",
    offences: Sequence[str] = (),
    measures: Sequence[str] = (),
    requesting_reference: str = "",
) -> Request:
    """Make the request the consultation prepared, from the actor's authority to another
    participant (`requested_authority`, which may be left out when there is only one other): its
    type, measures, offences, legal basis, proceeding, subjects and facts are the consultation's,
    or given here where the consultation lacks them (a value given here wins). The request and the
    consultation name each other; the consultation is closed. What is still missing is refused,
    field by field, and nothing is written."""
    consultation = _consultation_locked(consultation)
    own = _require_consultation_writer(actor, consultation)
    errors = FieldErrors()
    _check_open(errors, consultation)
    others = [
        p.authority for p in consultation.participants.select_related("authority") if p.authority_id != own
    ]
    if requested_authority is None and len(others) == 1:
        requested_authority = others[0]
    if requested_authority is None:
        errors.add(
            "requested_authority",
            _("Name the participant the request goes to (the consultation has several)."),
        )
    elif requested_authority.pk not in {a.pk for a in others}:
        errors.add("requested_authority", _("The request goes to another participant of the consultation."))
    codes = {
        "type": type or consultation.request_type,
        "legal_basis": legal_basis or consultation.legal_basis,
        "proceeding": proceeding or consultation.proceeding,
    }
    offences = list(offences) or consultation.offences
    for name, value in [*codes.items(), ("offences", offences)]:
        if not value:
            errors.add(name, _("The consultation does not say it: give it in the conversion."))
    errors.raise_if_any()
    assert requested_authority is not None and actor.authority is not None
    request = cooperation_services.request_create(
        actor=actor,
        requesting_authority=actor.authority,
        requested_authority=requested_authority,
        type=codes["type"],
        legal_basis=codes["legal_basis"],
        proceeding=codes["proceeding"],
        offences=offences,
        measures=list(measures) or consultation.measures,
        summary=consultation.summary,
        subjects=[cooperation_services.SubjectInput(**s) for s in consultation.subjects],
        confidential=consultation.handling in CONFIDENTIAL_HANDLING,
        requesting_reference=requesting_reference,
    )
    consultation.request = request
    consultation.closed_at = timezone.now()
    consultation.closed_by = actor
    consultation.last_activity_at = consultation.closed_at
    consultation.save()
    _participants_follow(consultation)
    audit(
        actor=actor,
        action=AuditAction.CONSULTATION_CONVERT,
        obj=consultation,
        fields=["request", "closed_at"],
        detail={"request": str(request.pk)},
    )
    # The request is this side's (it travels as a request.new when it goes to a peer's authority):
    # the peers' copies of the consultation are closed.
    federation_consultations.forward(actor=actor, consultation=consultation, closed=True)
    return request


# Handling codes under which what the consultation holds goes no further than named recipients or
# the recipient's organisation: the request it becomes is confidential.
CONFIDENTIAL_HANDLING = frozenset({Handling.RED, Handling.AMBER_STRICT})
# ---------------------------------------------------------------------------------------------
# The directory (#22 item 1), the permissions granted beside a role, the inbox and the digest
# (item 7): net-dir's part.

MAX_LANGUAGES = 20
MAX_LINKS = 20
MAX_CONTACTS = 50
LINK_TITLE_LENGTH = 200
LINK_URL_LENGTH = 500
PHONE = re.compile(r"^\+?[0-9 ()./-]{3,40}$")
# A reminder to confirm an entry is sent again after this long without a confirmation.
REMIND_AGAIN = datetime.timedelta(days=30)
ENTRY_FIELDS = (
    "competences",
    "languages",
    "channels",
    "encryption_required",
    "signature_required",
    "uncac_accepted",
    "urgent_procedure",
    "affiliations",
    "links",
)
CONTACT_FIELDS = (
    "name",
    "function",
    "languages",
    "phone",
    "email",
    "mailbox",
    "time_zone",
    "working_hours",
    "urgent",
)


def _record_change(
    entry: DirectoryEntry,
    actor: User | None,
    kind: DirectoryChangeKind,
    changes: dict[str, Any],
    action: AuditAction,
    fields: list[str] | None = None,
) -> None:
    """The entry's history row of a change and its audit entry (the fields changed, not their values)."""
    DirectoryChange.objects.create(entry=entry, changed_by=actor, what=kind, changes=changes)
    audit(actor=actor, action=action, obj=entry, fields=fields if fields is not None else list(changes))


def _require_editor(actor: User | None, authority_id: int) -> None:
    """Only the authority's own directory editors change its entry (None: the command line, the
    demo)."""
    if actor is not None and not selectors.edits_directory_of(actor, authority_id):
        raise PermissionDenied(_("Only a directory editor of this authority changes its directory entry."))


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def _check_languages(errors: FieldErrors, name: str, languages: Sequence[str]) -> None:
    if len(languages) > MAX_LANGUAGES:
        errors.add(name, _("At most %(n)d languages.") % {"n": MAX_LANGUAGES})
    for code in languages:
        if not is_language(code):
            errors.add(
                name,
                _("Unknown language %(code)s: give ISO 639-1 codes such as en, fr, de (zh-hans for Chinese).")
                % {"code": code[:20]},
            )


def _clean_links(errors: FieldErrors, links: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    if len(links) > MAX_LINKS:
        errors.add("links", _("At most %(n)d links.") % {"n": MAX_LINKS})
        return []
    cleaned = []
    valid_url = URLValidator(schemes=["http", "https"])
    for index, link in enumerate(links, start=1):
        url, title = str(link.get("url", "")).strip(), str(link.get("title", "")).strip()
        try:
            if len(url) > LINK_URL_LENGTH:
                raise ValidationError("too long")
            valid_url(url)
        except ValidationError:
            errors.add(
                "links",
                _("Link %(n)d: give an address starting with https:// (at most %(max)d characters).")
                % {"n": index, "max": LINK_URL_LENGTH},
            )
            continue
        if len(title) > LINK_TITLE_LENGTH:
            errors.add(
                "links",
                _("Link %(n)d: a title of at most %(max)d characters.")
                % {"n": index, "max": LINK_TITLE_LENGTH},
            )
        cleaned.append({"url": url, "title": title or url})
    return cleaned


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def _values(obj: DirectoryEntry | ContactPerson, fields: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


@transaction.atomic
def directory_entry_save(
    *,
    actor: User | None,
    authority: Authority,
    competences: Sequence[str],
    languages: Sequence[str],
    channels: Sequence[str],
    encryption_required: bool,
    signature_required: bool,
    uncac_accepted: bool,
    urgent_procedure: str,
    affiliations: Sequence[str],
    links: Sequence[dict[str, str]],
    confirmed_on: datetime.date | None = None,
) -> DirectoryEntry:
    """Create or change the authority's directory entry, by one of its directory editors. Saving
    it confirms it (its editor has just read it through); the change is kept in its history.
    `confirmed_on` is for an entry loaded from elsewhere (the command line, the demo): the day its
    source last confirmed it."""
    _require_editor(actor, authority.pk)
    errors = FieldErrors()
    if confirmed_on is not None and actor is not None:
        errors.add("confirmed_on", _("Saving an entry confirms it today."))
    competences, channels, affiliations = _unique(competences), _unique(channels), _unique(affiliations)
    languages = _unique(code.lower() for code in languages)
    errors.codes("competences", competences, Competence)
    errors.codes("channels", channels, Channel)
    errors.codes("affiliations", affiliations, Affiliation)
    _check_languages(errors, "languages", languages)
    errors.texts(DirectoryEntry, {"urgent_procedure": urgent_procedure})
    cleaned_links = _clean_links(errors, links)
    if not authority.can_be_party:
        errors.add("authority", _("The secretariat has no directory entry."))
    errors.raise_if_any()
    entry = DirectoryEntry.objects.select_for_update().filter(authority=authority).first()
    created = entry is None
    if entry is None:
        entry = DirectoryEntry(authority=authority)
    before = {} if created else _values(entry, ENTRY_FIELDS)
    after: dict[str, Any] = {
        "competences": competences,
        "languages": languages,
        "channels": channels,
        "encryption_required": encryption_required,
        "signature_required": signature_required,
        "uncac_accepted": uncac_accepted,
        "urgent_procedure": urgent_procedure.strip(),
        "affiliations": affiliations,
        "links": cleaned_links,
    }
    for name, value in after.items():
        setattr(entry, name, value)
    entry.last_confirmed_on = confirmed_on or timezone.localdate()
    entry.full_clean()
    entry.save()
    kind = DirectoryChangeKind.CREATE if created else DirectoryChangeKind.UPDATE
    _record_change(entry, actor, kind, _diff(before, after), AuditAction.DIRECTORY_UPDATE)
    return entry


@transaction.atomic
def directory_entry_confirm(*, actor: User | None, entry: DirectoryEntry) -> DirectoryEntry:
    """The entry is still right: it is no longer stale, and its editors are not reminded for a year."""
    _require_editor(actor, entry.authority_id)
    before = entry.last_confirmed_on
    entry.last_confirmed_on = timezone.localdate()
    entry.save(update_fields=["last_confirmed_on", "updated_at"])
    changes = {
        "last_confirmed_on": [before.isoformat() if before else None, entry.last_confirmed_on.isoformat()]
    }
    _record_change(entry, actor, DirectoryChangeKind.CONFIRM, changes, AuditAction.DIRECTORY_CONFIRM)
    return entry


@transaction.atomic
def contact_save(
    *,
    actor: User | None,
    entry: DirectoryEntry,
    contact: ContactPerson | None = None,
    name: str,
    function: str = "",
    languages: Sequence[str] = (),
    phone: str = "",
    email: str = "",
    mailbox: str = "",
    time_zone: str = "UTC",
    working_hours: str = "",
    urgent: bool = False,
) -> ContactPerson:
    """Add a contact person to the entry (`contact` None) or change one of its contacts."""
    _require_editor(actor, entry.authority_id)
    if contact is not None and contact.entry_id != entry.pk:
        raise PermissionDenied(_("This contact person is not in this directory entry."))
    errors = FieldErrors()
    texts = {"name": name, "function": function, "phone": phone, "working_hours": working_hours}
    errors.required("name", name)
    errors.texts(ContactPerson, texts)
    languages = _unique(code.lower() for code in languages)
    _check_languages(errors, "languages", languages)
    if phone.strip() and not PHONE.match(phone.strip()):
        errors.add("phone", _("Give a phone number with its country code, such as +41 58 462 11 20."))
    for field, value in (("email", email), ("mailbox", mailbox)):
        if value.strip():
            try:
                validate_email(value.strip())
            except ValidationError:
                errors.add(field, _("Give a valid e-mail address."))
    if time_zone not in time_zones():
        errors.add(
            "time_zone",
            _("Unknown time zone %(zone)s; give one such as Europe/Zurich.") % {"zone": time_zone[:64]},
        )
    if contact is None and entry.contacts.count() >= MAX_CONTACTS:
        errors.add("name", _("An entry has at most %(n)d contact persons.") % {"n": MAX_CONTACTS})
    errors.raise_if_any()
    created = contact is None
    if contact is None:
        contact = ContactPerson(entry=entry, position=entry.contacts.count())
    before = {} if created else _values(contact, CONTACT_FIELDS)
    after: dict[str, Any] = {
        "name": name.strip(),
        "function": function.strip(),
        "languages": languages,
        "phone": phone.strip(),
        "email": email.strip(),
        "mailbox": mailbox.strip(),
        "time_zone": time_zone,
        "working_hours": working_hours.strip(),
        "urgent": urgent,
    }
    for key, value in after.items():
        setattr(contact, key, value)
    contact.full_clean()
    contact.save()
    kind = DirectoryChangeKind.CONTACT_ADD if created else DirectoryChangeKind.CONTACT_CHANGE
    _record_change(entry, actor, kind, _diff(before, after), AuditAction.DIRECTORY_CONTACT)
    return contact


@transaction.atomic
def contact_remove(*, actor: User | None, contact: ContactPerson) -> None:
    entry = contact.entry
    _require_editor(actor, entry.authority_id)
    before = _values(contact, CONTACT_FIELDS)
    contact.delete()
    changes = {name: [value, None] for name, value in before.items()}
    _record_change(
        entry, actor, DirectoryChangeKind.CONTACT_REMOVE, changes, AuditAction.DIRECTORY_CONTACT, ["contacts"]
    )


def _users_with(codename: str, authority_ids: Iterable[int] | None = None) -> "list[User]":
    """The active users granted the network's permission `codename` (directly, by a group, or as
    superusers), of these authorities if given."""
    permission = Permission.objects.get(content_type__app_label="network", codename=codename)
    users = User.objects.filter(is_active=True, authority__isnull=False).filter(
        Q(user_permissions=permission) | Q(groups__permissions=permission) | Q(is_superuser=True)
    )
    if authority_ids is not None:
        users = users.filter(authority_id__in=list(authority_ids))
    return list(users.distinct().order_by("pk"))


@transaction.atomic
def directory_confirmations_remind(*, today: datetime.date | None = None) -> int:
    """Remind the directory editors of each member authority whose entry was last confirmed a
    year ago or more (or never): a notification in their inbox, e-mailed in the daily digest.
    `comity worker` runs it as a sweep (COMITY_WORKER_SWEEPS; by hand: `comity network remind`);
    an editor reminded is reminded again a month later if the entry is still not confirmed. How
    many notifications were made."""
    today = today or timezone.localdate()
    members = Membership.objects.filter(state=MembershipState.APPROVED).values("authority_id")
    due = DirectoryEntry.objects.filter(authority_id__in=members).filter(
        Q(last_confirmed_on__isnull=True) | Q(last_confirmed_on__lte=today - CONFIRM_EVERY)
    )
    urls = {entry.authority_id: f"/network/directory/{entry.authority_id}/" for entry in due}
    editors: dict[int, list[User]] = {}
    for editor in _users_with("edit_directory", urls):
        editors.setdefault(editor.authority_id or 0, []).append(editor)
    since = timezone.now() - REMIND_AGAIN
    reminded = set(
        Notification.objects.filter(
            kind=NotificationKind.CONFIRM_DUE, url__in=list(urls.values()), created_at__gte=since
        ).values_list("user_id", "url")
    )
    made = 0
    for authority_id, url in urls.items():
        users = [u for u in editors.get(authority_id, []) if (u.pk, url) not in reminded]
        made += len(notify(users=users, kind=NotificationKind.CONFIRM_DUE, url=url))
    return made


def notifications_digest(*, before: datetime.datetime | None = None) -> int:
    """The daily digest: each user's unread notifications not yet e-mailed (made before `before`,
    if given), in one e-mail per user. How many e-mails were sent."""
    pending = Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
    if before is not None:
        pending = pending.filter(created_at__lt=before)
    return notifications_email(pending.order_by("user_id", "pk"))


def notifications_digest_daily(now: datetime.datetime | None = None) -> int:
    """The digest as a sweep of `comity worker` (COMITY_WORKER_SWEEPS), which runs every half
    lease: it sends what was made before the last COMITY_DIGEST_HOUR (in TIME_ZONE), so each user
    gets one e-mail a day however often it runs, and each notification once (its e-mailed time).
    How many e-mails were sent."""
    local = timezone.localtime(now or timezone.now())
    moment = local.replace(hour=settings.COMITY_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if moment > local:
        moment -= datetime.timedelta(days=1)
    return notifications_digest(before=moment)


def notifications_mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (`ids`, or all). How many were unread."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
