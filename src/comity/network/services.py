"""Every write of the network: atomic, audited in the same transaction, with the acting user."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comity.accounts.models import Authority, User
from comity.core.choices import AuditAction
from comity.core.errors import FieldErrors
from comity.core.services import audit
from comity.network import selectors
from comity.network.choices import MembershipState
from comity.network.models import Membership, Network, Notification


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
        transaction.on_commit(lambda: notifications_email(Notification.objects.filter(pk__in=ids)))
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
