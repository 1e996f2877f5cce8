"""Query counts declared once (DESIGN.md lesson 14, NetBox's query_counts.json): every list and
detail of requests, asset cases and the public log runs the number of queries that
tests/query_counts.json pins for it, whatever the number of rows, so a regression shows as a one-
line diff. After a deliberate change: COMITY_WRITE_QUERY_COUNTS=1 pytest tests/test_query_counts.py
rewrites the file with what was measured (review the diff)."""

import datetime
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comity.accounts.tests.factories import AuthorityFactory
from comity.assets import services as assets
from comity.assets.choices import StepKind
from comity.guidance import services as guidance
from comity.guidance.models import LibraryDocument
from comity.guidance.tests.helpers import document as guidance_document
from comity.ledger import services as ledger
from comity.ledger.tests.test_services import AGREEMENT, PAYMENT
from comity.network import services as network
from comity.network.tests.helpers import ENTRY, hub
from comity.network.tests.test_consultations_api import PDF, members
from comity.reference.choices import Measure
from conftest import bearer, make_request

DAY = datetime.date(2024, 3, 1)

COUNTS_FILE = Path(__file__).parent / "query_counts.json"


@pytest.fixture(autouse=True)
def _ledger_key(_ledger_key_in_tmp):
    ledger.ensure_key()


def _grow(peru, switzerland, n: int) -> dict[str, int]:
    """`n` more requests, asset cases and return agreements; the last case has `n + 1` assets, each
    with a step, its management, a valuation, a cost, a contact, a claim and a foreign order, and
    the last agreement `n + 1` disbursements, so that a detail whose query count grows with what it
    holds fails as a list does. The ids of the last ones."""
    officer, abroad = peru.officer, switzerland.officer
    for _ in range(n):
        request = make_request(peru, switzerland)
        case = assets.case_create(
            actor=officer,
            title="Case",
            origin_country="PE",
            offences=["uncac-23"],
            participants=[switzerland.authority],
        )
        assets.case_link_request(actor=officer, case=case, request=request)
        notice = assets.notice_publish(actor=officer, case=case, published_on=DAY, medium="Official Gazette")
        agreement = ledger.agreement_record(actor=officer, data=AGREEMENT)
    for _asset in range(n + 1):
        asset = assets.asset_add(
            actor=officer, case=case, type="vessel", location_country="CH", identified_on=DAY
        )
        assets.step_record(
            actor=abroad, asset=asset, kind=StepKind.FROZEN, on=DAY, amount=Decimal(900_000), currency="USD"
        )
        assets.management_set(actor=abroad, asset=asset, custodian="Asset management office")
        assets.valuation_record(actor=abroad, asset=asset, on=DAY, value=Decimal(800_000), currency="USD")
        assets.cost_record(
            actor=abroad, asset=asset, on=DAY, amount=Decimal(5_000), currency="USD", description="Mooring"
        )
        assets.contact_record(actor=officer, case=case, asset=asset, on=DAY, country="CH")
        assets.claim_lodge(
            actor=abroad,
            asset=asset,
            claimant="Bank",
            claimant_kind="third-party",
            basis="Mortgage",
            lodged_on=DAY,
            notice=notice,
        )
        assets.foreign_order_register(
            actor=abroad,
            case=case,
            asset=asset,
            kind="final",
            issuing_country="PE",
            court="High Court",
            issued_on=DAY,
            received_on=DAY,
        )
        ledger.disbursement_record(actor=officer, agreement_index=agreement.leaf_index, data=PAYMENT)
    for _entry in range(n):  # the directory: n more Swiss authorities, the last with n + 1 contacts
        authority = AuthorityFactory(country="CH")
        entry = network.directory_entry_save(actor=None, authority=authority, **ENTRY)
        network.notify(users=[officer], kind="message", url="/network/")
    for index in range(n + 1):
        network.contact_save(actor=None, entry=entry, name=f"Contact {index}", urgent=index == n)
    return {
        "request": request.pk,
        "case": case.pk,
        "agreement": agreement.leaf_index,
        "authority": authority.pk,
    }


