"""Asset Recovery Watch layout: import, all-or-nothing problems, export, and figures that match an
independent computation of the same file."""

import csv
import datetime
import io
import random
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import pytest
from currency_converter import CurrencyConverter
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comity.assets.models import Asset, AssetCase, AssetStep
from comity.assets.transfer import COLUMNS, import_asset_cases
from comity.core.models import AuditEntry
from comity.core.tabular import ImportRejected
from conftest import bearer

pytestmark = pytest.mark.django_db

ORIGINS = ["NG", "PE", "UZ", "MY", "EG"]
LOCATIONS = ["CH", "GB", "US", "FR", "LU"]
CURRENCIES = ["USD", "EUR", "GBP", "CHF"]
TYPES = ["bank-account", "real-estate", "securities", "vessel"]
PROCEEDINGS = ["criminal", "non-conviction-based", "civil", "settlement"]


def arw_rows(seed: int = 7, cases: int = 12) -> list[dict[str, str]]:
    """A synthetic file in the Asset Recovery Watch layout, in several currencies and years."""
    rng = random.Random(seed)
    rows = []
    for number in range(cases):
        origin = ORIGINS[number % len(ORIGINS)]
        for _asset in range(rng.randint(1, 3)):
            location = rng.choice(LOCATIONS)
            frozen_on = datetime.date(2010, 1, 4) + datetime.timedelta(days=rng.randint(0, 4000))
            frozen = Decimal(rng.randint(10_000, 50_000_000))
            row = dict.fromkeys(COLUMNS, "")
            row |= {
                "case_title": f"Case {number:02d} {origin}",
                "case_cluster": f"Cluster {number % 4}",
                "country_of_origin": origin,
                "country_of_asset_location": location,
                "transit_countries": "AE;SG" if number % 3 == 0 else "",
                "country_of_bribe_payer": "DE" if number % 2 else "",
                "offences": "uncac-17;uncac-23",
                "proceeding": rng.choice(PROCEEDINGS),
                "asset_type": rng.choice(TYPES),
                "currency": rng.choice(CURRENCIES),
                "amount_frozen": f"{frozen:.2f}",
                "frozen_on": frozen_on.isoformat(),
                "status": "frozen",
            }
            stage = rng.random()
            if stage > 0.3:
                confiscated_on = frozen_on + datetime.timedelta(days=rng.randint(100, 1500))
                confiscated = (frozen * Decimal(rng.randint(40, 100)) / 100).quantize(Decimal("0.01"))
                row |= {
                    "amount_confiscated": str(confiscated),
                    "confiscated_on": confiscated_on.isoformat(),
                    "status": "confiscated",
                }
                if stage > 0.6:
                    returned_on = confiscated_on + datetime.timedelta(days=rng.randint(30, 900))
                    returned = (confiscated * Decimal(rng.randint(50, 100)) / 100).quantize(Decimal("0.01"))
                    row |= {
                        "amount_returned": str(returned),
                        "returned_on": returned_on.isoformat(),
                        "returned_to": origin,
                        "status": "returned",
                    }
            elif stage < 0.1:
                row["status"] = "released"
            rows.append(row)
    return rows


