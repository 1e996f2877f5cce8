"""Writes of drafts, each atomic and audited in the same transaction (DRAFT_*), never with the
draft's content (its facts, names, the letter): the audit says which fields changed. A draft is
written by the officers and heads of its authority who read it (selectors.drafts_visible_to)."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comity.accounts.models import Authority, User
from comity.cooperation import services as cooperation
from comity.cooperation.models import Request
from comity.core.choices import AuditAction
from comity.core.errors import FieldErrors
from comity.core.files import FileInput, checked_file
from comity.core.limits import too_long
from comity.core.policy import require_writer
from comity.core.services import audit
from comity.drafting import selectors
from comity.drafting.choices import REQUEST_TYPE, DraftStatus, DraftType
from comity.drafting.models import Draft, DraftAttachment, DraftShare
from comity.drafting.schemas import DraftChanges, DraftCreate
from comity.guidance.services import _parsed
from comity.network.selectors import consultations_visible_to
from comity.reference.choices import RequestType

WHAT = "A draft is a JSON object of its fields."


def _refusal() -> str:
    return _("Only an officer or a head of unit of the draft's authority may change it.")


def _check_authority(draft: Draft, errors: FieldErrors) -> None:
    """The requested authority is one of the requested State's that a request may go to."""
    if draft.requested_authority_id is None:
        return
    if (
        not selectors.party_authorities(draft.requested_country)
        .filter(pk=draft.requested_authority_id)
        .exists()
    ):
        errors.add(
            "requested_authority",
            _("Choose an authority of the requested State (the finder lists them)."),
        )