def _views(last: dict[str, int]) -> dict[str, tuple[str, str]]:
    """name: (who reads, address)."""
    return {
        "page /requests/": ("page", "/requests/"),
        "page /requests/{id}/": ("page", f"/requests/{last['request']}/"),
        "api /api/v1/requests": ("api", "/api/v1/requests"),
        "api /api/v1/requests/{id}": ("api", f"/api/v1/requests/{last['request']}"),
        "page /asset-cases/": ("page", "/asset-cases/"),
        "page /asset-cases/{id}/": ("page", f"/asset-cases/{last['case']}/"),
        "api /api/v1/asset-cases": ("api", "/api/v1/asset-cases"),
        "api /api/v1/asset-cases/{id}": ("api", f"/api/v1/asset-cases/{last['case']}"),
        "page /asset-cases/follow-up/": ("page", "/asset-cases/follow-up/"),
        "api /api/v1/asset-cases/follow-up": ("api", "/api/v1/asset-cases/follow-up"),
        "page /network/": ("page", "/network/"),
        "page /network/directory/{id}/": ("page", f"/network/directory/{last['authority']}/"),
        "page /network/finder/": ("page", "/network/finder/?country=CH&measure=freezing&urgent=on"),
        "page /network/inbox/": ("page", "/network/inbox/"),
        "api /api/v1/network/directory": ("api", "/api/v1/network/directory"),
        "api /api/v1/network/finder": ("api", "/api/v1/network/finder?country=CH&urgent=true"),
        "page /ledger/": ("public", "/ledger/"),
        "page /ledger/agreements/{index}/": ("public", f"/ledger/agreements/{last['agreement']}/"),
        "api /api/v1/ledger/sth": ("public", "/api/v1/ledger/sth"),
        "api /api/v1/ledger/entries": (
            "public",
            f"/api/v1/ledger/entries?start=0&end={last['agreement'] + 1}",
        ),
    }


def _measure(clients: dict[str, Client], views: dict[str, tuple[str, str]]) -> dict[str, int]:
    measured = {}
    for name, (who, url) in views.items():
        clients[who].get(url)  # warm: per-process caches (vocabularies, filter forms) are not per page
        with CaptureQueriesContext(connection) as queries:
            response = clients[who].get(url)
        assert response.status_code == 200, (name, response.status_code)
        measured[name] = len(queries)
    return measured


def test_every_list_and_detail_runs_the_pinned_number_of_queries(peru, switzerland):
    page = Client()
    page.force_login(peru.officer)
    clients = {"page": page, "api": bearer(peru.officer), "public": Client()}
    hub(peru, switzerland)
    few = _measure(clients, _views(_grow(peru, switzerland, 1)))
    more = _measure(clients, _views(_grow(peru, switzerland, 3)))
    assert few == more, f"the query count grows with the rows: {few} then {more}"
    _assert_pinned(more)


def _assert_pinned(measured: dict[str, int]) -> None:
    """The counts measured are those pinned (or, with COMITY_WRITE_QUERY_COUNTS, become them)."""
    pinned = json.loads(COUNTS_FILE.read_text()) if COUNTS_FILE.exists() else {}
    if os.environ.get("COMITY_WRITE_QUERY_COUNTS"):
        for name, count in measured.items():
            entry = pinned.setdefault(name, {"all": count})
            if entry["all"] != count:
                entry[connection.vendor] = count
        COUNTS_FILE.write_text(json.dumps(pinned, indent=2, sort_keys=True) + "\n")
    expected = {name: counts.get(connection.vendor, counts["all"]) for name, counts in pinned.items()}
    assert measured == {name: expected.get(name) for name in measured}


