"""Writes on cooperation requests. Each is atomic and audited in its own transaction; a
request's status, dates and outcome change only by folding a new event into its timeline."""

import datetime
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.accounts.models import Authority, User
from comity.cooperation.choices import EventKind, NamesVisibleTo, SubjectKind
from comity.cooperation.models import (
    BarrierRecord,
    Event,
    Request,
    RequestBarrier,
    RequestMeasure,
    RequestOffence,
    RequestRefusalGround,
    RequestShare,
    Subject,
)
from comity.cooperation.selectors import may_see_subject_names
from comity.cooperation.statemachine import (
    NEUTRAL_EVENTS,
    EventRow,
    SharedEvent,
    Timeline,
    TransitionError,
    apply,
    check_date,
    check_grounds,
    corrected,
    fold_shared,
    replay,
)
from comity.core import messages
from comity.core.bulk import db_adapter, insert_rows, reserve_ids
from comity.core.choices import AuditAction
from comity.core.errors import FieldErrors
from comity.core.limits import check_lengths
from comity.core.policy import require_writer
from comity.core.services import audit
from comity.federation import events as federation_events
from comity.federation import services as federation
from comity.reference.choices import (
    Barrier,
    LegalBasis,
    Measure,
    Offence,
    Proceeding,
    RefusalGround,
    RequestType,
)


@dataclass(frozen=True)
class SubjectInput:
    kind: str
    name: str
    identifiers: str = ""
    country: str = ""


@dataclass(frozen=True)
class DocumentInput:
    """A file enclosed with a request as it is registered (a draft's files): kept by the draft it
    came from, it travels with the request to an authority hosted by a peer deployment."""

    name: str
    content: bytes
    title: str = ""


# Fields of a request that its parties may edit; the rest follows from the timeline.
EDITABLE_FIELDS = (
    "type",
    "legal_basis",
    "proceeding",
    "summary",
    "urgent",
    "urgency_reason",
    "confidential",
    "names_visible_to",
    "requesting_reference",
    "requested_reference",
)
CHANGEABLE_FIELDS = frozenset({*EDITABLE_FIELDS, "measures", "offences", "subjects"})
# What the timeline decides: changed by recording an event (or correcting one), never directly.
TIMELINE_FIELDS = frozenset(
    {
        "status",
        "sent_on",
        "received_on",
        "acknowledged_on",
        "closed_on",
        "outcome",
        "refusal_grounds",
        "due_on",
    }
)


def _unchangeable_message(name: str) -> str:
    if name in TIMELINE_FIELDS:
        return _(
            "This follows from the request's timeline: record an event, or a correction of an "
            "event's date, to change it."
        )
    known = {field.name for field in Request._meta.get_fields()} | {"id", "direction", "overdue"}
    if name in known:
        return _("This field cannot be changed once the request is registered.")
    return _("Unknown field; the fields that may be changed are %(fields)s.") % {
        "fields": ", ".join(sorted(CHANGEABLE_FIELDS))
    }


SINGLE_CODES: dict[str, type[TextChoices]] = {
    "type": RequestType,
    "legal_basis": LegalBasis,
    "proceeding": Proceeding,
    "names_visible_to": NamesVisibleTo,
}
LIST_CODES: dict[str, type[TextChoices]] = {"measures": Measure, "offences": Offence}
DATE_EVENTS = (
    ("sent_on", EventKind.SENT),
    ("received_on", EventKind.RECEIVED),
    ("acknowledged_on", EventKind.ACKNOWLEDGED),
)


def _check_codes(errors: FieldErrors, data: Mapping[str, Any]) -> None:
    for name, choices in SINGLE_CODES.items():
        if name in data and data[name] not in choices.values:
            errors.add(name, messages.unknown_code(data[name], choices.values))
    for name, choices in LIST_CODES.items():
        for value in data.get(name) or ():
            if value not in choices.values:
                errors.add(name, messages.unknown_code(value, choices.values))
    if "offences" in data and not data["offences"]:
        errors.add("offences", _("Name at least one offence."))
    if data.get("urgent") and not (data.get("urgency_reason") or "").strip():
        errors.add("urgency_reason", _("An urgent request states the reason for urgency."))


# A request's texts, each as long as its field allows (see core.limits).
REQUEST_TEXTS = ("requesting_reference", "requested_reference", "summary", "urgency_reason")