def _apply(draft: Draft, given: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in given.items():
        attribute = "requested_authority_id" if name == "requested_authority" else name
        if getattr(draft, attribute) != value:
            setattr(draft, attribute, value)
            changed.append(name)
    if "requested_country" in changed and "requested_authority" not in given:
        # An authority of the State the draft was addressed to before is not one of the new State's.
        draft.requested_authority_id = None
    return changed


def _from_consultation(user: User, pk: int) -> dict[str, Any]:
    """What a consultation already says of the request it is about, so nothing is typed twice."""
    consultation = consultations_visible_to(user).filter(pk=pk).first()
    if consultation is None:
        raise ValidationError({"consultation": [_("No consultation of yours has this number.")]})
    return {
        "consultation_id": consultation.pk,
        "facts": consultation.summary,
        "legal_basis": consultation.legal_basis,
        "proceeding": consultation.proceeding or "criminal",
        "offences": list(consultation.offences),
        "measures": list(consultation.measures),
        "persons": [
            {
                "kind": subject.get("kind", "natural"),
                "name": subject.get("name", ""),
                "identifiers": subject.get("identifiers", ""),
                "country": subject.get("country", ""),
            }
            for subject in consultation.subjects
        ],
    }


@transaction.atomic
def draft_create(*, actor: User, data: Mapping[str, Any]) -> Draft:
    """Start a draft for the actor's authority: `type` is required, every other field may come
    later; `consultation` starts it from what one of the actor's consultations says."""
    authority_id = require_writer(actor, _("Only an officer or a head of unit may draft a request."))
    parsed = _parsed(data, DraftCreate, WHAT)
    given = parsed.given()
    given.pop("type", None)
    consultation = given.pop("consultation", None)
    start = _from_consultation(actor, consultation) if consultation is not None else {}
    now = timezone.now()
    draft = Draft(
        authority_id=authority_id,
        type=parsed.type,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **{name: value for name, value in start.items() if name not in given},
    )
    _apply(draft, given)
    errors = FieldErrors()
    _check_authority(draft, errors)
    errors.raise_if_any()
    draft.save()
    audit(
        actor=actor,
        action=AuditAction.DRAFT_CREATE,
        obj=draft,
        fields=sorted(set(given) | set(start)),
        detail={"type": draft.type, "consultation": str(consultation or "")},
    )
    return draft


def _require_open(draft: Draft) -> None:
    if draft.status != DraftStatus.OPEN:
        raise ValidationError(
            {"": [_("This draft was registered as a request: it is not changed any more.")]}
        )


@transaction.atomic
def draft_update(*, actor: User, draft: Draft, data: Mapping[str, Any]) -> Draft:
    """Set the fields `data` names (a step of the form); nothing written when nothing changed."""
    require_writer(actor, _refusal(), [draft.authority_id])
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    _require_open(draft)
    given = _parsed(data, DraftChanges, WHAT).given()
    changed = _apply(draft, given)
    errors = FieldErrors()
    _check_authority(draft, errors)
    errors.raise_if_any()
    if not changed:
        return draft
    draft.updated_at = timezone.now()
    draft.save()
    audit(actor=actor, action=AuditAction.DRAFT_UPDATE, obj=draft, fields=changed)
    return draft


@transaction.atomic
def draft_share(*, actor: User, draft: Draft, user_id: int) -> DraftShare:
    """Share the draft with a colleague of its authority, who then reads and edits it too."""
    require_writer(actor, _refusal(), [draft.authority_id])
    colleague = selectors.colleagues(actor).filter(pk=user_id).first()
    if colleague is None:
        raise ValidationError({"user": [_("Share a draft only with a colleague of your authority.")]})
    share, created = DraftShare.objects.get_or_create(
        draft=draft, user=colleague, defaults={"shared_by": actor, "shared_at": timezone.now()}
    )
    if created:
        audit(actor=actor, action=AuditAction.DRAFT_SHARE, obj=draft, detail={"user": str(colleague.pk)})
    return share


@transaction.atomic
def draft_delete(*, actor: User, draft: Draft) -> None:
    require_writer(actor, _refusal(), [draft.authority_id])
    _require_open(draft)
    audit(actor=actor, action=AuditAction.DRAFT_DELETE, obj=draft, detail={"type": draft.type})
    draft.delete()


# Files a draft may enclose: a request's annexes, not an archive.
MAX_FILES = 20


@transaction.atomic
def draft_attach(*, actor: User, draft: Draft, upload: FileInput, title: str = "") -> DraftAttachment:
    """Enclose a file with the draft (its type read from its bytes, at most
    COMITY_ATTACHMENT_MAX_BYTES, MAX_FILES a draft); `title` is how the annex names it."""
    require_writer(actor, _refusal(), [draft.authority_id])
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    _require_open(draft)
    errors = FieldErrors()
    title = title.strip()
    if problem := too_long(DraftAttachment, "title", title):
        errors.add("title", problem)
    checked = checked_file(upload, settings.COMITY_ATTACHMENT_MAX_BYTES)
    if isinstance(checked, str):
        errors.add("file", checked)
    elif draft.files.count() >= MAX_FILES:
        errors.add(
            "file",
            ngettext(
                "A draft encloses at most %(most)d file.",
                "A draft encloses at most %(most)d files.",
                MAX_FILES,
            )
            % {"most": MAX_FILES},
        )
    errors.raise_if_any()
    assert not isinstance(checked, str)
    now = timezone.now()
    attachment = DraftAttachment.objects.create(
        draft=draft,
        title=title,
        file_name=checked.name,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        content=checked.content,
        added_at=now,
        added_by=actor,
    )
    draft.updated_at = now
    draft.save(update_fields=["updated_at"])
    # The file's kind and size, never its name or title (they may name a person).
    audit(
        actor=actor,
        action=AuditAction.DRAFT_ATTACH,
        obj=draft,
        detail={"file": str(attachment.pk), "type": checked.kind, "size": str(attachment.size)},
    )
    return attachment


@transaction.atomic
def draft_detach(*, actor: User, draft: Draft, attachment_id: int) -> None:
    """Remove a file enclosed with the draft."""
    require_writer(actor, _refusal(), [draft.authority_id])
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    _require_open(draft)
    attachment = draft.files.filter(pk=attachment_id).first()
    if attachment is None:
        raise ValidationError({"file": [_("This draft encloses no such file.")]})
    attachment.delete()
    draft.updated_at = timezone.now()
    draft.save(update_fields=["updated_at"])
    audit(actor=actor, action=AuditAction.DRAFT_DETACH, obj=draft, detail={"file": str(attachment_id)})


def _summary(draft: Draft) -> str:
    """The request's summary: the facts, then what the draft asks of each measure."""
    lines = [draft.facts]
    for measure, values in draft.elements.items():
        if measure in draft.measures:
            lines += [f"{measure} / {code}: {text}" for code, text in values.items() if text]
    return "\n".join(lines)[: Request._meta.get_field("summary").max_length]


@transaction.atomic
def draft_register(*, actor: User, draft: Draft) -> Request:
    """Register the draft as a request sent today, from the actor's authority to the requested
    authority chosen (else the first the finder gives for the State), linked to the draft. A
    draft the check finds incomplete is refused with what blocks it."""
    require_writer(actor, _refusal(), [draft.authority_id])
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.request_id is not None:
        raise ValidationError(
            {"": [_("This draft is already registered as request %(id)d.") % {"id": draft.request_id}]}
        )
    result = selectors.draft_check(actor, draft)
    errors = FieldErrors()
    for item in result.items:
        if item.severity == "blocking":
            errors.add(item.field, item.reason)
    errors.raise_if_any()
    requested: Authority | None = draft.requested_authority or selectors.finders_first(actor, draft)
    if requested is None:
        raise ValidationError(
            {
                "requested_authority": [
                    _("No authority of the requested State is known: add it to the directory first.")
                ]
            }
        )
    assert actor.authority is not None
    request = cooperation.request_create(
        actor=actor,
        requesting_authority=actor.authority,
        requested_authority=requested,
        type=REQUEST_TYPE[DraftType(draft.type)] or RequestType.MLA,
        legal_basis=draft.legal_basis,
        proceeding=draft.proceeding,
        offences=draft.offences,
        measures=draft.measures,
        subjects=[
            cooperation.SubjectInput(
                kind=person["kind"],
                name=person["name"],
                identifiers=person["identifiers"],
                country=person["country"],
            )
            for person in draft.persons
        ],
        summary=_summary(draft),
        urgent=draft.urgent,
        urgency_reason=draft.urgency_reason[:500],
        confidential=draft.confidential,
        sent_on=timezone.localdate(),
        # They stay with the draft here, and travel with the request to a peer's authority.
        documents=[
            cooperation.DocumentInput(name=f.file_name, content=bytes(f.content), title=f.title)
            for f in draft.files.order_by("pk")
        ],
    )
    draft.request = request
    draft.requested_authority = requested
    draft.status = DraftStatus.REGISTERED
    draft.updated_at = timezone.now()
    draft.save()
    audit(actor=actor, action=AuditAction.DRAFT_REGISTER, obj=draft, detail={"request": str(request.pk)})
    return request