def _grow_network(peru, switzerland, n: int) -> tuple[int, int]:
    """`n` more alerts from Peru to Switzerland, the last with `n + 1` assets, acknowledged, and
    frozen in Peru's case; `n` more meetings, the last with `n + 1` action items; the last ids."""
    case = assets.case_create(actor=peru.officer, title="Case", origin_country="PE", offences=["uncac-23"])
    for _ in range(n):
        alert = network.alert_send(
            actor=peru.officer,
            to_authority=switzerland.authority,
            assets=[
                network.AlertAssetInput(
                    identifier_kind="account", identifier=f"ACC-{i}", amount=Decimal(9), currency="USD"
                )
                for i in range(n + 1)
            ],
            reason="Urgent.",
            deadline=timezone.now() + datetime.timedelta(days=1),
            asset_case=case,
        )
    network.alert_acknowledge(actor=switzerland.officer, alert=alert)
    network.alert_outcome(actor=switzerland.officer, alert=alert, outcome="frozen")
    for _ in range(n):
        meeting = network.meeting_plan(
            actor=peru.officer,
            title="Coordination",
            starts_at=timezone.now() + datetime.timedelta(days=2),
            participants=[switzerland.authority],
            asset_cases=[case],
        )
    for _ in range(n + 1):
        network.action_item_add(
            actor=peru.officer, meeting=meeting, text="Send", owner=switzerland.officer, due_on=DAY
        )
    return alert.pk, meeting.pk


def test_the_networks_lists_run_the_pinned_number_of_queries(peru, switzerland):
    hub = network.network_create(actor=None, code="hub", name="Hub")
    for side in (peru, switzerland):
        membership = network.membership_request(actor=None, network=hub, authority=side.authority)
        network.membership_decide(actor=None, membership=membership, approve=True)
    page = Client()
    page.force_login(peru.officer)
    clients = {"page": page, "api": bearer(peru.officer)}

    def views(last: tuple[int, int]) -> dict[str, tuple[str, str]]:
        alert, meeting = last
        return {
            "page /network/alerts/": ("page", "/network/alerts/"),
            "page /network/alerts/{id}/": ("page", f"/network/alerts/{alert}/"),
            "api /api/v1/alerts": ("api", "/api/v1/alerts"),
            "api /api/v1/alerts/{id}": ("api", f"/api/v1/alerts/{alert}"),
            "page /network/meetings/": ("page", "/network/meetings/"),
            "page /network/meetings/{id}/": ("page", f"/network/meetings/{meeting}/"),
            "api /api/v1/meetings": ("api", "/api/v1/meetings"),
            "api /api/v1/meetings/{id}": ("api", f"/api/v1/meetings/{meeting}"),
        }

    few = _measure(clients, views(_grow_network(peru, switzerland, 1)))
    more = _measure(clients, views(_grow_network(peru, switzerland, 3)))
    assert few == more, f"the query count grows with the rows: {few} then {more}"
    _assert_pinned(more)


def _grow_consultations(peru, switzerland, n: int) -> int:
    """`n` more consultations between Peru and Switzerland, the last with `n + 1` messages, each
    with a draft attachment and read by the other side; the last one's id."""
    for _ in range(n):
        consultation = network.consultation_open(
            actor=peru.officer,
            participants=[switzerland.authority],
            subject="Consultation",
            handling="TLP:AMBER",
        )
    for position in range(n + 1):
        network.consultation_post(
            actor=switzerland.officer if position % 2 else peru.officer,
            consultation=consultation,
            body="Message",
            attachments=[network.AttachmentInput(name="draft.pdf", content=PDF)],
        )
        reader = peru.officer if position % 2 else switzerland.officer
        network.consultation_mark_read(
            user=reader, consultation=network.Consultation.objects.get(pk=consultation.pk)
        )
    return consultation.pk


