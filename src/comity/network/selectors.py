"""Reads of the network, scoped at the source: only the members of a network read anything of it,
and to anyone else (a non-member, a suspended member, the public) it does not exist (404)."""

from django.db.models import QuerySet
from django.http import Http404

from comity.accounts.models import User
from comity.network.choices import MembershipState
from comity.network.models import DirectoryEntry, Membership, Network

ADMINISTER = "network.administer_network"
EDIT_DIRECTORY = "network.edit_directory"


def networks_of(user: User) -> "QuerySet[Network]":
    """The networks the user's authority is an approved member of."""
    if user.authority_id is None or not user.is_active:
        return Network.objects.none()
    return Network.objects.filter(
        memberships__authority_id=user.authority_id, memberships__state=MembershipState.APPROVED
    ).distinct()


def is_member(user: User) -> bool:
    return networks_of(user).exists()


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
    if not is_member(user):
        return DirectoryEntry.objects.none()
    return DirectoryEntry.objects.select_related("authority").prefetch_related("contacts")