def _check_texts(errors: FieldErrors, data: Mapping[str, Any]) -> None:
    check_lengths(errors, Request, {name: _stripped(data[name]) for name in REQUEST_TEXTS if name in data})


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _check_subjects(errors: FieldErrors, subjects: Sequence[SubjectInput]) -> None:
    for position, subject in enumerate(subjects, start=1):
        check_lengths(
            errors,
            Subject,
            {"name": subject.name.strip(), "identifiers": subject.identifiers.strip()},
            under="subjects",
            prefix=_("Subject %(n)d: ") % {"n": position},
        )
        if subject.kind not in SubjectKind.values:
            errors.add(
                "subjects",
                _("Subject %(n)d: ") % {"n": position}
                + messages.unknown_code(subject.kind, SubjectKind.values),
            )
        prefix = _("Subject %(n)d: ") % {"n": position}
        if not subject.name.strip():
            errors.add("subjects", prefix + messages.required())
        errors.country("subjects", subject.country, required=False, prefix=prefix)


def _require_party(actor: User, parties: Iterable[int | None]) -> int:
    """The actor's authority id, if the actor may write for one of the parties."""
    return require_writer(
        actor, _("Only officers and heads of the two parties may change this request."), parties
    )


def _not_a_party_message(authority: Authority) -> str:
    return _("%(name)s (%(kind)s) cannot be a party to a request, nor be shown one.") % {
        "name": authority.name,
        "kind": authority.get_kind_display(),
    }


def due_date(*, request_type: str, urgent: bool, start: datetime.date) -> datetime.date:
    days = settings.COMITY_URGENT_TARGET_DAYS if urgent else settings.COMITY_TARGET_DAYS[request_type]
    return start + datetime.timedelta(days=days)


def timeline_fields(
    timeline: Timeline, *, request_type: str, urgent: bool, created_on: datetime.date
) -> dict[str, Any]:
    """What the timeline says (status, dates, outcome, target date), as the request's fields."""
    start = timeline.received_on or timeline.sent_on or created_on
    return {
        "status": timeline.status or "",
        "sent_on": timeline.sent_on,
        "received_on": timeline.received_on,
        "acknowledged_on": timeline.acknowledged_on,
        "closed_on": timeline.closed_on,
        "outcome": timeline.outcome,
        "is_open": not timeline.is_final,
        "due_on": due_date(request_type=request_type, urgent=urgent, start=start),
    }


def store_timeline(request: Request, timeline: Timeline) -> None:
    """Copy what the timeline says onto the request."""
    fields = timeline_fields(
        timeline, request_type=request.type, urgent=request.urgent, created_on=request.created_at.date()
    )
    for name, value in fields.items():
        setattr(request, name, value)


CodeRow = RequestOffence | RequestMeasure | RequestRefusalGround


def _replace_codes(
    request: Request, model: type[CodeRow], codes: Iterable[str], *, new: bool = False
) -> None:
    """The request's codes become `codes`; a request just created (`new`) has none to delete."""
    manager = model._default_manager
    if not new:
        manager.filter(request=request).delete()
    rows: list = [model(request=request, code=code) for code in dict.fromkeys(codes)]
    manager.bulk_create(rows)


def _replace_subjects(request: Request, subjects: Sequence[SubjectInput], *, new: bool = False) -> None:
    if not new:
        request.subjects.all().delete()
    Subject.objects.bulk_create(
        [
            Subject(
                request=request,
                kind=s.kind,
                name=s.name.strip(),
                identifiers=s.identifiers.strip(),
                country=s.country.upper(),
            )
            for s in subjects
        ]
    )


def _check_own_references(request: Request, *, writer: int, fields: Iterable[str]) -> None:
    """An authority's own reference is unique across all its requests. Checked when that authority
    writes it, against its own requests (all of which it sees): the database holds a reference
    unique between two parties only, so that a side recording the other's reference learns
    nothing from a refusal about the other's requests with third parties."""
    errors = FieldErrors()
    for field, side in (
        ("requesting_reference", "requesting_authority_id"),
        ("requested_reference", "requested_authority_id"),
    ):
        reference = getattr(request, field)
        if field not in fields or not reference or getattr(request, side) != writer:
            continue
        # One writer of the authority at a time takes a number (SQLite serialises writes anyway).
        list(Authority.objects.select_for_update().filter(pk=writer).values_list("pk"))
        if Request.objects.filter(**{side: writer, field: reference}).exclude(pk=request.pk).exists():
            errors[field] = [_("Your authority already has a request with this reference.")]
    if errors:
        raise ValidationError(errors)


def _save(request: Request) -> None:
    """Save after model validation, so a broken constraint is a message on a field, not a 500."""
    try:
        request.full_clean(exclude=["created_by"])
        request.save()
    except IntegrityError as error:  # a concurrent write won the unique reference
        raise ValidationError(_("This reference was just taken by another request.")) from error