def test_the_consultations_run_the_pinned_number_of_queries(peru, switzerland):
    members(peru, switzerland)
    page = Client()
    page.force_login(peru.officer)
    clients = {"page": page, "api": bearer(peru.officer)}

    def views(last: int) -> dict[str, tuple[str, str]]:
        return {
            "page /network/consultations/": ("page", "/network/consultations/"),
            "page /network/consultations/{id}/": ("page", f"/network/consultations/{last}/"),
            "api /api/v1/consultations": ("api", "/api/v1/consultations"),
            "api /api/v1/consultations/{id}": ("api", f"/api/v1/consultations/{last}"),
        }

    few = _measure(clients, views(_grow_consultations(peru, switzerland, 1)))
    more = _measure(clients, views(_grow_consultations(peru, switzerland, 3)))
    assert few == more, f"the query count grows with the rows: {few} then {more}"
    _assert_pinned(more)


def guidance_library_first() -> int:
    return LibraryDocument.objects.order_by("pk").values_list("pk", flat=True)[0]


def test_the_requirement_profiles_run_the_pinned_number_of_queries(peru, switzerland):
    """A profile with every measure and more elements, and three States compared, take as many
    queries as small ones (#23 items 1, 2)."""
    page = Client()
    page.force_login(peru.officer)
    clients = {"page": page, "api": bearer(peru.officer)}

    def grow(n: int) -> None:
        for country in ("CH", "PE", "NG"):
            raw = guidance_document(country)
            for measure in list(Measure.values)[: 2 * n]:
                raw["measures"][measure] = {
                    "elements": [
                        {
                            "code": f"e{i}",
                            "label": "E",
                            "level": "required",
                            "source": "S",
                            "confirmed_on": "2026-01-01",
                        }
                        for i in range(n + 1)
                    ]
                }
            guidance.profile_import(actor=None, raw=raw)
        offence = {
            "name": "Offence",
            "statute": "Code",
            "article": "1",
            "max_penalty": "5 years",
            "legal_persons_liable": True,
            "conduct": ["bribe-official-give", "bribe-official-take"],
            "source": "S",
            "confirmed_on": "2026-01-01",
        }
        guidance.national_offences_import(
            actor=None,
            raw={"format": "comity-national-offences/1", "country": "CH", "offences": [offence] * (n + 1)},
        )
        for _ in range(n + 1):
            guidance.library_add(
                actor=None,
                values={
                    "country": "CH",
                    "title": "Act",
                    "kind": "law",
                    "language": "de",
                    "measures": ["freezing"],
                },
            )

    views = {
        "page /guidance/": ("page", "/guidance/"),
        "page /guidance/{country}/": ("page", "/guidance/CH/"),
        "page /guidance/compare/": (
            "page",
            "/guidance/compare/?countries=CH&countries=PE&countries=NG&measure=freezing",
        ),
        "page /guidance/dual-criminality/": (
            "page",
            "/guidance/dual-criminality/?requesting_country=PE&requested_country=CH&offences=uncac-15"
            "&measures=freezing&conduct=bribe-official-give&conduct=bribe-official-take",
        ),
        "page /guidance/crosswalk/": ("page", "/guidance/crosswalk/"),
        "page /guidance/library/": ("page", "/guidance/library/?q=act&country=CH"),
        "page /guidance/library/{id}/": ("page", "/guidance/library/{id}/"),
        "api /api/v1/guidance/offences/{country}": ("api", "/api/v1/guidance/offences/CH"),
        "api /api/v1/guidance/profiles/{country}": ("api", "/api/v1/guidance/profiles/CH"),
        "api /api/v1/guidance/compare": (
            "api",
            "/api/v1/guidance/compare?countries=CH,PE,NG&measure=freezing",
        ),
    }
    grow(1)
    first = guidance_library_first()
    views = {name: (who, url.replace("{id}", str(first))) for name, (who, url) in views.items()}
    few = _measure(clients, views)
    grow(3)
    more = _measure(clients, views)
    assert few == more, f"the query count grows with the rows: {few} then {more}"
    _assert_pinned(more)
