import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from comity.cooperation import services
from comity.cooperation.models import Event, Request, RequestRefusalGround, Subject
from comity.core.models import AuditEntry
from conftest import make_request

D = datetime.date


def counts():
    return (
        Request.objects.count(),
        Event.objects.count(),
        Subject.objects.count(),
        AuditEntry.objects.count(),
    )


def test_create_folds_given_dates_into_the_timeline_and_audits(peru, switzerland):
    request = make_request(peru, switzerland, sent_on=D(2025, 1, 10), received_on=D(2025, 1, 20))
    assert (request.status, request.sent_on, request.received_on) == (
        "received",
        D(2025, 1, 10),
        D(2025, 1, 20),
    )
    assert list(request.events.values_list("kind", "occurred_on")) == [
        ("created", D(2025, 1, 10)),
        ("sent", D(2025, 1, 10)),
        ("received", D(2025, 1, 20)),
    ]
    assert request.requesting_country == "PE" and request.requested_country == "CH"
    assert request.due_on == D(2025, 1, 20) + datetime.timedelta(days=120)
    entry = AuditEntry.objects.get(action="request.create")
    assert entry.actor == peru.officer and entry.object_id == str(request.pk)
    assert "Alberto" not in str(entry.fields)  # the audit names fields, never confidential values


def test_urgent_requests_have_a_shorter_target(peru, switzerland):
    request = make_request(peru, switzerland, urgent=True, urgency_reason="Funds about to move")
    assert request.due_on == D(2025, 3, 3) + datetime.timedelta(days=15)


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"type": "mutual-help"}, "type", "allowed: mla, extradition"),
        ({"offences": ["uncac-99"]}, "offences", "uncac-99"),
        ({"offences": []}, "offences", "at least one offence"),
        ({"measures": ["torture"]}, "measures", "allowed: bank-records"),
        ({"legal_basis": "friendship"}, "legal_basis", "reciprocity"),
        ({"urgent": True}, "urgency_reason", "reason for urgency"),
        ({"sent_on": D(2025, 2, 1), "received_on": D(2025, 1, 1)}, "received_on", "before it was sent"),
        ({"subjects": [services.SubjectInput(kind="robot", name="X")]}, "subjects", "Subject 1"),
        (
            {"requesting_reference": "R" * 101},
            "requesting_reference",
            "At most 100 characters; this has 101.",
        ),
        ({"summary": "s" * 10_001}, "summary", "At most 10000 characters; this has 10001."),
        ({"urgent": True, "urgency_reason": "u" * 501}, "urgency_reason", "At most 500 characters"),
        (
            {
                "subjects": [
                    services.SubjectInput(kind="natural", name="A"),
                    services.SubjectInput(kind="legal", name="n" * 301),
                ]
            },
            "subjects",
            "Subject 2: At most 300 characters; this has 301.",
        ),
        (
            {"subjects": [services.SubjectInput(kind="natural", name="A", identifiers="i" * 501)]},
            "subjects",
            "Subject 1: At most 500 characters",
        ),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(peru, switzerland, overrides, field, text):
    before = counts()
    with pytest.raises(ValidationError) as error:
        make_request(peru, switzerland, **overrides)
    assert field in error.value.message_dict
    assert text in " ".join(error.value.message_dict[field])
    assert counts() == before


def test_requested_authority_must_differ(peru):
    with pytest.raises(ValidationError) as error:
        make_request(peru, peru)
    assert "requested_authority" in error.value.message_dict


def test_duplicate_reference_is_a_field_error(peru, switzerland):
    make_request(peru, switzerland, requesting_reference="PE-1")
    before = counts()
    with pytest.raises(ValidationError, match="already has a request with this reference"):
        make_request(peru, switzerland, requesting_reference="PE-1")
    assert counts() == before


def test_only_officers_and_heads_of_a_party_write(peru, switzerland, nigeria, secretariat_user):
    for actor in (peru.viewer, nigeria.officer, secretariat_user):
        with pytest.raises(PermissionDenied):
            make_request(peru, switzerland, actor=actor)
    request = make_request(peru, switzerland)
    with pytest.raises(PermissionDenied):
        services.event_record(actor=nigeria.head, request=request, kind="note", occurred_on=D(2025, 3, 4))