@transaction.atomic
def request_create(
    *,
    actor: User,
    requesting_authority: Authority,
    requested_authority: Authority,
    type: str,
    legal_basis: str,
    proceeding: str,
    offences: Sequence[str],
    measures: Sequence[str] = (),
    subjects: Sequence[SubjectInput] = (),
    summary: str = "",
    urgent: bool = False,
    urgency_reason: str = "",
    confidential: bool = False,
    names_visible_to: str = NamesVisibleTo.OFFICERS,
    requesting_reference: str = "",
    requested_reference: str = "",
    sent_on: datetime.date | None = None,
    received_on: datetime.date | None = None,
    acknowledged_on: datetime.date | None = None,
    shared_with: Sequence[Authority] = (),
    documents: Sequence[DocumentInput] = (),
) -> Request:
    side = _require_party(actor, (requesting_authority.pk, requested_authority.pk))
    fields = {
        "type": type,
        "legal_basis": legal_basis,
        "proceeding": proceeding,
        "offences": offences,
        "measures": measures,
        "urgent": urgent,
        "urgency_reason": urgency_reason,
        "names_visible_to": names_visible_to,
    }
    errors = FieldErrors()
    _check_codes(errors, fields)
    _check_texts(
        errors,
        {
            "requesting_reference": requesting_reference,
            "requested_reference": requested_reference,
            "summary": summary,
            "urgency_reason": urgency_reason,
        },
    )
    _check_subjects(errors, subjects)
    if requesting_authority.pk == requested_authority.pk:
        errors.add("requested_authority", _("The requested authority must differ from the requesting one."))
    for name, authority in (
        ("requesting_authority", requesting_authority),
        ("requested_authority", requested_authority),
    ):
        if not authority.can_be_party:
            errors.add(name, _not_a_party_message(authority))
    for authority in shared_with:
        if not authority.can_be_party:
            errors.add("shared_with", _not_a_party_message(authority))

    today = timezone.localdate()
    given = {"sent_on": sent_on, "received_on": received_on, "acknowledged_on": acknowledged_on}
    # A request registered after the fact was created no later than its first recorded date.
    created_on = min([day for day in given.values() if day] + [today])
    timeline = apply(Timeline(), EventKind.CREATED, created_on)
    dated_events = []
    for field, kind in DATE_EVENTS:
        day = given[field]
        if day is None:
            continue
        try:
            timeline = apply(timeline, kind, day, today=today)
            dated_events.append((kind, day))
        except TransitionError as error:
            errors.add(field, error.message)
    if errors:
        raise ValidationError(errors)

    request = Request(
        requesting_authority=requesting_authority,
        requested_authority=requested_authority,
        requesting_country=requesting_authority.country,
        requested_country=requested_authority.country,
        type=type,
        legal_basis=legal_basis,
        proceeding=proceeding,
        summary=summary.strip(),
        urgent=urgent,
        urgency_reason=urgency_reason.strip() if urgent else "",
        confidential=confidential,
        names_visible_to=names_visible_to,
        requesting_reference=requesting_reference.strip(),
        requested_reference=requested_reference.strip(),
        created_by=actor,
        created_at=timezone.now(),
    )
    store_timeline(request, timeline)
    _check_own_references(request, writer=side, fields=("requesting_reference", "requested_reference"))
    _save(request)
    _replace_codes(request, RequestOffence, offences, new=True)
    _replace_codes(request, RequestMeasure, measures, new=True)
    _replace_subjects(request, subjects, new=True)
    Event.objects.bulk_create(
        [
            Event(
                request=request,
                kind=EventKind.CREATED,
                occurred_on=created_on,
                actor=actor,
                authority_id=side,
            )
        ]
        + [
            Event(request=request, kind=kind, occurred_on=day, actor=actor, authority_id=side)
            for kind, day in dated_events
        ]
    )
    for authority in shared_with:
        RequestShare.objects.create(request=request, authority=authority, shared_by=actor)
    audit(
        actor=actor, action=AuditAction.REQUEST_CREATE, obj=request, fields=[*fields, "subjects", "summary"]
    )
    federation.request_forward(
        actor=actor, request=request, offences=offences, measures=measures, documents=documents
    )
    return request


