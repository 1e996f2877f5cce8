"""A State's figures consolidated over its authorities, and its submission per year (#24 items 1, 3)."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from comity.accounts.choices import Role
from comity.accounts.models import User
from comity.accounts.tests.factories import UserFactory
from comity.assets.models import Asset, AssetCase, AssetCaseParticipant, AssetStep
from comity.cooperation.models import Request
from comity.reference.money import USD
from comity.statistics.assets import asset_figures
from comity.statistics.models import Submission
from comity.statistics.national import data_call_cases, national_cases, national_requests, state_authorities
from comity.statistics.submissions import global_asset_figures
from conftest import bearer


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def demo(transactional_db):
    run("demo", "--seed", "7", "--requests", "150")


def _export(period: int, country: str) -> dict:
    return json.loads(run("export", "submission", "--period", str(period), "--country", country))


@pytest.mark.django_db(transaction=True)
def test_the_submissions_of_every_year_add_up_to_the_states_asset_figures(demo):
    # Peru's cases are those of its central authority and its asset recovery office together.
    peru_cases = national_cases("PE")
    authorities = set(
        AssetCaseParticipant.objects.filter(case__in=peru_cases, authority__country="PE").values_list(
            "authority_id", flat=True
        )
    )
    assert peru_cases.exists() and len(authorities) >= 1
    today = timezone.localdate()
    first = (
        AssetStep.objects.filter(asset__case__in=peru_cases).order_by("on").values_list("on", flat=True)[0]
    )
    assert first is not None
    totals = dict.fromkeys(("frozen_usd", "confiscated_usd", "returned_usd", "returned_cases"), Decimal(0))
    for year in range(first.year, today.year + 1):
        assets = _export(year, "PE")["assets"]
        for key in totals:
            totals[key] += Decimal(assets[key])
    figures = asset_figures(data_call_cases(peru_cases), [], USD, today).total
    assert totals["returned_usd"] > 0
    assert totals["returned_usd"] == figures.returned
    assert totals["frozen_usd"] == figures.frozen and totals["confiscated_usd"] == figures.confiscated


@pytest.mark.django_db(transaction=True)
def test_a_states_submission_has_the_asset_section_and_an_explicit_zero(demo):
    payload = _export(2020, "PE")
    assets = payload["assets"]
    assert payload["version"] == 2 and payload["state"] == "PE"
    assert set(assets) >= {
        "cases",
        "no_case",
        "frozen_usd",
        "confiscated_usd",
        "returned_usd",
        "by_role",
        "barriers",
    }
    assert [row["role"] for row in assets["by_role"]] == ["origin", "asset-location", "both", "third"]
    assert set(assets["settlements"]) >= {"frozen_usd", "returned_usd", "returned_cases"}
    # a State whose authorities have no case in a year says so: zero, not a missing answer
    empty = _export(1995, "PE")["assets"]
    assert empty["cases"] == 0 and empty["no_case"] is True and empty["returned_usd"] == "0.00"
    with pytest.raises(CommandError, match="period"):
        _export(datetime.date.today().year + 1, "PE")
    with pytest.raises(CommandError, match="country"):
        _export(2020, "ZZ")
    with pytest.raises(CommandError, match="country"):
        _export(2020, "JP")  # no authority of Japan in Comity


@pytest.mark.django_db(transaction=True)
def test_the_coordinator_sees_the_states_figures_once_and_never_a_case(demo):
    coordinator = User.objects.get(username="pe-coordinator")
    officers = [User.objects.get(username="pe-officer"), User.objects.get(username="pe-aro-officer")]
    ours = state_authorities("PE")
    assert {u.authority_id for u in officers} == set(ours.values_list("pk", flat=True))
    between = Request.objects.filter(requesting_authority__in=ours, requested_authority__in=ours)
    assert between.count() >= 4

    def total(user: User, **query: str) -> dict:
        answer = bearer(user).get("/api/v1/statistics/requests", query)
        assert answer.status_code == 200, answer.content
        return answer.json()["total"]

    national = total(coordinator)
    each = [total(officer) for officer in officers]
    assert national["count"] == sum(t["count"] for t in each) - between.count()
    assert (
        national["pending"]
        == sum(t["pending"] for t in each) - between.filter(closed_on__isnull=True).count()
    )
    # by direction: a request between the two is 'domestic', counted once
    groups = (
        bearer(coordinator).get("/api/v1/statistics/requests", {"group_by": "direction"}).json()["groups"]
    )
    by_direction = {g["key"]["direction"]: g["count"] for g in groups}
    assert by_direction["domestic"] == between.count()
    assert sum(by_direction.values()) == national["count"]

    # asset figures: every case of either authority once (the office's case has both)
    assets = bearer(coordinator).get("/api/v1/statistics/assets").json()
    assert assets["total"]["assets"] == Asset.objects.filter(case__in=national_cases("PE")).count()
    assert (
        AssetCase.objects.filter(participants__authority__in=ours).distinct().count()
        == national_cases("PE").count()
    )

    # never a case: every case and request of the State is a 404, on the pages and in the API
    page = Client()
    page.force_login(coordinator)
    api = bearer(coordinator)
    for case_id in national_cases("PE").values_list("pk", flat=True)[:5]:
        assert page.get(f"/asset-cases/{case_id}/").status_code == 404
        assert api.get(f"/api/v1/asset-cases/{case_id}").status_code == 404
    for request_id in national_requests("PE").values_list("pk", flat=True)[:5]:
        assert page.get(f"/requests/{request_id}/").status_code == 404
        assert api.get(f"/api/v1/requests/{request_id}").status_code == 404
    assert api.get("/api/v1/requests").json()["items"] == []
    assert api.get("/api/v1/asset-cases").json() == []
    assert page.get("/requests/").status_code == 404
    # the pages, the exports and the PDF carry the national figures
    text = page.get("/statistics/").content.decode()
    assert "National figures of Peru" in text and f"{national['count']} requests" in text
    assert "Between the State&#x27;s authorities" in text  # the direction's label, not its code
    assert "National figures of Peru" in page.get("/statistics/assets/").content.decode()
    answer = page.get("/statistics/export/", {"group_by": "direction", "format": "csv"})
    export = b"".join(answer.streaming_content).decode()
    assert "domestic" in export
    pdf = page.get("/statistics/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    submission = page.get("/statistics/submission/", {"period": "2024"})
    assert submission.status_code == 200 and "Submission of Peru for 2024" in submission.content.decode()
    download = page.get("/statistics/submission/", {"period": "2024", "format": "json"}).json()
    assert download == {**_export(2024, "PE"), "generated_at": download["generated_at"]}


@pytest.mark.django_db
def test_the_data_call_page_exists_for_coordinators_only(peru, secretariat_user):
    for user in (peru.officer, peru.head, secretariat_user):
        client = Client()
        client.force_login(user)
        assert client.get("/statistics/submission/").status_code == 404


@pytest.mark.django_db
def test_the_coordinator_sends_the_submission_then_only_corrections(peru, switzerland):
    coordinator = UserFactory(username="pe-coordinator", authority=peru.authority, role=Role.COORDINATOR)
    page = Client()
    page.force_login(coordinator)
    assert page.post("/statistics/submission/", {"period": "2024"}).status_code == 302
    again = page.post("/statistics/submission/", {"period": "2024"})
    assert again.status_code == 422 and "correction" in again.content.decode()
    assert page.post("/statistics/submission/", {"period": "2024", "correction": "yes"}).status_code == 302
    [submission] = Submission.objects.all()
    assert (submission.state, submission.period, submission.versions.count()) == ("PE", 2024, 2)
    assert page.post("/statistics/submission/", {"period": "2999"}).status_code == 422


@pytest.mark.django_db(transaction=True)
def test_the_secretariat_sees_amounts_shares_barriers_and_coverage(demo, tmp_path):
    # the demo's States submitted 2023 to 2025 at load; the secretariat imports a correction of
    # Peru's 2024 as well, which replaces it and keeps both versions
    path = tmp_path / "pe-2024.json"
    run("export", "submission", "--period", "2024", "--country", "PE", "--output", str(path))
    with pytest.raises(CommandError, match="correction"):
        run("import", "submission", str(path))
    path.write_text(json.dumps(json.loads(path.read_text()) | {"correction": True}))
    run("import", "submission", str(path))
    assert Submission.objects.get(state="PE", period=2024).versions.count() == 2
    received = Submission.objects.filter(period=2025)
    assert received.count() >= 6
    figures = global_asset_figures()
    [year] = [row for row in figures["by_year"] if row["period"] == 2025]
    assert year["returned_usd"] == sum(Decimal(s.payload["assets"]["returned_usd"]) for s in received)
    [coverage] = [row for row in figures["coverage"] if row["period"] == 2025]
    assert coverage["submitted"] + coverage["no_case"] == received.count()
    assert coverage["not_answered"] == coverage["parties"] - received.count() and coverage["few_states"]
    [shares] = [row for row in figures["shares"] if row["period"] == 2025]
    assert sum(r["states"] for r in shares["roles"]) == received.count()

    analyst = Client()
    analyst.force_login(User.objects.get(username="secretariat"))
    page = analyst.get("/statistics/global/?period=2025").content.decode()
    for text in (
        "Coverage",
        "These figures rest on few States",
        "Share of the answering States by role",
        "Barriers met",
    ):
        assert text in page
    answer = analyst.get("/statistics/global/open-data.csv")
    csv = b"".join(answer.streaming_content).decode() if answer.streaming else answer.content.decode()
    assert "coverage_not_answered,2025" in csv and "amounts_by_year,2025" in csv
    assert "None" not in csv
    pdf = analyst.get("/statistics/global/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for username in ("pe-coordinator", "pe-officer"):
        other = Client()
        other.force_login(User.objects.get(username=username))
        assert other.get("/statistics/global/").status_code == 404
        assert other.get("/statistics/global/open-data.csv").status_code == 404
        assert other.get("/statistics/global/report.pdf").status_code == 404