def test_a_forbidden_event_leaves_the_request_as_it_was(peru, switzerland):
    request = make_request(peru, switzerland)
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.event_record(
            actor=switzerland.officer, request=request, kind="executed", occurred_on=D(2025, 3, 4)
        )
    assert "received yet" in error.value.message_dict["kind"][0]
    assert counts() == before
    request.refresh_from_db()
    assert request.status == "sent"


def test_refusal_stores_grounds_and_reopening_clears_them(peru, switzerland):
    request = make_request(peru, switzerland)
    services.event_record(
        actor=switzerland.officer, request=request, kind="received", occurred_on=D(2025, 3, 5)
    )
    services.event_record(
        actor=switzerland.officer,
        request=request,
        kind="refused",
        occurred_on=D(2025, 4, 1),
        refusal_grounds=["bank-secrecy", "dual-criminality"],
    )
    request.refresh_from_db()
    assert (request.status, request.outcome, request.closed_on, request.is_open) == (
        "refused",
        "refused",
        D(2025, 4, 1),
        False,
    )
    assert set(RequestRefusalGround.objects.filter(request=request).values_list("code", flat=True)) == {
        "bank-secrecy",
        "dual-criminality",
    }
    with pytest.raises(ValidationError, match="head of unit"):
        services.event_record(
            actor=switzerland.officer, request=request, kind="reopened", occurred_on=D(2025, 4, 2)
        )
    services.event_record(actor=switzerland.head, request=request, kind="reopened", occurred_on=D(2025, 4, 2))
    request.refresh_from_db()
    assert (request.status, request.outcome, request.is_open) == ("received", "", True)
    assert not RequestRefusalGround.objects.filter(request=request).exists()


def test_update_changes_fields_and_recomputes_the_target(peru, switzerland):
    request = make_request(peru, switzerland)
    services.request_update(
        actor=peru.head,
        request=request,
        changes={"type": "extradition", "offences": ["uncac-15", "uncac-17"], "summary": "New facts"},
    )
    request.refresh_from_db()
    assert request.type == "extradition" and request.summary == "New facts"
    assert request.due_on == D(2025, 3, 3) + datetime.timedelta(days=180)
    assert sorted(request.offence_rows.values_list("code", flat=True)) == ["uncac-15", "uncac-17"]
    entry = AuditEntry.objects.filter(action="request.update").get()
    assert entry.fields == ["offences", "summary", "type"]


def test_update_refuses_timeline_fields(peru, switzerland):
    request = make_request(peru, switzerland)
    with pytest.raises(ValidationError) as error:
        services.request_update(actor=peru.officer, request=request, changes={"status": "executed"})
    assert "status" in error.value.message_dict


def test_only_notes_can_be_internal(peru, switzerland):
    request = make_request(peru, switzerland)
    with pytest.raises(ValidationError) as error:
        services.event_record(
            actor=peru.officer,
            request=request,
            kind="reminder-sent",
            occurred_on=D(2025, 3, 4),
            internal=True,
        )
    assert "internal" in error.value.message_dict


def test_a_request_is_never_shared_with_the_secretariat(peru, switzerland, secretariat_user, nigeria):
    request = make_request(peru, switzerland)
    with pytest.raises(ValidationError, match="cannot be a party to a request, nor be shown one"):
        services.request_share(actor=peru.officer, request=request, authority=secretariat_user.authority)
    services.request_share(actor=peru.officer, request=request, authority=nigeria.authority)
    assert list(request.shares.values_list("authority", flat=True)) == [nigeria.authority.pk]


def test_texts_may_reach_their_limit_but_not_pass_it(peru, switzerland):
    request = make_request(peru, switzerland, summary="s" * 10_000, requesting_reference="R" * 100)
    with pytest.raises(ValidationError) as error:
        services.request_update(actor=peru.officer, request=request, changes={"summary": "s" * 10_001})
    assert list(error.value.message_dict) == ["summary"]
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.event_record(
            actor=peru.officer, request=request, kind="note", occurred_on=D(2025, 3, 4), text="t" * 5_001
        )
    assert error.value.message_dict == {"text": ["At most 5000 characters; this has 5001."]}
    assert counts() == before
    services.event_record(
        actor=peru.officer, request=request, kind="note", occurred_on=D(2025, 3, 4), text="t" * 5_000
    )


