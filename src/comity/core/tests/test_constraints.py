"""core.constraints validates a model's constraints as Django does, the same errors for the same
rows, asking the database only what the row in hand does not decide."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from comity.cooperation.models import Request
from comity.core.constraints import Undecided, evaluate
from conftest import make_request

D = datetime.date


def _errors(validate) -> dict | None:
    try:
        validate()
    except ValidationError as error:
        return error.message_dict
    return None


def _row(base: Request, **changes) -> Request:
    row = Request.objects.get(pk=base.pk)
    if changes.pop("new", False):
        row.pk, row._state.adding = None, True
    for name, value in changes.items():
        setattr(row, name, value)
    return row


VARIANTS = [
    {},
    {"new": True},
    {"new": True, "requesting_reference": "PE-9"},
    {"new": True, "requested_reference": "CH-1"},
    {"requested_reference": "CH-1"},
    {"urgent": True, "urgency_reason": ""},
    {"urgent": True, "urgency_reason": "Assets move."},
    {"sent_on": D(2025, 2, 1), "received_on": D(2025, 1, 1)},
    {"sent_on": None, "received_on": D(2025, 1, 1)},
    {"sent_on": D(2025, 1, 1), "received_on": D(2025, 1, 1)},
]


@pytest.mark.parametrize("changes", VARIANTS)
def test_the_same_errors_as_djangos_own_validation(peru, switzerland, changes):
    make_request(peru, switzerland, requesting_reference="PE-1", sent_on=D(2025, 1, 5))
    other = make_request(peru, switzerland, requesting_reference="PE-2")
    Request.objects.filter(pk=other.pk).update(requested_reference="CH-1")
    row = _row(other, **changes)
    if changes.get("new"):
        row.requesting_reference = changes.get("requesting_reference", "PE-1")
    for exclude in (None, {"requested_reference"}, {"sent_on"}):
        ours = _errors(lambda exclude=exclude: row.validate_constraints(exclude=exclude))
        djangos = _errors(lambda exclude=exclude: models.Model.validate_constraints(row, exclude=exclude))
        assert ours == djangos, (changes, exclude)


def test_the_two_parties_and_a_duplicate_reference_are_refused_with_the_constraints_messages(
    peru, switzerland
):
    taken = make_request(peru, switzerland, requesting_reference="PE-1")
    row = _row(taken, new=True, requested_authority_id=peru.authority.pk)
    assert _errors(row.validate_constraints) == {
        "__all__": ["The requested authority must differ from the requesting one."]
    }
    row = _row(taken, new=True)
    assert _errors(row.validate_constraints) == {
        "__all__": [
            "There is already a request between these two authorities with this requesting reference."
        ]
    }


def test_a_row_that_decides_every_constraint_asks_the_database_once(peru, switzerland):
    row = _row(
        make_request(peru, switzerland, requesting_reference="PE-1"), new=True, requesting_reference="PE-2"
    )
    with CaptureQueriesContext(connection) as queries:
        row.validate_constraints()
    # the requesting reference's uniqueness only: the checks and the blank requested reference
    # are decided by the row's own values
    assert len(queries) == 1


def test_conditions_are_evaluated_as_sql_does_nulls_included(peru, switzerland):
    row = _row(make_request(peru, switzerland), sent_on=None, received_on=D(2025, 1, 1))
    assert evaluate(Q(received_on__gte=F("sent_on")), row) is None  # NULL
    assert evaluate(~Q(received_on__gte=F("sent_on")), row) is None
    assert evaluate(Q(received_on__gte=F("sent_on")) | Q(sent_on__isnull=True), row) is True
    assert evaluate(Q(received_on__gte=F("sent_on")) & Q(sent_on__isnull=True), row) is None
    assert evaluate(Q(received_on__gte=F("sent_on")) & Q(sent_on__isnull=False), row) is False
    assert evaluate(Q(sent_on=None), row) is True
    with pytest.raises(Undecided):
        evaluate(Q(summary__icontains="x"), row)
    with pytest.raises(Undecided):
        evaluate(Q(requesting_reference__gt="A"), row)  # string order is the database's collation
    with pytest.raises(Undecided):
        evaluate(Q(sent_on__isnull=True), row, exclude={"sent_on"})