def to_csv(rows: list[dict[str, str]], columns=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def independent_totals(rows, key, currency="USD"):
    """The same file's figures, computed with CurrencyConverter directly (no Comity code)."""
    converter = CurrencyConverter(fallback_on_missing_rate=True, fallback_on_missing_rate_method="last_known")
    totals = defaultdict(lambda: {"frozen": 0.0, "confiscated": 0.0, "returned": 0.0})
    for row in rows:
        for kind in ("frozen", "confiscated", "returned"):
            if not row[f"amount_{kind}"]:
                continue
            day = datetime.date.fromisoformat(row[f"{kind}_on"])
            value = converter.convert(float(row[f"amount_{kind}"]), row["currency"], currency, date=day)
            group = day.year if key == "year" else row[key] if key else None
            totals[group][kind] += value
    return totals


def test_figures_match_an_independent_computation_of_the_file(peru, tmp_path):
    rows = arw_rows()
    path = tmp_path / "arw.csv"
    path.write_bytes(to_csv(rows))
    call_command("import", "asset-cases", str(path), "--authority", str(peru.authority.pk))
    assert Asset.objects.count() == len(rows)
    client = bearer(peru.officer)
    for key in ("", "year", "country_of_origin", "country_of_asset_location", "proceeding", "asset_type"):
        for currency in ("USD", "EUR"):
            body = client.get("/api/v1/statistics/assets", {"group_by": key, "currency": currency}).json()
            expected = independent_totals(rows, key, currency)
            got = {None: body["total"]} if not key else {(g["key"][key]): g for g in body["groups"]}
            assert set(got) == set(expected), (key, currency)
            for group, amounts in expected.items():
                for kind, value in amounts.items():
                    assert got[group][kind] == pytest.approx(value, rel=1e-6, abs=0.05), (key, group, kind)
    body = client.get("/api/v1/statistics/assets").json()
    total = body["total"]
    assert body["funnel"]["returned_of_frozen"] == pytest.approx(
        total["returned"] / total["frozen"], abs=1e-4
    )
    settled = [r for r in rows if r["proceeding"] == "settlement"]
    assert body["settlements"]["assets"] == len(settled)
    assert body["time_to_confiscation"]["assets"] == len(rows)
    assert body["time_to_confiscation"]["events"] == sum(1 for r in rows if r["amount_confiscated"])


def test_as_of_counts_only_what_was_known_then(peru, tmp_path):
    rows = arw_rows(seed=3, cases=6)
    import_asset_cases(io.BytesIO(to_csv(rows)), "f.csv", authority=peru.authority, actor=None)
    cut = datetime.date(2016, 12, 31)
    known = [
        r
        | {
            k: ""
            for k in ("amount_confiscated", "amount_returned")
            if r[k.replace("amount_", "") + "_on"] and r[k.replace("amount_", "") + "_on"] > cut.isoformat()
        }
        for r in rows
        if r["frozen_on"] <= cut.isoformat()
    ]
    expected = independent_totals(known, "")[None]
    body = bearer(peru.officer).get("/api/v1/statistics/assets", {"as_of": cut.isoformat()}).json()
    for kind in ("frozen", "confiscated", "returned"):
        assert body["total"][kind] == pytest.approx(expected[kind], abs=0.05)


def test_roles_of_states(peru):
    rows = [
        dict.fromkeys(COLUMNS, "")
        | {
            "case_title": "A",
            "country_of_origin": "NG",
            "country_of_asset_location": "GB",
            "offences": "uncac-17",
            "asset_type": "cash",
            "status": "identified",
        },
        dict.fromkeys(COLUMNS, "")
        | {
            "case_title": "B",
            "country_of_origin": "GB",
            "country_of_asset_location": "CH",
            "initiating_country": "US",
            "offences": "uncac-16",
            "asset_type": "cash",
            "status": "identified",
        },
    ]
    import_asset_cases(io.BytesIO(to_csv(rows)), "f.csv", authority=peru.authority, actor=None)
    body = bearer(peru.officer).get("/api/v1/statistics/assets/roles").json()
    assert {s["country"]: s["role"] for s in body["states"]} == {
        "NG": "origin",
        "GB": "both",
        "CH": "asset-location",
        "US": "third",
    }
    assert {r["role"]: (r["count"], r["share"]) for r in body["roles"]} == {
        "origin": (1, 0.25),
        "asset-location": (1, 0.25),
        "both": (1, 0.25),
        "third": (1, 0.25),
    }


def test_export_gives_the_file_back_and_reimport_changes_nothing(peru, tmp_path):
    rows = arw_rows(seed=11, cases=5)
    data = to_csv(rows)
    import_asset_cases(io.BytesIO(data), "f.csv", authority=peru.authority, actor=None)
    out = tmp_path / "out.csv"
    call_command("export", "asset-cases", "--authority", str(peru.authority.pk), "--output", str(out))
    exported = list(csv.DictReader(io.StringIO(out.read_text())))
    normal = lambda r: tuple(r[c] for c in COLUMNS)  # noqa: E731
    assert sorted(map(normal, exported)) == sorted(map(normal, rows))
    again = import_asset_cases(io.BytesIO(out.read_bytes()), "out.csv", authority=peru.authority, actor=None)
    assert (again.created, again.unchanged) == (0, 5)


def test_problems_are_named_by_row_and_column_and_nothing_is_written(peru):
    good = arw_rows(seed=5, cases=3)
    bad = [dict(r) for r in good]
    bad[0]["amount_frozen"] = "-10"
    bad[1]["currency"] = "XXX1"
    bad[1]["amount_frozen"] = "10"
    first_confiscated = next(i for i, r in enumerate(bad) if r["amount_confiscated"])
    bad[first_confiscated]["confiscated_on"] = "2001-01-01"
    bad[2]["asset_type"] = "yacht"
    bad[-1]["country_of_origin"] = "XX"
    with pytest.raises(ImportRejected) as rejected:
        import_asset_cases(io.BytesIO(to_csv(bad)), "f.csv", authority=peru.authority, actor=None)
    where = {(p.row, p.column) for p in rejected.value.problems}
    assert (2, "amount_frozen") in where
    assert (3, "currency") in where
    assert (first_confiscated + 2, "confiscated_on") in where
    assert (4, "asset_type") in where
    assert (len(bad) + 1, "country_of_origin") in where
    assert not AssetCase.objects.exists() and not AssetStep.objects.exists()


def test_return_above_confiscation_needs_a_reason_in_notes(peru):
    row = dict.fromkeys(COLUMNS, "") | {
        "case_title": "Interest",
        "country_of_origin": "NG",
        "country_of_asset_location": "CH",
        "offences": "uncac-17",
        "proceeding": "criminal",
        "asset_type": "bank-account",
        "currency": "USD",
        "amount_frozen": "100",
        "frozen_on": "2010-01-05",
        "amount_confiscated": "100",
        "confiscated_on": "2012-01-05",
        "amount_returned": "120",
        "returned_on": "2014-01-05",
        "returned_to": "NG",
        "status": "returned",
    }
    with pytest.raises(ImportRejected) as rejected:
        import_asset_cases(io.BytesIO(to_csv([row])), "f.csv", authority=peru.authority, actor=None)
    assert [(p.row, p.column) for p in rejected.value.problems] == [(2, "notes")]
    row["notes"] = "Interest accrued while frozen"
    assert (
        import_asset_cases(
            io.BytesIO(to_csv([row])), "f.csv", authority=peru.authority, actor=None
        ).assets_created
        == 1
    )


def test_a_case_s_own_columns_agree_across_its_rows(peru):
    rows = arw_rows(seed=2, cases=1)
    rows.append(dict(rows[0]) | {"country_of_origin": "GH"})
    with pytest.raises(ImportRejected) as rejected:
        import_asset_cases(io.BytesIO(to_csv(rows)), "f.csv", authority=peru.authority, actor=None)
    assert (len(rows) + 1, "country_of_origin") in {(p.row, p.column) for p in rejected.value.problems}


def test_the_cli_reports_problems_and_exits_non_zero(peru, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(to_csv([dict.fromkeys(COLUMNS, "") | {"case_title": "X"}]))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "comity.config.cli",
            "import",
            "asset-cases",
            str(path),
            "--authority",
            "999999",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0


def test_the_cli_imports_with_its_progress_and_names_each_problem_by_row_and_column(peru, tmp_path, capsys):
    """`comity import asset-cases` as `comity import requests`: progress on standard error, the
    same result line, and a refusal listing every problem by row and column, nothing written."""
    rows = arw_rows(seed=5, cases=4)
    bad = [dict(rows[0]) | {"country_of_origin": "XX"}, dict(rows[1]) | {"frozen_on": "2020-13-01"}]
    path = tmp_path / "bad.csv"
    path.write_bytes(to_csv(bad))
    with pytest.raises(CommandError) as refused:
        call_command("import", "asset-cases", str(path), "--authority", str(peru.authority.pk))
    assert "Nothing was imported" in str(refused.value)
    assert "row 2, column country_of_origin" in str(refused.value)
    assert "row 3, column frozen_on" in str(refused.value)
    assert not AssetCase.objects.exists()

    path.write_bytes(to_csv(rows))
    out = io.StringIO()
    call_command("import", "asset-cases", str(path), "--authority", str(peru.authority.pk), stdout=out)
    assert f"checked: {len(rows)} rows" in capsys.readouterr().err
    assert out.getvalue().strip() == (
        f"Imported 4 asset recovery cases with {len(rows)} assets for {peru.authority} "
        f"(0 already present, {len(rows)} rows read)."
    )
    assert AssetCase.objects.count() == 4 and Asset.objects.count() == len(rows)


def test_asset_figures_count_only_the_cases_the_user_takes_part_in(peru, nigeria, secretariat_user):
    import_asset_cases(
        io.BytesIO(to_csv(arw_rows(seed=4, cases=3))), "f.csv", authority=peru.authority, actor=None
    )
    assert bearer(peru.officer).get("/api/v1/statistics/assets").json()["total"]["frozen"] > 0
    for outsider in (nigeria.officer, secretariat_user):
        body = bearer(outsider).get("/api/v1/statistics/assets").json()
        assert body["total"] == {
            "key": {},
            "assets": 0,
            "frozen": 0.0,
            "confiscated": 0.0,
            "returned": 0.0,
            "provisional": {"frozen": 0.0, "confiscated": 0.0, "returned": 0.0},
        }
        assert bearer(outsider).get("/api/v1/statistics/assets/roles").json()["states"] == []


def test_implausible_dates_and_overlong_texts_are_named_and_nothing_is_written(peru):
    rows = [dict(r) for r in arw_rows(seed=5, cases=3)]
    rows[0]["frozen_on"] = "0001-01-04"
    rows[1]["frozen_on"] = "2999-01-04"
    rows[2]["notes"] = "n" * 501
    rows[-1] = rows[-1] | {"case_title": "T" * 301}
    with pytest.raises(ImportRejected) as rejected:
        import_asset_cases(io.BytesIO(to_csv(rows)), "f.csv", authority=peru.authority, actor=None)
    found = {(p.row, p.column): p.reason for p in rejected.value.problems}
    assert "0001-01-04 is before 1950-01-01" in found[(2, "frozen_on")]
    assert "2999-01-04 is in the future" in found[(3, "frozen_on")]
    assert found[(4, "notes")] == "At most 500 characters; this has 501."
    assert found[(len(rows) + 1, "case_title")] == "At most 300 characters; this has 301."
    assert not AssetCase.objects.exists()


def test_amounts_out_of_range_are_named_by_row_and_column_and_nothing_is_written(peru):
    rows = [dict(r) for r in arw_rows(seed=6, cases=2)]
    rows[0]["amount_frozen"] = "1e30"
    rows[1]["amount_frozen"] = "1000000000000000"
    with pytest.raises(ImportRejected) as rejected:
        import_asset_cases(io.BytesIO(to_csv(rows)), "f.csv", authority=peru.authority, actor=None)
    found = {(p.row, p.column) for p in rejected.value.problems}
    assert {(2, "amount_frozen"), (3, "amount_frozen")} <= found
    assert not AssetCase.objects.exists()


HISTORY = ("status", "frozen_on", "review_on", "confiscated_on", "returned_on", "last_step_on", "proceeding")


def test_an_imported_asset_has_the_history_an_asset_made_through_the_api_has(peru):
    """The import wrote five of the seven history fields the services set, and no identification
    day; the figures compensated. It now writes through the same service (#19 item 1)."""
    row = dict.fromkeys(COLUMNS, "") | {
        "case_title": "Imported",
        "country_of_origin": "PE",
        "country_of_asset_location": "CH",
        "offences": "uncac-23",
        "proceeding": "",
        "asset_type": "bank-account",
        "currency": "USD",
        "amount_frozen": "1000000.00",
        "frozen_on": "2019-03-01",
        "amount_confiscated": "800000.00",
        "confiscated_on": "2021-06-15",
        "status": "confiscated",
    }
    rows = [row]
    import_asset_cases(io.BytesIO(to_csv(rows)), "f.csv", authority=peru.authority, actor=peru.officer)
    imported = Asset.objects.get(case__title="Imported")

    client = bearer(peru.officer)
    case = client.post("/api/v1/asset-cases", {"title": "Typed", "origin_country": "PE", "offences": ["uncac-23"]},
                       content_type="application/json").json()  # fmt: skip
    asset = client.post(f"/api/v1/asset-cases/{case['id']}/assets",
                        {"type": "bank-account", "location_country": "CH", "identified_on": "2019-03-01"},
                        content_type="application/json").json()  # fmt: skip
    for step in (
        {"kind": "frozen", "on": "2019-03-01", "amount": "1000000", "currency": "USD"},
        {
            "kind": "confiscated",
            "on": "2021-06-15",
            "amount": "800000",
            "currency": "USD",
            "proceeding": "criminal",
        },
    ):
        response = client.post(f"/api/v1/asset-cases/{case['id']}/assets/{asset['id']}/steps", step,
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 201, response.content
    typed = Asset.objects.get(pk=asset["id"])
    assert {f: getattr(imported, f) for f in HISTORY} == {f: getattr(typed, f) for f in HISTORY}
    assert imported.identified_on == datetime.date(2019, 3, 1) == typed.identified_on


def test_an_import_is_one_audit_row_whatever_it_holds(peru, tmp_path):
    """One audit row per import, for asset cases as for requests (#19 item 2), naming the
    authority that imported; the rows' content is in the records, not the audit trail."""
    import_asset_cases(
        io.BytesIO(to_csv(arw_rows(cases=5))), "f.csv", authority=peru.authority, actor=peru.officer
    )
    assert AssetCase.objects.count() == 5
    entry = AuditEntry.objects.get(action="asset_case.import")
    assert (entry.object_type, entry.object_id) == ("accounts.authority", str(peru.authority.pk))


def test_an_import_writes_in_bulk_not_case_by_case(peru):
    """The import writes a batch of cases in a handful of statements (a bulk form of the services'
    writes, #19 item 1), not several statements a case and an asset."""
    rows = arw_rows(seed=9, cases=40)
    with CaptureQueriesContext(connection) as queries:
        import_asset_cases(io.BytesIO(to_csv(rows)), "f.csv", authority=peru.authority, actor=peru.officer)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert AssetCase.objects.count() == 40 and Asset.objects.count() == len(rows)
    assert len(writes) < 20, writes