def _correct(actor, request, event, day, text="Year mistyped"):
    return services.event_record(
        actor=actor, request=request, kind="correction", corrects=event.pk, occurred_on=day, text=text
    )


def test_a_correction_refolds_the_timeline_and_keeps_what_it_corrects(peru, switzerland):
    request = make_request(peru, switzerland, sent_on=D(2025, 3, 3), received_on=D(2025, 3, 20))
    received = request.events.get(kind="received")
    correction = _correct(switzerland.officer, request, received, D(2025, 3, 10))
    request.refresh_from_db()
    assert (request.received_on, request.due_on) == (D(2025, 3, 10), D(2025, 7, 8))
    received.refresh_from_db()
    assert received.occurred_on == D(2025, 3, 20) and correction.corrects == received  # append-only
    # corrected again: the latest correction holds
    _correct(switzerland.officer, request, received, D(2025, 3, 11))
    request.refresh_from_db()
    assert request.received_on == D(2025, 3, 11)
    assert request.events.filter(kind="correction").count() == 2


@pytest.mark.parametrize(
    ("target", "day", "text", "field", "says"),
    [
        ("received", D(2025, 3, 10), "", "text", "Say why the date is corrected."),
        ("received", D(2025, 3, 1), "x", "occurred_on", "cannot be received (2025-03-01) before it was sent"),
        ("received", D(1949, 12, 31), "x", "occurred_on", "before 1950-01-01"),
        ("received", D(2999, 1, 1), "x", "occurred_on", "in the future"),
        ("received", D(2025, 3, 20), "x", "occurred_on", "already dated 2025-03-20"),
        ("note", D(2025, 3, 10), "x", "corrects", "A note is not corrected"),
        ("correction", D(2025, 3, 10), "x", "corrects", "A correction is not corrected"),
        ("other request's", D(2025, 3, 10), "x", "corrects", "No event"),
        (None, D(2025, 3, 10), "x", "corrects", "Name the event"),
    ],
)
def test_a_correction_that_cannot_hold_is_refused_and_writes_nothing(
    peru, switzerland, target, day, text, field, says
):
    request = make_request(peru, switzerland, sent_on=D(2025, 3, 3), received_on=D(2025, 3, 20))
    services.event_record(actor=peru.officer, request=request, kind="note", occurred_on=D(2025, 3, 21))
    _correct(peru.officer, request, request.events.get(kind="sent"), D(2025, 3, 4))
    events = {
        "received": request.events.get(kind="received"),
        "note": request.events.get(kind="note"),
        "correction": request.events.get(kind="correction"),
        "other request's": make_request(peru, switzerland).events.first(),
    }
    before = counts()
    with pytest.raises(ValidationError) as error:
        services.event_record(
            actor=peru.officer,
            request=request,
            kind="correction",
            corrects=events[target].pk if target else None,
            occurred_on=day,
            text=text,
        )
    assert says in " ".join(error.value.message_dict[field])
    assert counts() == before
    request.refresh_from_db()
    assert (request.sent_on, request.received_on) == (D(2025, 3, 4), D(2025, 3, 20))


def test_only_a_correction_names_an_event(peru, switzerland):
    request = make_request(peru, switzerland)
    with pytest.raises(ValidationError, match="Only a correction names"):
        services.event_record(
            actor=peru.officer,
            request=request,
            kind="note",
            occurred_on=D(2025, 3, 4),
            corrects=request.events.first().pk,
        )


def test_dates_before_1950_are_refused_at_creation(peru, switzerland):
    with pytest.raises(ValidationError) as error:
        make_request(peru, switzerland, sent_on=D(1, 1, 1), received_on=D(1949, 12, 31))
    assert set(error.value.message_dict) == {"sent_on", "received_on"}
    assert "before 1950-01-01" in error.value.message_dict["sent_on"][0]
