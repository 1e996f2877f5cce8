"""Statistics over requests, checked against an independent computation of the same data."""

import datetime

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from scipy.stats import CensoredData, ecdf

from comity.cooperation.models import Request
from comity.reference.choices import GROUNDS_NOT_ALLOWED_BY_UNCAC as NOT_ALLOWED
from comity.statistics.selectors import request_figures
from comity.statistics.tests.cases import AS_OF, CASES
from conftest import bearer, make_request

D = datetime.date
URL = "/api/v1/statistics/requests"

# On PostgreSQL the aggregates run in a savepoint that sets their work_mem: 3 statements more.
PG_WORK_MEM = 3 if connection.vendor == "postgresql" else 0


def independent(cases):
    """The same figures from the raw list, without Comity's code."""
    events, censored, closed_days = [], [], []
    for _kind, _offences, received, closing, closed, _grounds in cases:
        if closing in ("executed", "partially-executed") and closed <= AS_OF:
            events.append((closed - received).days)
            closed_days.append((closed - received).days)
        elif closing and closed <= AS_OF:
            censored.append((closed - received).days)
        else:
            censored.append((AS_OF - received).days)
    return events, censored, closed_days


def test_totals_and_time_to_execution_match_an_independent_computation(dataset, peru):
    body = bearer(peru.officer).get(f"{URL}?as_of={AS_OF}").json()
    total = body["total"]
    events, censored, closed_days = independent(CASES)
    assert total["count"] == len(CASES)
    assert total["pending"] == 3  # two open, one executed only after as_of
    times = total["time_to_execution"]
    assert (times["n_closed"], times["n_pending"], times["n_closed_otherwise"]) == (len(events), 3, 2)
    assert times["median_days"] == pytest.approx(float(np.median(closed_days)), abs=1e-9)
    assert times["p90_days"] == pytest.approx(round(float(np.quantile(closed_days, 0.9)), 2), abs=1e-9)
    sf = ecdf(CensoredData(uncensored=events, right=censored)).sf
    expected_median = min(t for t, s in zip(sf.quantiles, sf.probabilities, strict=True) if s <= 0.5)
    assert times["km_median_days"] == expected_median

    curve = bearer(peru.officer).get(f"{URL}/time-to-execution?as_of={AS_OF}").json()["curves"][0]["points"]
    np.testing.assert_allclose([p["survival"] for p in curve], sf.probabilities, atol=1e-9)
    assert [p["days"] for p in curve] == list(sf.quantiles)


def test_groups_by_one_and_two_keys(dataset, peru):
    client = bearer(peru.officer)
    by_type = {
        g["key"]["type"]: g["count"]
        for g in client.get(f"{URL}?group_by=type&as_of={AS_OF}").json()["groups"]
    }
    assert by_type == {"mla": 7, "extradition": 3}
    by_offence = {
        g["key"]["offences"]: g["count"]
        for g in client.get(f"{URL}?group_by=offences&as_of={AS_OF}").json()["groups"]
    }
    assert by_offence == {"uncac-15": 2, "uncac-16": 2, "uncac-17": 3, "uncac-23": 4}
    by_iccs = {
        g["key"]["iccs"]: g["count"]
        for g in client.get(f"{URL}?group_by=iccs&as_of={AS_OF}").json()["groups"]
    }
    assert by_iccs == {"07031": 4, "07032": 3, "07041": 4}  # a request counts once per code it has
    two = client.get(f"{URL}?group_by=direction,outcome&as_of={AS_OF}").json()["groups"]
    as_pairs = {(g["key"]["direction"], g["key"]["outcome"]): g["count"] for g in two}
    assert as_pairs == {
        ("incoming", "executed"): 1,
        ("incoming", "partially-executed"): 1,
        ("incoming", "pending"): 3,
        ("outgoing", "executed"): 3,
        ("outgoing", "refused"): 1,
        ("outgoing", "withdrawn"): 1,
    }
    assert sum(as_pairs.values()) == len(CASES)
    refused = client.get(f"{URL}?group_by=refusal_grounds&as_of={AS_OF}").json()
    assert refused["total"]["refused_on_grounds_not_allowed"] == 1
    years = {
        g["key"]["year"]: g["count"]
        for g in client.get(f"{URL}?group_by=year&as_of={AS_OF}").json()["groups"]
    }
    assert years == {2024: 6, 2025: 4}


@pytest.mark.parametrize("group_by", ["offences", "type,outcome", "refusal_grounds"])
def test_each_groups_counts_and_ages_match_an_independent_computation(dataset, peru, group_by):
    """Counts, pending, overdue, refusals on grounds UNCAC does not allow and pending ages, per
    group, from the raw list (a request with two offences is in two groups, once in the total)."""
    expected: dict[tuple, dict] = {}
    for n, (kind, offences, received, closing, closed, grounds) in enumerate(CASES):
        closed_by_then = closing is not None and closed <= AS_OF
        outcome = closing if closed_by_then else "pending"
        values = {
            "type": [kind],
            "outcome": [outcome],
            "offences": offences,
            "refusal_grounds": (grounds if closed_by_then else []) or [None],
        }
        due_on = Request.objects.get(requesting_reference=f"R-{n}").due_on
        keys = [values[k] for k in group_by.split(",")]
        for key in [(a,) for a in keys[0]] if len(keys) == 1 else [(a, b) for a in keys[0] for b in keys[1]]:
            group = expected.setdefault(key, {"count": 0, "overdue": 0, "refused": 0, "ages": []})
            group["count"] += 1
            if not closed_by_then:
                group["ages"].append((AS_OF - received).days)
                group["overdue"] += due_on < AS_OF
            group["refused"] += closing == "refused" and closed_by_then and bool({*grounds} & NOT_ALLOWED)

    body = bearer(peru.officer).get(f"{URL}?group_by={group_by}&as_of={AS_OF}").json()
    found = {
        tuple(g["key"][k] for k in group_by.split(",")): {
            "count": g["count"],
            "overdue": g["overdue"],
            "refused": g["refused_on_grounds_not_allowed"],
            "pending": g["pending"],
            "ages": (g["pending_median_age_days"], g["pending_max_age_days"]),
        }
        for g in body["groups"]
    }
    assert found == {
        key: {
            "count": g["count"],
            "overdue": g["overdue"],
            "refused": g["refused"],
            "pending": len(g["ages"]),
            "ages": (float(np.median(g["ages"])), max(g["ages"])) if g["ages"] else (None, None),
        }
        for key, g in expected.items()
    }
    assert any(g["overdue"] for g in expected.values()) and any(g["refused"] for g in expected.values())