@transaction.atomic
def request_update(
    *,
    actor: User,
    request: Request,
    changes: Mapping[str, Any],
) -> Request:
    """Change the editable fields named in `changes` (plus `measures`, `offences`, `subjects`)."""
    request = Request.objects.select_for_update().get(pk=request.pk)
    side = _require_party(actor, (request.requesting_authority_id, request.requested_authority_id))
    unknown = set(changes) - CHANGEABLE_FIELDS
    if unknown:
        raise ValidationError({name: [_unchangeable_message(name)] for name in sorted(unknown)})
    merged = {name: getattr(request, name) for name in ("urgent", "urgency_reason")} | dict(changes)
    errors = FieldErrors()
    _check_codes(errors, merged)
    _check_texts(errors, changes)
    _check_subjects(errors, changes.get("subjects") or ())
    old_level = confidentiality_level(request.confidential, request.names_visible_to)
    new_level = confidentiality_level(
        changes.get("confidential", request.confidential),
        changes.get("names_visible_to", request.names_visible_to),
    )
    _check_confidentiality_change(errors, actor, request, changes, old_level, new_level)
    if "subjects" in changes and not may_see_subject_names(actor, request):
        # The names are hidden from this user (null in the API): replacing them blind would
        # destroy what the user may not even read.
        errors.add(
            "subjects",
            _(
                "The subjects' names of this confidential request are hidden from your role, so it may not change them."
            ),
        )
    if errors:
        raise ValidationError(errors)

    changed = [
        name for name in EDITABLE_FIELDS if name in changes and getattr(request, name) != changes[name]
    ]
    for name in changed:
        value = changes[name]
        setattr(request, name, value.strip() if isinstance(value, str) else value)
    if not request.urgent:
        request.urgency_reason = ""
    store_timeline(request, _timeline_of(request))
    _check_own_references(request, writer=side, fields=changed)
    _save(request)
    for name, model in (("offences", RequestOffence), ("measures", RequestMeasure)):
        if name in changes:
            _replace_codes(request, model, changes[name])
            changed.append(name)
    if "subjects" in changes:
        _replace_subjects(request, changes["subjects"])
        changed.append("subjects")
    audit(actor=actor, action=AuditAction.REQUEST_UPDATE, obj=request, fields=changed)
    if new_level != old_level:
        # The levels are codes, not content: an auditor sees who lowered or raised it, and from what.
        audit(
            actor=actor,
            action=AuditAction.REQUEST_CONFIDENTIALITY,
            obj=request,
            fields=["confidential", "names_visible_to"],
            detail={"from": old_level, "to": new_level},
        )
    return request


# How far a request's subjects' names are restricted, from least to most.
CONFIDENTIALITY_LEVELS = ("none", NamesVisibleTo.OFFICERS.value, NamesVisibleTo.HEADS.value)


def confidentiality_level(confidential: bool, names_visible_to: str) -> str:
    """`none` for a request that is not confidential, else who may know its subjects' names."""
    return str(names_visible_to) if confidential else "none"


def confidentiality_keeper(request: Request) -> int:
    """The authority that sets a request's confidentiality: the requesting State's, whose
    requirements the requested State must respect (004 §47); the requested one only when the
    requesting authority is external (known by name, it has nobody in Comity to set it)."""
    if Authority.objects.filter(pk=request.requesting_authority_id, external=True).exists():
        return request.requested_authority_id
    return request.requesting_authority_id


def _check_confidentiality_change(
    errors: FieldErrors,
    actor: User,
    request: Request,
    changes: Mapping[str, Any],
    old_level: str,
    new_level: str,
) -> None:
    changed = [
        name
        for name in ("confidential", "names_visible_to")
        if name in changes and changes[name] != getattr(request, name)
    ]
    if not changed:
        return
    if actor.authority_id != confidentiality_keeper(request):
        for name in changed:
            errors.add(name, _("Only the requesting authority sets the confidentiality of its request."))
        return
    if (
        CONFIDENTIALITY_LEVELS.index(new_level) < CONFIDENTIALITY_LEVELS.index(old_level)
        and not actor.is_head
    ):
        for name in changed:
            errors.add(name, _("Only a head of unit may lower the confidentiality of a request."))


# What a fold reads of an event: `EventRow`, then its origin deployment, its id there and the id
# of the other side's last event its origin had (ADR 11; blank and null for this side's events).
FoldRow = tuple[int, str, datetime.date, Iterable[str], int | None, str, int | None, int | None]
FOLD_COLUMNS = (
    "id",
    "kind",
    "occurred_on",
    "refusal_grounds",
    "corrects_id",
    "origin_deployment",
    "origin_event_id",
    "after_event_id",
)


@dataclass(frozen=True)
class EventOrigin:
    """A shared event a peer deployment recorded first (ADR 11): the peer's name, the event's id
    there, and the id here of the last of our events the peer had when recording it."""

    deployment: str
    event_id: int
    after: int | None = None


def _fold_rows(request: Request) -> list[FoldRow]:
    return list(request.events.values_list(*FOLD_COLUMNS))


def _fold_row(event: Event) -> FoldRow:
    """An event as `_fold_rows` reads it."""
    return (
        event.pk,
        event.kind,
        event.occurred_on,
        event.refusal_grounds,
        event.corrects_id,
        event.origin_deployment,
        event.origin_event_id,
        event.after_event_id,
    )


def _shared(rows: Sequence[FoldRow]) -> bool:
    """Whether the timeline holds a peer's event: it is then folded by ADR 11's shared rule."""
    return any(row[6] is not None for row in rows)


