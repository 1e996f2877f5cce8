"""Statistical submissions: aggregated figures only, small counts suppressed, compiled globally."""

import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from comity.accounts.choices import Role
from comity.accounts.tests.factories import UserFactory
from comity.statistics.models import Submission, SubmissionVersion
from comity.statistics.services import submission_receive
from comity.statistics.submissions import Bounds, build_submission, global_figures
from comity.statistics.tests.cases import CASES


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_submission_holds_counts_only_with_small_ones_suppressed(dataset, peru, tmp_path):
    path = tmp_path / "pe-2024.json"
    run(
        "export",
        "submission",
        "--period",
        "2024",
        "--authority",
        str(peru.authority.pk),
        "--threshold",
        "3",
        "--output",
        str(path),
    )
    text = path.read_text()
    payload = json.loads(text)
    assert (payload["state"], payload["period"], payload["threshold"]) == ("PE", 2024, 3)
    for secret in ("R-0", "Quispe", "Bribes", "Federal Office"):
        assert secret not in text  # no reference, no name, no summary, no authority
    type_direction = {(r["type"], r["direction"]): r["count"] for r in payload["tables"]["type_direction"]}
    # 2024: mla incoming 0,2,4 -> 3; mla outgoing 1,3 -> 2 (suppressed); extradition outgoing 7 -> 1 (suppressed)
    assert type_direction == {
        ("mla", "incoming"): 3,
        ("mla", "outgoing"): None,
        ("extradition", "outgoing"): None,
    }
    assert sum(1 for c in CASES if c[2].year == 2024) == 6
    assert all(
        row["count"] is None or row["count"] >= 3 for table in payload["tables"].values() for row in table
    )


def test_the_secretariat_compiles_submissions_and_sees_no_case(
    dataset, peru, switzerland, secretariat_user, tmp_path
):
    for side in (peru, switzerland):
        path = tmp_path / f"{side.authority.country}.json"
        path.write_text(json.dumps(build_submission(side.authority.country, 2024, threshold=1)))
        assert "received" in run("import", "submission", str(path))
    assert Submission.objects.count() == 2
    figures = global_figures(2024)
    by_state = {row["state"]: row for row in figures["states"]}
    assert by_state["PE"]["requests"] == Bounds(6, 6) and by_state["PE"]["incoming"] == Bounds(3, 3)
    assert figures["total"]["requests"] == by_state["PE"]["requests"] + by_state["CH"]["requests"]
    by_region = {row["region"]: row for row in figures["regions"]}
    assert by_region["Americas"]["requests"] == by_state["PE"]["requests"]
    assert (
        by_region["Europe"]["states"] == 1 and by_region["Europe"]["requests"] == by_state["CH"]["requests"]
    )
    # a second file for the same State and year is refused unless it says it is a correction,
    # which replaces the figures and keeps both versions
    with pytest.raises(CommandError, match="correction"):
        run("import", "submission", str(tmp_path / "PE.json"))
    corrected = json.loads((tmp_path / "PE.json").read_text()) | {"correction": True}
    (tmp_path / "PE.json").write_text(json.dumps(corrected))
    run("import", "submission", str(tmp_path / "PE.json"))
    assert Submission.objects.count() == 2
    pe = Submission.objects.get(state="PE")
    assert [(v.number, v.correction) for v in pe.versions.all()] == [(1, False), (2, True)]

    client = Client()
    client.force_login(secretariat_user)
    page = client.get("/statistics/global/?period=2024").content.decode()
    assert "PE" in page and "CH" in page and "R-0" not in page
    assert "By UN region" in page and "Americas" in page and "Europe" in page
    assert client.get("/api/v1/requests").json()["items"] == []  # and still no case
    officer = Client()
    officer.force_login(peru.officer)
    assert officer.get("/statistics/global/").status_code == 404


