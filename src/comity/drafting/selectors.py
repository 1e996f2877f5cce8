"""Reads of drafts, scoped at the source: a draft is read by the official of its authority who
started it and the colleagues it was shared with, while they are of that authority and read cases;
to anyone else it does not exist (404)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, When
from django.http import Http404

from comity.accounts.choices import CASE_READER_ROLES, NON_PARTY_KINDS, AuthorityKind
from comity.accounts.models import Authority, User
from comity.cooperation.choices import SubjectKind
from comity.core.policy import visible_or_404
from comity.core.services import record_access
from comity.drafting.check import Check, check
from comity.drafting.choices import REQUEST_TYPE, DraftType
from comity.drafting.models import Draft, DraftAttachment, DraftShare
from comity.guidance import selectors as guidance_selectors
from comity.guidance.assessment import Assessment, case_from
from comity.guidance.choices import Subject
from comity.guidance.models import Profile
from comity.network.selectors import finder


def drafts_visible_to(user: User) -> "QuerySet[Draft]":
    if not user.is_authenticated or not user.is_active or not user.reads_cases or user.authority_id is None:
        return Draft.objects.none()
    shared = DraftShare.objects.filter(draft=OuterRef("pk"), user=user)
    return Draft.objects.filter(Q(created_by=user) | Exists(shared), authority_id=user.authority_id)


def draft_detail(user: User, pk: int, *, channel: str) -> Draft:
    """One of the user's drafts, or 404; every read goes to the access log."""
    draft = visible_or_404(drafts_visible_to(user).select_related("requested_authority"), pk)
    record_access(user=user, obj=draft, channel=channel)
    return draft


def draft_for_write(user: User, pk: int) -> Draft:
    return visible_or_404(drafts_visible_to(user), pk)


def files_of(draft: Draft) -> "QuerySet[DraftAttachment]":
    """The files a draft encloses (read through the draft, itself scoped), without their bytes."""
    return draft.files.defer("content")


def draft_file(user: User, draft_pk: int, pk: int) -> DraftAttachment:
    """A file enclosed with one of the user's drafts, with its bytes; 404 for anyone else (the
    access is logged as a read of the draft)."""
    found = DraftAttachment.objects.filter(
        pk=pk, draft__in=drafts_visible_to(user), draft_id=draft_pk
    ).first()
    if found is None:
        raise Http404
    record_access(user=user, obj=found.draft, channel="page")
    return found


def shared_with(draft: Draft) -> list[int]:
    return list(draft.shares.order_by("user_id").values_list("user_id", flat=True))


def profile_document(country: str) -> dict[str, Any] | None:
    """The requested State's requirement profile (guidance, read by every official who reads cases)."""
    if not country:
        return None
    found = Profile.objects.filter(country=country).values_list("document", "demonstration").first()
    if found is None:
        return None
    return {**found[0], "demonstration": found[1]}


def party_authorities(country: str) -> "QuerySet[Authority]":
    """The authorities of `country` a request may be addressed to, central authorities first."""
    return (
        Authority.objects.filter(country=country)
        .exclude(kind__in=NON_PARTY_KINDS)
        .order_by(Case(When(kind=AuthorityKind.CENTRAL_AUTHORITY, then=0), default=1), "name", "pk")
    )


def finders_first(user: User, draft: Draft) -> Authority | None:
    """The authority the network's finder answers first for the draft's State, asked as the draft
    asks (its first measure and offence, its proceeding, its urgency); then, when the finder has no
    answer (the user's authority is not a member of the network, or the State is not in its
    directory), the State's first party authority, central authorities first."""
    found = finder(
        user,
        country=draft.requested_country,
        measure=draft.measures[0] if draft.measures else "",
        offence=draft.offences[0] if draft.offences else "",
        proceeding=draft.proceeding or "",
        urgent=draft.urgent,
    )
    parties = party_authorities(draft.requested_country)
    allowed = set(parties.filter(pk__in=[f.entry.authority_id for f in found]).values_list("pk", flat=True))
    for answer in found:
        if answer.entry.authority_id in allowed:
            return answer.entry.authority
    return parties.first()


def colleagues(user: User) -> "QuerySet[User]":
    """Whom the user may share a draft with: the other officials of their authority who read cases."""
    if user.authority_id is None:
        return User.objects.none()
    return (
        User.objects.filter(authority_id=user.authority_id, is_active=True, role__in=CASE_READER_ROLES)
        .exclude(pk=user.pk)
        .order_by("username")
    )


def _dual_criminality(user: User, draft: Draft) -> Assessment | None:
    """The dual criminality assessment of what the draft says (guidance, not a legal opinion), once
    it names the State, the offences and the measures; None before, or for a request to one's own State."""
    persons = draft.persons
    subject = (
        Subject.LEGAL_PERSON
        if persons and all(person.get("kind") == SubjectKind.LEGAL for person in persons)
        else Subject.NATURAL_PERSON
    )
    try:
        case = case_from(
            {
                "requesting_country": draft.authority.country,
                "requested_country": draft.requested_country,
                "offences": draft.offences,
                "measures": draft.measures,
                "conduct": draft.conduct,
                "subject": subject,
                "type": REQUEST_TYPE[DraftType(draft.type)],
            }
        )
    except ValidationError:
        return None
    return guidance_selectors.dual_criminality(user, case)


def draft_check(user: User, draft: Draft) -> Check:
    """The completeness check of the draft against its requested State's profile, with the dual
    criminality assessment of its offences and conduct."""
    return check(
        {**draft.values(), "files": [f.annex_line for f in files_of(draft)]},
        profile_document(draft.requested_country),
        dual_criminality=_dual_criminality(user, draft),
    )
