"""What a `request.new` carries of a request beyond its codes and texts (#25 item 2): its subjects,
with who may know their names, and the documents enclosed with it, both ways: read from a request
at the sender, turned back into the services' input at the recipient; and the files of a
consultation's message, the same way. No writes here:
cooperation's request_create writes the subjects and federation's services the documents, in the
transaction that creates the request."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A module, not its names: cooperation's services import federation's while they load.
from comity.cooperation import services as cooperation
from comity.cooperation.models import Request
from comity.core.files import CheckedFile, FileInput, checked_file
from comity.drafting.models import DraftAttachment
from comity.federation.packages import Part
from comity.network.models import ConsultationMessage


def subjects_of(request: Request) -> list[dict[str, str]]:
    """The request's subjects as a `request.new` body carries them (schemas.SubjectBody). The
    recipient is a party to the request: it may know the names, under the same `names_visible_to`
    the sender set, which travels with them."""
    return [
        {"kind": s.kind, "name": s.name, "identifiers": s.identifiers, "country": s.country}
        for s in request.subjects.all()
    ]


def subject_inputs(body: Mapping[str, Any]) -> Sequence["cooperation.SubjectInput"]:
    """A received body's subjects, for cooperation.services.request_create."""
    return [
        cooperation.SubjectInput(
            kind=s["kind"], name=s["name"], identifiers=s.get("identifiers", ""), country=s.get("country", "")
        )
        for s in body.get("subjects", [])
    ]


def document_parts(
    documents: Sequence["cooperation.DocumentInput"],
) -> tuple[list[dict[str, str]], list[Part]]:
    """The body's `documents` entries and the package's parts that hold their bytes, one each,
    typed as their bytes say (the upload that stored them checked them already)."""
    entries, parts = [], []
    for position, document in enumerate(documents, start=1):
        checked = checked_file(
            FileInput(document.name, document.content), settings.COMITY_ATTACHMENT_MAX_BYTES
        )
        if isinstance(checked, str):
            raise ValidationError({"documents": [checked]})
        part = f"document-{position}"
        parts.append(Part(part, checked.content_type, checked.content))
        entries.append({"part": part, "file_name": checked.name, "title": document.title})
    return entries, parts


def received_files(
    manifest: Mapping[str, Any],
    entries: Sequence[Mapping[str, Any]],
    parts: Mapping[str, bytes],
    *,
    field: str,
) -> list[tuple[Mapping[str, Any], CheckedFile]]:
    """Each file a received body names (`entries`: a request's documents, a consultation message's
    attachments) with its part, checked as an upload here is (type read from its bytes and the one
    the manifest states, at most COMITY_ATTACHMENT_MAX_BYTES); every part but the body is a file
    the body names, once. ValidationError on `field` otherwise: the whole message is refused (the
    sizes and digests were checked against the signed manifest before the body was read)."""
    declared = {digest["name"]: digest["media_type"] for digest in manifest["parts"]}
    named = [entry["part"] for entry in entries]
    if "body" in named or len(set(named)) != len(named) or set(named) != set(parts) - {"body"}:
        raise ValidationError({field: [_("The documents do not match the parts of the package.")]})
    found = []
    for entry in entries:
        checked = checked_file(
            FileInput(entry["file_name"], parts[entry["part"]]), settings.COMITY_ATTACHMENT_MAX_BYTES
        )
        if isinstance(checked, str):
            raise ValidationError({field: [checked]})
        if checked.content_type != declared[entry["part"]]:
            raise ValidationError({field: [_("A document is not of the type its package states.")]})
        found.append((entry, checked))
    return found


def attachment_parts(message: ConsultationMessage) -> tuple[list[dict[str, str]], list[Part]]:
    """A consultation message's files as a `consultation.message` body names them, and the parts
    that hold their bytes, one each (the upload that stored them checked their type and size)."""
    entries, parts = [], []
    for position, attachment in enumerate(message.attachments.order_by("pk"), start=1):
        part = f"attachment-{position}"
        parts.append(Part(part, attachment.content_type, bytes(attachment.content)))
        entries.append({"part": part, "file_name": attachment.name})
    return entries, parts


def sent_attachment_parts(body: Mapping[str, Any]) -> list[Part]:
    """The file parts of a `consultation.message` this deployment sent, rebuilt to seal it again
    (a retry after the window) from the message's attachments, which are never changed.
    ValidationError if they no longer give what the body names."""
    post = body.get("message") or {}
    if not post.get("attachments"):
        return []
    message = ConsultationMessage.objects.filter(pk=post["id"]).first()
    entries, parts = attachment_parts(message) if message else ([], [])
    if entries != post["attachments"]:
        raise ValidationError({"attachments": [_("The files of this message are no longer all here.")]})
    return parts


def sent_document_parts(request: Request | None, body: Mapping[str, Any]) -> list[Part]:
    """The document parts of a `request.new` this deployment sent, rebuilt to seal it again (a
    retry after the window): from the files of the draft the request was registered from, which a
    registered draft keeps unchanged. ValidationError if they no longer give what the body names."""
    if not body.get("documents"):
        return []
    files = DraftAttachment.objects.filter(draft__request=request).order_by("pk") if request else []
    entries, parts = document_parts(
        [cooperation.DocumentInput(name=f.file_name, content=bytes(f.content), title=f.title) for f in files]
    )
    if entries != body["documents"]:
        raise ValidationError({"documents": [_("The documents of this request are no longer all here.")]})
    return parts