def _fold(rows: Sequence[FoldRow]) -> tuple[Timeline, frozenset[int]]:
    """The timeline the events say, and the ids of those that conflict: a timeline of this
    deployment alone is folded in the order it was recorded, every event checked when it was; one
    shared with a peer by `statemachine.fold_shared`, the same at both ends."""
    if not _shared(rows):
        return replay(corrected([row[:5] for row in rows])), frozenset()
    own = federation_events.own_deployment()
    return fold_shared(
        SharedEvent(
            pk, kind, day, tuple(grounds), origin or own, pk if origin_id is None else origin_id, after, fixes
        )
        for pk, kind, day, grounds, fixes, origin, origin_id, after in rows
    )


def _timeline_of(request: Request) -> Timeline:
    return _fold(_fold_rows(request))[0]


@transaction.atomic
def event_record(
    *,
    actor: User,
    request: Request,
    kind: str,
    occurred_on: datetime.date,
    text: str = "",
    refusal_grounds: Sequence[str] = (),
    internal: bool = False,
    corrects: int | None = None,
    origin: EventOrigin | None = None,
) -> Event:
    """Append one event to the timeline, if the request's life allows it.

    A correction (`kind` "correction") names the earlier event it `corrects` and gives its right
    date as `occurred_on`, and why in `text`: the timeline is folded again with that date, and
    must still hold (in date order, nothing received before it was sent...).

    An event a peer deployment recorded on a request shared with it comes with its `origin`
    (federation applies it, as the system actor of the peer's authority): it is recorded once per
    origin, and its place in the shared fold decides whether it conflicts with ours (ADR 11).
    """
    # Lock the request so that two concurrent events are folded one after the other.
    request = Request.objects.select_for_update().get(pk=request.pk)
    side = _require_party(actor, (request.requesting_authority_id, request.requested_authority_id))
    rows = _fold_rows(request)
    if origin is not None:
        known = [row[0] for row in rows if (row[5], row[6]) == (origin.deployment, origin.event_id)]
        if known:
            return Event.objects.get(pk=known[0])
    errors = FieldErrors()
    for ground in refusal_grounds:
        if ground not in RefusalGround.values:
            errors.add("refusal_grounds", messages.unknown_code(ground, RefusalGround.values))
    if internal and kind != EventKind.NOTE:
        errors.add("internal", _("Only a note can be internal."))
    check_lengths(errors, Event, {"text": text.strip()})
    if kind == EventKind.CORRECTION and origin is not None:
        _check_peer_correction(errors, rows, corrects)
    elif kind == EventKind.CORRECTION:
        _check_correction(errors, request, side, [row[:5] for row in rows], corrects, occurred_on, text)
    elif corrects is not None:
        errors.add("corrects", _("Only a correction names an event to correct."))
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    shared = origin is not None or _shared(rows)
    try:
        if origin is not None:
            _check_peer_event(kind, occurred_on, refusal_grounds, today)
        elif kind == EventKind.CORRECTION and shared:
            check_date(occurred_on, today)
            _check_shared_correction(rows, corrects, occurred_on)
        elif kind == EventKind.CORRECTION:
            check_date(occurred_on, today)
            timeline = _corrected_timeline([row[:5] for row in rows], corrects, occurred_on)
        else:
            timeline = apply(
                _fold(rows)[0],
                kind,
                occurred_on,
                by_head=actor.is_head,
                refusal_grounds=refusal_grounds,
                today=today,
            )
    except TransitionError as error:
        raise ValidationError({error.field: [error.message]}) from error

    if origin is not None:
        after = origin.after
    elif shared:
        # What this side had of the other's events when recording it: the shared fold puts it after them.
        after = max((row[6] for row in rows if row[6] is not None), default=None)
    else:
        after = None
    event = Event.objects.create(
        request=request,
        kind=kind,
        occurred_on=occurred_on,
        actor=actor,
        authority_id=side,
        text=text.strip(),
        refusal_grounds=list(dict.fromkeys(refusal_grounds)),
        internal=internal,
        corrects_id=corrects if kind == EventKind.CORRECTION else None,
        origin_deployment=origin.deployment if origin else "",
        origin_event_id=origin.event_id if origin else None,
        after_event_id=after,
    )
    if kind != EventKind.NOTE:
        if shared and (origin is not None or kind == EventKind.CORRECTION):
            # A peer's event, or a new date, may fall anywhere in the shared order: fold it all
            # again (the rows read under the request's lock, and the event just written).
            timeline, conflicts = _fold([*rows, _fold_row(event)])
            _mark_conflicts(request, conflicts)
        store_timeline(request, timeline)
        request.save()
        _replace_codes(request, RequestRefusalGround, timeline.refusal_grounds)
    audit(
        actor=actor, action=AuditAction.REQUEST_EVENT, obj=request, fields=["events"], detail={"kind": kind}
    )
    federation_events.forward(actor=actor, request=request, event=event)
    return event


