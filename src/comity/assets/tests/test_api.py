"""The asset recovery API: scoping, the measure history and its bad input."""

import datetime

import pytest

from comity.assets.models import Asset, AssetStep
from comity.core.models import AccessEntry, AuditEntry
from conftest import bearer, make_request

pytestmark = pytest.mark.django_db

CASE = {
    "title": "Odebrecht – Peruvian officials",
    "cluster": "Odebrecht",
    "origin_country": "PE",
    "asset_location_countries": ["CH"],
    "transit_countries": ["PA"],
    "bribe_payer_country": "BR",
    "offences": ["uncac-15", "uncac-23"],
    "persons": [{"kind": "natural", "role": "public-official", "name": "Former minister A."}],
}
ACCOUNT = {
    "type": "bank-account",
    "location_country": "CH",
    "identifier_kind": "iban",
    "identifier": "CH93 0076 2011 6238 5295 7",
    "holder": "Shell Co. Ltd",
    "institution": "Bank in Geneva",
    "identified_on": "2017-02-01",
}


def _case(client, participants=()):
    response = client.post(
        "/api/v1/asset-cases", CASE | {"participants": list(participants)}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _asset(client, case_id, **overrides):
    response = client.post(
        f"/api/v1/asset-cases/{case_id}/assets", ACCOUNT | overrides, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def _step(client, case_id, asset_id, **step):
    return client.post(
        f"/api/v1/asset-cases/{case_id}/assets/{asset_id}/steps", step, content_type="application/json"
    )


def test_a_case_is_seen_by_its_participants_only_and_each_read_is_logged(
    peru, switzerland, nigeria, secretariat_user
):
    case = _case(bearer(peru.officer), participants=[switzerland.authority.pk])
    assert case["participants"][0]["country"] == "PE"
    assert bearer(switzerland.viewer).get(f"/api/v1/asset-cases/{case['id']}").status_code == 200
    for outsider in (nigeria.head, secretariat_user):
        client = bearer(outsider)
        assert client.get(f"/api/v1/asset-cases/{case['id']}").status_code == 404
        assert client.get("/api/v1/asset-cases").json() == []
        assert client.get("/api/v1/asset-cases/follow-up").json() == []
        assert _step(client, case["id"], 1, kind="closed").status_code == 404
    assert AccessEntry.objects.filter(object_type="assets.assetcase", object_id=str(case["id"])).count() >= 2
    assert bearer(peru.officer).get("/api/v1/asset-cases").json()[0]["title"] == CASE["title"]


def test_anonymous_is_refused_everywhere(client):
    for url in (
        "/api/v1/asset-cases",
        "/api/v1/asset-cases/1",
        "/api/v1/asset-cases/follow-up",
        "/api/v1/statistics/assets",
        "/api/v1/statistics/assets/roles",
    ):
        assert client.get(url).status_code == 401, url
    assert client.post("/api/v1/asset-cases", CASE, content_type="application/json").status_code == 401


def test_a_viewer_reads_but_may_not_write(peru):
    case = _case(bearer(peru.officer))
    response = bearer(peru.viewer).post(
        f"/api/v1/asset-cases/{case['id']}/assets", ACCOUNT, content_type="application/json"
    )
    assert response.status_code == 403


def test_history_from_freezing_to_return_with_conversions_stored(peru):
    client = bearer(peru.officer)
    case = _case(client)
    asset = _asset(client, case["id"])
    assert asset["identifier"] == "CH9300762011623852957"  # validated, stored compact
    frozen = _step(
        client,
        case["id"],
        asset["id"],
        kind="frozen",
        on="2017-03-01",
        amount="1000000",
        currency="CHF",
        order_country="CH",
        review_on="2018-03-01",
    )
    assert frozen.status_code == 201, frozen.content
    body = frozen.json()
    assert body["rate_source"] == "ECB" and float(body["usd_rate"]) > 0.9
    assert float(body["usd_amount"]) == pytest.approx(1_000_000 * float(body["usd_rate"]), abs=0.01)
    assert (
        _step(
            client,
            case["id"],
            asset["id"],
            kind="confiscated",
            on="2019-05-02",
            amount="800000",
            currency="CHF",
            proceeding="criminal",
        ).status_code
        == 201
    )
    assert (
        _step(
            client,
            case["id"],
            asset["id"],
            kind="returned",
            on="2020-06-15",
            amount="500000",
            currency="CHF",
            returned_to_country="PE",
            return_agreement="PE–CH 2020",
        ).status_code
        == 201
    )
    stored = Asset.objects.get(pk=asset["id"])
    assert (stored.status, stored.frozen_on, stored.confiscated_on) == (
        "returned",
        datetime.date(2017, 3, 1),
        datetime.date(2019, 5, 2),
    )
    assert AuditEntry.objects.filter(
        action="asset.step", detail__kind="returned", object_id=str(asset["id"])
    ).exists()


@pytest.mark.parametrize(
    ("steps", "bad", "field", "words"),
    [
        ([], {"kind": "frozen", "on": "2017-03-01", "amount": "-5", "currency": "CHF"}, "amount", "negative"),
        ([], {"kind": "frozen", "on": "2017-03-01", "amount": "5", "currency": "XYZ"}, "currency", "XYZ"),
        (
            [{"kind": "frozen", "on": "2017-03-01", "amount": "5", "currency": "CHF"}],
            {
                "kind": "confiscated",
                "on": "2017-01-01",
                "amount": "5",
                "currency": "CHF",
                "proceeding": "criminal",
            },
            "on",
            "precede the freezing",
        ),
        (
            [
                {"kind": "frozen", "on": "2017-03-01", "amount": "5", "currency": "CHF"},
                {"kind": "released", "on": "2017-04-01"},
            ],
            {
                "kind": "confiscated",
                "on": "2017-05-01",
                "amount": "5",
                "currency": "CHF",
                "proceeding": "criminal",
            },
            "kind",
            "released",
        ),
        (
            [
                {"kind": "frozen", "on": "2017-03-01", "amount": "100", "currency": "CHF"},
                {
                    "kind": "confiscated",
                    "on": "2017-05-01",
                    "amount": "100",
                    "currency": "CHF",
                    "proceeding": "civil",
                },
            ],
            {
                "kind": "returned",
                "on": "2018-05-01",
                "amount": "150",
                "currency": "CHF",
                "returned_to_country": "PE",
            },
            "reason",
            "more than",
        ),
        ([], {"kind": "frozen", "on": "2017-03-01", "amount": "5", "currency": "NGN"}, "currency", "NGN"),
        (
            [
                {
                    "kind": "confiscated",
                    "on": "2017-05-01",
                    "amount": "100",
                    "currency": "CHF",
                    "proceeding": "criminal",
                }
            ],
            {"kind": "frozen", "on": "2017-05-06", "amount": "100", "currency": "CHF"},
            "on",
            "cannot follow the confiscation",
        ),
        (
            [
                {"kind": "frozen", "on": "2017-03-01", "amount": "100", "currency": "CHF"},
                {
                    "kind": "confiscated",
                    "on": "2017-05-01",
                    "amount": "100",
                    "currency": "CHF",
                    "proceeding": "civil",
                },
                {
                    "kind": "returned",
                    "on": "2018-05-01",
                    "amount": "100",
                    "currency": "CHF",
                    "returned_to_country": "PE",
                },
            ],
            {"kind": "frozen", "on": "2018-06-01", "amount": "100", "currency": "CHF"},
            "on",
            "cannot follow the confiscation",
        ),
        (
            [],
            {
                "kind": "returned",
                "on": "2018-05-01",
                "amount": "1",
                "currency": "CHF",
                "returned_to_country": "PE",
            },
            "kind",
            "Nothing has been confiscated",
        ),
    ],
)
def test_bad_steps_name_the_field_and_write_nothing(peru, steps, bad, field, words):
    client = bearer(peru.officer)
    case = _case(client)
    asset = _asset(client, case["id"])
    for step in steps:
        assert _step(client, case["id"], asset["id"], **step).status_code == 201
    before = AssetStep.objects.count()
    response = _step(client, case["id"], asset["id"], **bad)
    assert response.status_code == 422, response.content
    errors = {e["field"]: e["detail"] for e in response.json()["errors"]}
    assert words in errors[field]
    assert AssetStep.objects.count() == before


def test_a_return_above_the_confiscation_is_allowed_with_a_reason(peru):
    client = bearer(peru.officer)
    case = _case(client)
    asset = _asset(client, case["id"])
    _step(client, case["id"], asset["id"], kind="frozen", on="2017-03-01", amount="100", currency="CHF")
    _step(
        client,
        case["id"],
        asset["id"],
        kind="confiscated",
        on="2017-05-01",
        amount="100",
        currency="CHF",
        proceeding="settlement",
    )
    response = _step(
        client,
        case["id"],
        asset["id"],
        kind="returned",
        on="2019-05-01",
        amount="104",
        currency="CHF",
        returned_to_country="PE",
        reason="Interest accrued on the blocked account",
    )
    assert response.status_code == 201


def test_malformed_identifiers_and_unknown_codes_are_refused(peru):
    client = bearer(peru.officer)
    case = _case(client)
    response = client.post(
        f"/api/v1/asset-cases/{case['id']}/assets",
        ACCOUNT | {"identifier": "CH93 0076 2011 6238 5295 8"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "IBAN" in response.json()["errors"][0]["detail"]
    response = client.post(
        "/api/v1/asset-cases",
        CASE | {"offences": ["bribery"], "initiating_country": "PE"},
        content_type="application/json",
    )
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"offences", "initiating_country"}
    assert not Asset.objects.exists()


def test_linked_requests_must_be_visible(peru, switzerland, nigeria):
    theirs = make_request(switzerland, nigeria)
    ours = make_request(peru, switzerland)
    client = bearer(peru.officer)
    response = client.post(
        "/api/v1/asset-cases", CASE | {"requests": [theirs.pk]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert _case(client) and client.post(
        "/api/v1/asset-cases", CASE | {"requests": [ours.pk]}, content_type="application/json"
    ).json()["requests"] == [ours.pk]


def test_foreign_order_registration_waits_for_certification_and_translation(peru, switzerland):
    client = bearer(switzerland.officer)
    case = _case(bearer(peru.officer), participants=[switzerland.authority.pk])
    order = client.post(
        f"/api/v1/asset-cases/{case['id']}/foreign-orders",
        {
            "kind": "final",
            "issuing_country": "PE",
            "court": "Corte Superior de Lima",
            "issued_on": "2020-01-10",
            "received_on": "2020-02-01",
            "conviction_based": False,
        },
        content_type="application/json",
    ).json()
    assert len(order["missing_for_registration"]) == 3
    url = f"/api/v1/asset-cases/{case['id']}/foreign-orders/{order['id']}/steps"
    assert (
        client.post(
            url, {"kind": "registration-applied", "on": "2020-02-10"}, content_type="application/json"
        ).status_code
        == 201
    )
    refused = client.post(url, {"kind": "registered", "on": "2020-03-01"}, content_type="application/json")
    assert refused.status_code == 422 and "certified copy" in refused.json()["errors"][0]["detail"]
    done = client.post(
        url,
        {"kind": "registered", "on": "2020-03-01", "certified": True, "translated": True},
        content_type="application/json",
    )
    assert done.status_code == 201 and done.json()["status"] == "registered"


def test_management_costs_valuations_and_claims(peru, switzerland):
    client = bearer(switzerland.officer)
    case = _case(bearer(peru.officer), participants=[switzerland.authority.pk])
    asset = _asset(client, case["id"], type="vessel", identifier_kind="imo", identifier="IMO 9074729")
    base = f"/api/v1/asset-cases/{case['id']}/assets/{asset['id']}"
    _step(client, case["id"], asset["id"], kind="frozen", on="2021-01-05", amount="2000000", currency="USD")
    assert (
        client.put(
            f"{base}/management",
            {"custodian": "Port authority of Geneva", "insured": True},
            content_type="application/json",
        ).status_code
        == 200
    )
    for on, value in (("2021-01-05", "2000000"), ("2022-01-05", "1500000")):
        client.post(
            f"{base}/valuations",
            {"on": on, "value": value, "currency": "USD"},
            content_type="application/json",
        )
    cost = client.post(
        f"{base}/costs",
        {"on": "2021-06-30", "amount": "-1", "currency": "EUR", "description": "Mooring"},
        content_type="application/json",
    )
    assert cost.status_code == 422 and cost.json()["errors"][0]["field"] == "amount"
    notice = client.post(
        f"/api/v1/asset-cases/{case['id']}/notices",
        {"published_on": "2021-02-01", "medium": "Official Gazette", "deadline_on": "2021-05-01"},
        content_type="application/json",
    ).json()
    claim = client.post(
        f"{base}/claims",
        {
            "claimant": "Crew wages fund",
            "claimant_kind": "third-party",
            "basis": "Unpaid wages",
            "lodged_on": "2021-03-01",
            "amount": "120000",
            "currency": "USD",
            "notice": notice["id"],
        },
        content_type="application/json",
    ).json()
    decided = client.post(
        f"/api/v1/asset-cases/{case['id']}/claims/{claim['id']}/decision",
        {"status": "accepted", "decided_on": "2021-09-01", "decision": "Wages paid first."},
        content_type="application/json",
    )
    assert decided.json()["status"] == "accepted"
    detail = client.get(f"/api/v1/asset-cases/{case['id']}").json()
    vessel = detail["assets"][0]
    assert vessel["management"]["custodian"] == "Port authority of Geneva"
    assert any("fell 25%" in alert for alert in vessel["alerts"])


def test_follow_up_lists_assets_frozen_abroad_with_their_alerts(peru, settings):
    client = bearer(peru.officer)
    case = _case(client)
    today = datetime.date.today()
    abroad = _asset(client, case["id"], identified_on=(today - datetime.timedelta(days=400)).isoformat())
    _step(
        client,
        case["id"],
        abroad["id"],
        kind="frozen",
        on=(today - datetime.timedelta(days=300)).isoformat(),
        amount="10",
        currency="USD",
        review_on=(today + datetime.timedelta(days=10)).isoformat(),
    )
    home = _asset(client, case["id"], location_country="PE", identifier="", identifier_kind="")
    only_identified = _asset(
        client,
        case["id"],
        identifier="",
        identifier_kind="",
        identified_on=(today - datetime.timedelta(days=3)).isoformat(),
    )
    rows = client.get("/api/v1/asset-cases/follow-up").json()
    by_asset = {row["asset"]["id"]: row for row in rows}
    assert set(by_asset) == {abroad["id"], only_identified["id"]} and home["id"] not in by_asset
    alerts = " ".join(by_asset[abroad["id"]]["alerts"])
    assert "expires or is reviewed in 10 days" in alerts and "Nothing happened for 300 days" in alerts
    assert "urgent freezing" in " ".join(by_asset[only_identified["id"]]["alerts"])
    client.post(
        f"/api/v1/asset-cases/{case['id']}/contacts",
        {"on": today.isoformat(), "country": "CH", "asset": abroad["id"]},
        content_type="application/json",
    )
    row = {r["asset"]["id"]: r for r in client.get("/api/v1/asset-cases/follow-up").json()}[abroad["id"]]
    assert row["last_contact_on"] == today.isoformat() and not any(
        "Nothing happened" in a for a in row["alerts"]
    )


def test_every_asset_endpoint_refuses_the_anonymous_and_outsiders(client, peru, nigeria):
    """Walks the OpenAPI schema, so that an endpoint added later is covered too."""
    case = _case(bearer(peru.officer))
    asset = _asset(bearer(peru.officer), case["id"])
    ids = {"case_id": case["id"], "asset_id": asset["id"], "claim_id": 1, "order_id": 1}
    schema = client.get("/api/openapi.json").json()
    paths = [p for p in schema["paths"] if p.startswith("/api/v1/asset-cases")]
    assert len(paths) >= 12
    outsider = bearer(nigeria.officer)
    for path in paths:
        url = path.format(**ids)
        for method in schema["paths"][path]:
            call = getattr(client, method)
            assert call(url, {}, content_type="application/json").status_code == 401, (method, path)
            if "{case_id}" in path:
                response = getattr(outsider, method)(url, {}, content_type="application/json")
                assert response.status_code in (404, 422) if method != "get" else response.status_code == 404
                assert case["title"] not in response.content.decode()


def test_texts_and_dates_are_bounded_on_every_asset_write(peru):
    client = bearer(peru.officer)
    response = client.post(
        "/api/v1/asset-cases", CASE | {"summary": "s" * 200_000}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "summary"
    case = _case(client)
    response = client.post(
        f"/api/v1/asset-cases/{case['id']}/assets",
        ACCOUNT | {"identified_on": "0001-02-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["identified_on"]
    asset = _asset(client, case["id"])
    for step, field in (
        ({"kind": "frozen", "on": "1025-03-01", "amount": "10", "currency": "CHF"}, "on"),
        (
            {"kind": "frozen", "on": "2017-03-01", "amount": "10", "currency": "CHF", "note": "n" * 5_001},
            "note",
        ),
        (
            {
                "kind": "frozen",
                "on": "2017-03-01",
                "amount": "10",
                "currency": "CHF",
                "review_on": "0001-01-01",
            },
            "review_on",
        ),
    ):
        response = _step(client, case["id"], asset["id"], **step)
        assert response.status_code == 422, step
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert not AssetStep.objects.exists()
    # a review date may lie ahead
    response = _step(
        client,
        case["id"],
        asset["id"],
        kind="frozen",
        on="2017-03-01",
        amount="10",
        currency="CHF",
        review_on="2999-01-01",
    )
    assert response.status_code == 201, response.content


def test_a_freezing_recorded_late_with_its_own_earlier_date_is_kept_and_confiscation_needs_no_freezing(peru):
    """A confiscation without a freezing happens (a final order straight away); a freezing that
    happened before it may be recorded afterwards, with its own date."""
    client = bearer(peru.officer)
    case = _case(client)
    asset = _asset(client, case["id"])
    confiscation = {"on": "2019-05-01", "amount": "10", "currency": "CHF", "proceeding": "criminal"}
    assert _step(client, case["id"], asset["id"], kind="confiscated", **confiscation).status_code == 201
    freezing = {"on": "2018-01-10", "amount": "10", "currency": "CHF"}
    assert _step(client, case["id"], asset["id"], kind="frozen", **freezing).status_code == 201
    assert client.get(f"/api/v1/asset-cases/{case['id']}").json()["assets"][0]["status"] == "confiscated"


def test_an_idempotency_key_makes_a_retried_step_answer_the_first_one(peru):
    client = bearer(peru.officer)
    case = _case(client)
    asset = _asset(client, case["id"])
    url = f"/api/v1/asset-cases/{case['id']}/assets/{asset['id']}/steps"
    step = {"kind": "frozen", "on": "2017-03-01", "amount": "100", "currency": "CHF"}
    first = client.post(url, step, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(url, step, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert AssetStep.objects.count() == 1
    other = client.post(
        url, step | {"amount": "200"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422 and AssetStep.objects.count() == 1
    retried_case = client.post(
        "/api/v1/asset-cases", CASE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c"
    )
    assert (
        client.post(
            "/api/v1/asset-cases", CASE, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c"
        ).json()["id"]
        == retried_case.json()["id"]
    )
