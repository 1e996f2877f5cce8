"""Who may read and change what: the one access rule of every app.

An official reads what their authority takes part in (a request it sent, received or was shown, an
asset case it takes part in); an officer or a head changes it, for their authority. Reads are scoped
at the source: each app's selectors (`requests_visible_to`, `cases_visible_to`...) select only what
the actor may read, and `visible_or_404` takes one object from them.

**404, never 403**, for what the actor may not read: to an outsider a confidential case does not
exist, so neither a page nor an endpoint may reveal that one does by refusing it. What the actor may
read but not change (a viewer; the authority a request was only shown to) is refused with the reason
(`PermissionDenied`, 403), since the actor already knows it exists and needs to know whom to ask.
"""

from collections.abc import Iterable
from typing import Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


class Actor(Protocol):
    """What the rule needs of a user (accounts.User has it)."""

    @property
    def authority_id(self) -> int | None: ...

    @property
    def reads_cases(self) -> bool: ...

    @property
    def writes_cases(self) -> bool: ...


def visible_or_404(visible: "models.QuerySet[M]", pk: object) -> M:
    """The object `pk` among those the actor may read (`visible`, from a selector), or 404 whether
    it does not exist or is not the actor's to read: the two must look the same."""
    found = visible.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def require_reader(actor: Actor) -> None:
    """404 for a role that reads no case (the secretariat, administrators): to them the pages of
    cases do not exist, as a case of another authority does not."""
    if not actor.reads_cases:
        raise Http404


def may_write(actor: Actor, parties: Iterable[int | None] | None = None) -> bool:
    """Whether the actor may change something for one of `parties` (authority ids), or, without
    them, create something for their own authority."""
    if not actor.writes_cases or actor.authority_id is None:
        return False
    return parties is None or actor.authority_id in set(parties)


def require_writer(actor: Actor, refusal: str, parties: Iterable[int | None] | None = None) -> int:
    """The actor's authority id if `may_write`, else PermissionDenied with `refusal`, which says who
    may do it. Call it only on something the actor may read (else it is a 404: `visible_or_404`)."""
    if not may_write(actor, parties):
        raise PermissionDenied(refusal)
    assert actor.authority_id is not None
    return actor.authority_id