def _check_peer_event(
    kind: str, occurred_on: datetime.date, refusal_grounds: Sequence[str], today: datetime.date
) -> None:
    """What a peer's event must be wherever the shared fold puts it. Its deployment checked it
    against its own timeline when it was recorded, a reopening included (only a head reopens
    there, as here): the system actor applying it is never asked to be a head (ADR 11)."""
    if kind in (EventKind.CREATED, EventKind.NOTE) or kind not in EventKind.values:
        raise TransitionError(
            messages.unknown_code(kind, sorted(set(EventKind.values) - {"created", "note"}))
        )
    # The peer's today may already be tomorrow here (time zones).
    check_date(occurred_on, today + datetime.timedelta(days=1))
    check_grounds(kind, tuple(refusal_grounds))


def _check_peer_correction(errors: FieldErrors, rows: Sequence[FoldRow], corrects: int | None) -> None:
    target = next((row for row in rows if row[0] == corrects), None)
    if target is None or target[1] in (EventKind.NOTE, EventKind.CORRECTION, EventKind.CREATED):
        errors.add("corrects", _("No event %(id)s in this request's timeline.") % {"id": corrects})


def _check_shared_correction(
    rows: Sequence[FoldRow], corrects: int | None, occurred_on: datetime.date
) -> None:
    """TransitionError unless the shared timeline holds with this correction as it held without:
    no event the fold accepted conflicts once the corrected event moves."""
    _timeline, before = _fold(rows)
    after = max((row[6] for row in rows if row[6] is not None), default=None)
    correction: FoldRow = (
        max(row[0] for row in rows) + 1,
        EventKind.CORRECTION,
        occurred_on,
        (),
        corrects,
        "",
        None,
        after,
    )
    _timeline, conflicts = _fold([*rows, correction])
    moved = sorted(conflicts - before)
    if moved:
        row = next(row for row in rows if row[0] == moved[0])
        reason = _("“%(event)s” of %(date)s could no longer follow the events before it.") % {
            "event": EventKind(row[1]).label,
            "date": row[2],
        }
        raise TransitionError(
            _("With this date the timeline would not hold: %(reason)s") % {"reason": reason}, "occurred_on"
        )


def _mark_conflicts(request: Request, conflicts: frozenset[int]) -> None:
    """Keep on each event whether the shared fold found it conflicting (the timeline shows it)."""
    request.events.filter(pk__in=conflicts, conflicting=False).update(conflicting=True)
    request.events.filter(conflicting=True).exclude(pk__in=conflicts).update(conflicting=False)


@transaction.atomic
def events_origin_link(
    *, request: Request, deployment: str, sent_event_id: int | None, sent_by: User
) -> None:
    """A request a peer sent us (federation's `request.new`, applied in its transaction and audited
    there) shares its timeline with the peer from its creation (ADR 11): its sent event is the
    peer's, named by the peer's id and recorded in the name of the requesting authority (`sent_by`,
    its system actor), as at the peer; the events recorded here at its creation follow it."""
    sent = request.events.filter(kind=EventKind.SENT)
    if sent_event_id is None:
        sent.update(authority_id=request.requesting_authority_id, actor=sent_by)
        return
    sent.update(
        origin_deployment=deployment,
        origin_event_id=sent_event_id,
        authority_id=request.requesting_authority_id,
        actor=sent_by,
    )
    request.events.exclude(kind__in=(EventKind.CREATED, EventKind.SENT)).update(after_event_id=sent_event_id)


def _check_correction(
    errors: FieldErrors,
    request: Request,
    side: int,
    rows: Sequence[EventRow],
    corrects: int | None,
    occurred_on: datetime.date,
    text: str,
) -> None:
    if not text.strip():
        errors.add("text", _("Say why the date is corrected."))
    if corrects is None:
        errors.add("corrects", _("Name the event whose date this corrects."))
        return
    # The other side's internal notes are not this side's to see, nor to correct.
    target = request.events.filter(pk=corrects).filter(Q(internal=False) | Q(authority_id=side)).first()
    if target is None:
        errors.add("corrects", _("No event %(id)s in this request's timeline.") % {"id": corrects})
        return
    if target.kind == EventKind.CORRECTION:
        errors.add("corrects", _("A correction is not corrected: correct the event it names again."))
        return
    if target.kind == EventKind.NOTE:
        # A note's date changes nothing the timeline says; and a correction, never internal,
        # would show the other side that an internal note exists.
        errors.add("corrects", _("A note is not corrected: write another note."))
        return
    current = dict(zip((row[0] for row in rows), (day for _kind, day, _g in corrected(rows)), strict=True))
    if current[target.pk] == occurred_on:
        errors.add("occurred_on", _("The event is already dated %(date)s.") % {"date": occurred_on})