def test_a_figure_with_suppressed_counts_is_the_range_they_allow_never_a_zero(
    dataset, peru, secretariat_user, tmp_path
):
    exact = {row["state"]: row for row in _compiled(peru, tmp_path, threshold=1)["states"]}["PE"]
    figures = _compiled(peru, tmp_path, threshold=3)
    [pe] = figures["states"]
    # 2024: mla incoming 3, mla outgoing 2 and extradition outgoing 1 both suppressed (1 or 2 each):
    # by type and direction alone, 5-7 requests and 2-4 outgoing; the other tables that count each
    # request once pin the requests at 6, hence 3 outgoing. The one refusal was suppressed: 1-2.
    assert (pe["requests"], pe["incoming"], pe["outgoing"]) == (Bounds(6, 6), Bounds(3, 3), Bounds(3, 3))
    assert pe["refused"] == Bounds(1, 2)
    for figure in ("requests", "incoming", "outgoing", "executed", "refused"):
        assert exact[figure].low == exact[figure].high
        assert pe[figure].low <= exact[figure].low <= pe[figure].high, figure
    assert pe["suppressed"] >= 2 and figures["total"] == {key: pe[key] for key in figures["total"]}
    client = Client()
    client.force_login(secretariat_user)
    page = client.get("/statistics/global/?period=2024").content.decode()
    assert (
        '<td class="num">6</td><td class="num">3</td><td class="num">3</td><td class="num">3</td><td class="num">1–2</td>'
        in page
    )


def _compiled(side, tmp_path, *, threshold: int) -> dict:
    path = tmp_path / f"{side.authority.country}-{threshold}.json"
    payload = build_submission(side.authority.country, 2024, threshold=threshold)
    payload["correction"] = Submission.objects.filter(state=side.authority.country, period=2024).exists()
    path.write_text(json.dumps(payload))
    run("import", "submission", str(path))
    return global_figures(2024)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"format": "other"}, "format"),
        (
            {
                "format": "comity/statistical-submission",
                "version": 2,
                "state": "XX",
                "period": 2024,
                "tables": {},
            },
            "state",
        ),
        (
            {
                "format": "comity/statistical-submission",
                "version": 2,
                "state": "PE",
                "period": 2024,
                "threshold": 0,
                "tables": {},
            },
            "threshold",
        ),
    ],
)
def test_bad_submissions_are_refused(db, tmp_path, payload, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(payload))
    with pytest.raises(CommandError, match=message):
        run("import", "submission", str(path))
    path.write_text("not json")
    with pytest.raises(CommandError, match="not a JSON submission"):
        run("import", "submission", str(path))
    assert not Submission.objects.exists()


def _valid(country: str = "PE") -> dict:
    return json.loads(json.dumps(build_submission(country, 2024, threshold=1)))


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda p: p | {"version": 1}, "format"),
        (lambda p: p | {"period": 2999}, "period"),
        (lambda p: p["assets"].update(frozen_usd="-5.00"), "assets.frozen_usd"),
        (lambda p: p["assets"].update(returned_usd=12), "assets.returned_usd"),
        (
            lambda p: p["assets"]["settlements"].update(returned_usd="99999999999.00"),
            "assets.settlements.returned_usd",
        ),
        (
            lambda p: p["assets"].update(
                cases=1, no_case=False, by_role=[p["assets"]["by_role"][0] | {"role": "origin", "cases": 2}]
            ),
            "assets.by_role[0].cases",
        ),
        (
            lambda p: p["assets"].update(barriers=[{"barrier": "weather", "cases": 1}]),
            "assets.barriers[0].barrier",
        ),
        (
            lambda p: p["assets"].update(by_role=[p["assets"]["by_role"][0] | {"role": "victim"}]),
            "assets.by_role[0].role",
        ),
        (
            lambda p: p["assets"].update(by_role=[p["assets"]["by_role"][0] | {"returned_usd": "1.00"}]),
            "assets.by_role",
        ),
        (lambda p: p["tables"]["outcome"].append({"outcome": "executed", "count": -1}), "tables.outcome"),
        (lambda p: p["assets"].update(no_case=True, cases=3), "assets.no_case"),
    ],
)
def test_a_bad_submission_names_the_path_and_imports_nothing(peru, tmp_path, change, path):
    payload = _valid()
    returned = change(payload)
    payload = returned if isinstance(returned, dict) else payload
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(payload))
    with pytest.raises(CommandError, match=re.escape(path)):
        run("import", "submission", str(file))
    assert not Submission.objects.exists() and not SubmissionVersion.objects.exists()


def test_a_coordinator_submits_for_their_own_state_only(peru, switzerland):
    coordinator = UserFactory(username="pe-coordinator", authority=peru.authority, role=Role.COORDINATOR)
    with pytest.raises(ValidationError, match="you coordinate PE, not CH"):
        submission_receive(actor=coordinator, payload=_valid("CH"))
    with pytest.raises(ValidationError, match="only a national coordinator"):
        submission_receive(actor=peru.officer, payload=_valid("PE"))
    assert not Submission.objects.exists()
    submission_receive(actor=coordinator, payload=_valid("PE"))
    assert Submission.objects.get().state == "PE"