def test_every_group_key_answers(dataset, peru):
    for key in (
        "direction",
        "type",
        "requesting_country",
        "requested_country",
        "legal_basis",
        "offences",
        "measures",
        "proceeding",
        "outcome",
        "refusal_grounds",
        "year",
        "counterpart_country",
        "iccs",
    ):
        response = bearer(peru.officer).get(f"{URL}?group_by={key}")
        assert response.status_code == 200, (key, response.content)
        assert response.json()["groups"], key


def test_filters_of_the_list_apply(dataset, peru):
    body = bearer(peru.officer).get(f"{URL}?type=extradition&direction=outgoing&as_of={AS_OF}").json()
    assert body["total"]["count"] == 2


def test_as_of_moves_the_picture(dataset, peru):
    early = bearer(peru.officer).get(f"{URL}?as_of=2024-03-05").json()["total"]
    assert early["count"] == 4 and early["time_to_execution"]["n_closed"] == 1


def test_scoping_and_no_data_give_zeros(dataset, nigeria, switzerland, secretariat_user):
    assert bearer(secretariat_user).get(URL).json()["total"]["count"] == 0
    assert bearer(switzerland.officer).get(f"{URL}?as_of={AS_OF}").json()["total"]["count"] == 5
    empty = bearer(nigeria.officer).get(f"{URL}?group_by=type&type=joint-investigation").json()
    assert empty["groups"] == [] and empty["total"]["count"] == 0
    assert empty["total"]["time_to_execution"]["km_median_days"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("group_by=colour", "group_by"),
        ("group_by=type,type", "group_by"),
        ("group_by=type,year,outcome", "group_by"),
        ("as_of=2025-02-30", "as_of"),
        ("type=nonsense", "type"),
    ],
)
def test_bad_queries_name_the_field(peru, query, field):
    response = bearer(peru.officer).get(f"{URL}?{query}")
    assert response.status_code == 422 and field in [e["field"] for e in response.json()["errors"]]


def test_the_anonymous_are_refused(db):
    assert Client().get(URL).status_code == 401
    assert Client().get(f"{URL}/time-to-execution").status_code == 401


def test_query_count_is_constant(dataset, peru, django_assert_num_queries):
    client = bearer(peru.officer)
    with django_assert_num_queries(4 + PG_WORK_MEM):  # token, touch, the grouped and the overall aggregate
        client.get(f"{URL}?group_by=type,offences")


def test_a_partition_gives_the_same_total_in_fewer_queries(dataset, peru, django_assert_num_queries):
    client = bearer(peru.officer)
    alone = client.get(f"{URL}?as_of={AS_OF}").json()["total"]
    for keys in ("type", "type,outcome", "direction,year", "counterpart_country"):
        assert client.get(f"{URL}?group_by={keys}&as_of={AS_OF}").json()["total"] == alone, keys
    with django_assert_num_queries(2 + PG_WORK_MEM):  # token, then one grouped aggregate; the total is folded
        client.get(f"{URL}?group_by=type,outcome&as_of={AS_OF}")


def test_as_of_a_day_an_outgoing_request_exists_for_its_sender_from_the_day_it_was_sent(peru, switzerland):
    """Sent on 10 January, received on 10 February: as of 31 January the requesting State counts
    it (pending, not yet received), the requested State does not yet (#19 item 8)."""
    make_request(
        peru, switzerland, sent_on=D(2024, 1, 10), received_on=D(2024, 2, 10), requesting_reference="PE-OUT-7"
    )
    sender = bearer(peru.officer).get(f"{URL}?as_of=2024-01-31").json()["total"]
    assert (sender["count"], sender["pending"]) == (1, 1)
    assert sender["time_to_execution"]["n_pending"] == 0  # times run from the receipt: none yet
    receiver = bearer(switzerland.officer).get(f"{URL}?as_of=2024-01-31").json()["total"]
    assert receiver["count"] == 0
    later = bearer(switzerland.officer).get(f"{URL}?as_of=2024-02-29").json()["total"]
    assert later["count"] == 1


def test_the_figures_selector_selects_for_its_user_and_refuses_a_bad_filter(peru, switzerland, nigeria):
    """Statistics follow the selectors' contract (#19 item 5): the user and the filters' parameters
    in, the user's scope applied by the selector, never a queryset handed in by an API module."""
    make_request(peru, switzerland)
    as_of = D(2026, 1, 1)
    assert request_figures(peru.officer, {}, [], as_of).total.count == 1
    assert request_figures(nigeria.officer, {}, [], as_of).total.count == 0
    assert request_figures(switzerland.officer, {"direction": "incoming"}, [], as_of).total.count == 1
    with pytest.raises(ValidationError):
        request_figures(peru.officer, {"direction": "sideways"}, [], as_of)