def _corrected_timeline(
    rows: Sequence[EventRow], corrects: int | None, occurred_on: datetime.date
) -> Timeline:
    """The timeline with one more correction, or TransitionError (on `occurred_on`) saying why
    the timeline would not hold with that date."""
    correction: EventRow = (max(row[0] for row in rows) + 1, EventKind.CORRECTION, occurred_on, (), corrects)
    try:
        return replay(corrected([*rows, correction]))
    except TransitionError as error:
        reason = error.message
        # A request registered after the fact was created on its first date, so moving that date
        # earlier needs the creation's date moved first; the generic "before the previous event"
        # does not say which event stands in the way, nor that it can be corrected too.
        folded = list(zip(sorted(row[0] for row in rows), corrected(rows), strict=True))
        created_on = next(day for _pk, (kind, day, _g) in folded if kind == EventKind.CREATED)
        first = next(
            (pk for pk, (kind, _day, _g) in folded if kind not in (EventKind.CREATED, *NEUTRAL_EVENTS)), None
        )
        if corrects == first and occurred_on < created_on:
            reason = _(
                "nothing comes before the request's creation (%(created)s): correct the date of "
                "“Created” first, then this one."
            ) % {"created": created_on}
        raise TransitionError(
            _("With this date the timeline would not hold: %(reason)s") % {"reason": reason},
            "occurred_on",
        ) from error


@transaction.atomic
def request_share(*, actor: User, request: Request, authority: Authority) -> RequestShare:
    _require_party(actor, (request.requesting_authority_id, request.requested_authority_id))
    if authority.pk in (request.requesting_authority_id, request.requested_authority_id):
        raise ValidationError({"authority": [_("This authority is already a party to the request.")]})
    if not authority.can_be_party:
        raise ValidationError({"authority": [_not_a_party_message(authority)]})
    share, _created = RequestShare.objects.get_or_create(
        request=request, authority=authority, defaults={"shared_by": actor}
    )
    audit(actor=actor, action=AuditAction.REQUEST_SHARE, obj=request, fields=["shares"])
    return share


def check_barrier(
    errors: FieldErrors, model: type[BarrierRecord], code: str, on: datetime.date, note: str
) -> None:
    """What every barrier must be, on a request or an asset case: a code of the vocabulary, a day
    that has come, a bounded note."""
    errors.code("code", code, Barrier)
    errors.happened("on", on)
    errors.texts(model, {"note": note})


@transaction.atomic
def request_barrier_record(
    *, actor: User, request: Request, code: str, on: datetime.date, note: str = ""
) -> RequestBarrier:
    """A barrier one of the two parties met in the request (the note stays out of the audit)."""
    side = _require_party(actor, (request.requesting_authority_id, request.requested_authority_id))
    errors = FieldErrors()
    check_barrier(errors, RequestBarrier, code, on, note)
    errors.raise_if_any()
    barrier = RequestBarrier.objects.create(
        request=request, code=code, on=on, note=note.strip(), authority_id=side, recorded_by=actor
    )
    audit(actor=actor, action=AuditAction.REQUEST_BARRIER, obj=request, fields=["barriers"])
    return barrier


# Events recorded by the requested side; the others by the requesting side.
REQUESTED_SIDE_EVENTS = frozenset(
    {
        EventKind.RECEIVED,
        EventKind.ACKNOWLEDGED,
        EventKind.INFORMATION_REQUESTED,
        EventKind.EXECUTION_STARTED,
        EventKind.EXECUTED,
        EventKind.PARTIALLY_EXECUTED,
        EventKind.REFUSED,
        EventKind.POSTPONED,
    }
)


@dataclass
class BulkRequest:
    """A request whose timeline was already replayed through the state machine, to store in bulk.

    `fields` are the request's values by attribute name (`requesting_authority_id`...), with the
    timeline's (see `timeline_fields`); a field left out takes its default.
    """

    fields: dict[str, Any]
    events: Sequence[tuple[str, datetime.date, Sequence[str]]]
    offences: Sequence[str] = ()
    measures: Sequence[str] = ()
    subjects: Sequence[SubjectInput] = ()


REQUEST_FIELDS = [f for f in Request._meta.concrete_fields if not f.primary_key]
# Where a bulk row (id, then REQUEST_FIELDS) holds its requested authority.
REQUESTED_COLUMN = 1 + [f.attname for f in REQUEST_FIELDS].index("requested_authority_id")
EVENT_COLUMNS = (
    "request",
    "kind",
    "occurred_on",
    "recorded_at",
    "actor",
    "authority",
    "text",
    "refusal_grounds",
    "internal",
)


@dataclass
class BulkRows:
    """A batch of requests as the rows of each table, in the database's form, their ids given
    (`core.bulk.reserve_ids`): made by `bulk_rows` away from the database (an import makes them in
    the process that checks its file), stored by `bulk_insert`."""

    size: int
    requests: list[list[Any]]
    offences: list[tuple[int, str]]
    measures: list[tuple[int, str]]
    refusal_grounds: list[tuple[int, str]]
    events: list[tuple]


def bulk_rows(
    items: Sequence[BulkRequest], ids: Sequence[int], *, actor_id: int | None, now: datetime.datetime
) -> BulkRows:
    """The rows that store `items` under `ids`, recorded at `now` by the user `actor_id`. Reads
    nothing from the database."""
    adapt = db_adapter()
    defaults = [
        (
            f.attname,
            adapt(
                now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
            ),
        )
        for f in REQUEST_FIELDS
    ]
    # Dates and datetimes are the only values that need converting for the database.
    dated = [
        (i, name)
        for i, (f, (name, _d)) in enumerate(zip(REQUEST_FIELDS, defaults, strict=True))
        if isinstance(f, models.DateField)
    ]
    recorded_at = adapt(now)
    # The same dates come back row after row: each is converted once.
    converted: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if (done := converted.get(value)) is None:
            done = converted[value] = adapt(value)
        return done

    # A row's values in the columns' order, each its field or else its default, taken by map
    # (a generator over thirty-odd columns was the largest part of making the rows).
    names, default_values = [name for name, _d in defaults], [value for _n, value in defaults]
    rows = BulkRows(len(items), [], [], [], [], [])
    for pk, item in zip(ids, items, strict=True):
        fields = item.fields
        values = [pk, *map(fields.get, names, default_values)]
        for i, name in dated:
            if name in fields and values[i + 1] is not None:
                values[i + 1] = convert(values[i + 1])
        rows.requests.append(values)
        requesting, requested = fields["requesting_authority_id"], fields["requested_authority_id"]
        for kind, day, kind_grounds in item.events:
            side = requested if kind in REQUESTED_SIDE_EVENTS else requesting
            grounds = json.dumps(list(kind_grounds)) if kind_grounds else "[]"
            rows.events.append((pk, kind, convert(day), recorded_at, actor_id, side, "", grounds, False))
            if kind == EventKind.REFUSED and fields.get("outcome") == EventKind.REFUSED:
                rows.refusal_grounds.extend((pk, code) for code in kind_grounds)
        rows.offences.extend((pk, code) for code in item.offences)
        rows.measures.extend((pk, code) for code in item.measures)
    return rows


def bulk_insert(rows: BulkRows) -> None:
    """Store `bulk_rows`' rows; callers hold the transaction (and audit)."""
    insert_rows(Request, ["id", *(f.attname for f in REQUEST_FIELDS)], rows.requests)
    insert_rows(RequestOffence, ("request", "code"), rows.offences)
    insert_rows(RequestMeasure, ("request", "code"), rows.measures)
    insert_rows(RequestRefusalGround, ("request", "code"), rows.refusal_grounds)
    insert_rows(Event, EVENT_COLUMNS, rows.events)


@transaction.atomic
def requests_import(
    *,
    actor: User | None,
    authority: Authority,
    batches: Iterable[BulkRows],
    progress: Callable[[int], None] = lambda done: None,
) -> int:
    """Store an import's requests, batch by batch (`bulk_rows`), all or none, with one audit row
    for the import (the authority that imported, never the rows' content). Returns how many were
    stored."""
    created = 0
    federated = federation.federated_authorities()
    travelling: list[int] = []
    for batch in batches:
        bulk_insert(batch)
        created += batch.size
        if federated:
            travelling.extend(row[0] for row in batch.requests if row[REQUESTED_COLUMN] in federated)
        progress(created)
    audit(actor=actor, action=AuditAction.REQUEST_IMPORT, obj=authority, fields=["requests"])
    federation.requests_forward(actor=actor, ids=travelling)
    return created


@transaction.atomic
def bulk_register(items: Sequence[BulkRequest], *, actor: User | None = None) -> list[int]:
    """Store many requests with their timelines and codes in a handful of statements, whole or not
    at all: for the demo's load (an import makes its rows with `bulk_rows` and stores them with
    `requests_import`). Returns the new requests' ids, in the order of `items`.
    """
    ids = reserve_ids(Request, len(items))
    bulk_insert(bulk_rows(items, ids, actor_id=actor.pk if actor else None, now=timezone.now()))
    Subject.objects.bulk_create(
        [
            Subject(request_id=pk, kind=s.kind, name=s.name, identifiers=s.identifiers, country=s.country)
            for pk, item in zip(ids, items, strict=True)
            for s in item.subjects
        ],
        batch_size=5000,
    )
    return ids
