"""Asset recovery pages: scoping, forms with the services' messages, import and exports."""

import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from comity.assets import services, transfer
from comity.assets.models import Asset, AssetCase, AssetStep
from comity.assets.transfer import COLUMNS
from comity.core.forms import new_form_token
from comity.core.models import AccessEntry, ImportJob

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(peru, switzerland) -> AssetCase:
    case = services.case_create(
        actor=peru.officer,
        title="Highway concession bribes",
        origin_country="PE",
        asset_location_countries=["CH"],
        offences=["uncac-15"],
        participants=[switzerland.authority],
    )
    asset = services.asset_add(
        actor=switzerland.officer,
        case=case,
        type="bank-account",
        location_country="CH",
        description="Account in Geneva",
    )
    services.step_record(
        actor=switzerland.officer,
        asset=asset,
        kind="frozen",
        on=asset.identified_on,
        amount=1000,
        currency="CHF",
    )
    return case


PAGES = [
    "/asset-cases/",
    "/asset-cases/follow-up/",
    "/asset-cases/import/",
    "/asset-cases/export/",
    "/statistics/assets/",
    "/statistics/assets/export/",
]


def test_anonymous_is_sent_to_login(client, case):
    for url in [*PAGES, f"/asset-cases/{case.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_outsiders_see_nothing_and_cannot_write(case, nigeria, secretariat_user):
    for user in (nigeria.head, secretariat_user):
        client = _login(user)
        assert client.get(f"/asset-cases/{case.pk}/").status_code == 404
        assert case.title not in client.get("/asset-cases/").content.decode()
        assert "Account in Geneva" not in client.get("/asset-cases/follow-up/").content.decode()
        assert case.title not in client.get("/asset-cases/export/").getvalue().decode()
        response = client.post(f"/asset-cases/{case.pk}/asset/", {"type": "cash", "location_country": "CH"})
        assert response.status_code == 404
    assert _login(secretariat_user).get("/statistics/assets/").status_code == 403


def test_the_case_page_shows_the_history_and_logs_the_read(case, peru):
    response = _login(peru.viewer).get(f"/asset-cases/{case.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Account in Geneva" in page and "1,000.00 CHF" in page and "(ECB, rate of " in page
    assert "Record a step" not in page  # a viewer reads only
    assert AccessEntry.objects.filter(
        object_type="assets.assetcase", object_id=str(case.pk), user=peru.viewer
    ).exists()


def test_a_bad_step_is_shown_on_its_field_and_nothing_is_written(case, switzerland):
    asset = case.assets.get()
    response = _login(switzerland.officer).post(
        f"/asset-cases/{case.pk}/step/{asset.pk}/",
        {
            "kind": "confiscated",
            "on": "2000-01-01",
            "amount": "10",
            "currency": "CHF",
            "proceeding": "criminal",
        },
    )
    assert response.status_code == 422
    assert "cannot precede" in response.content.decode()
    assert AssetStep.objects.count() == 1


def test_a_freezing_after_the_confiscation_is_refused_on_the_page_too(case, switzerland):
    """The step order rules hold on the page as in the API (#18 item 5): a freezing dated on or
    after the asset's confiscation was recorded and its badge stayed 'Confiscated'."""
    asset = case.assets.get()
    services.step_record(
        actor=switzerland.officer,
        asset=asset,
        kind="confiscated",
        on=asset.identified_on,
        amount=1000,
        currency="CHF",
        proceeding="criminal",
    )
    client = _login(switzerland.officer)
    response = client.post(
        f"/asset-cases/{case.pk}/step/{asset.pk}/",
        {"kind": "frozen", "on": asset.identified_on.isoformat(), "amount": "1000", "currency": "CHF"},
    )
    assert response.status_code == 422
    assert (
        f"A freezing cannot follow the confiscation ({asset.identified_on.isoformat()})"
        in response.content.decode()
    )
    assert AssetStep.objects.filter(asset=asset).count() == 2
    asset.refresh_from_db()
    assert asset.status == "confiscated"


def test_an_asset_with_a_malformed_iban_is_refused_on_the_page(case, peru):
    response = _login(peru.officer).post(
        f"/asset-cases/{case.pk}/asset/",
        {
            "type": "bank-account",
            "location_country": "CH",
            "identifier_kind": "iban",
            "identifier": "CH00 1234",
        },
    )
    assert response.status_code == 422 and "Not a valid IBAN" in response.content.decode()
    assert Asset.objects.count() == 1


def test_open_a_case_from_the_page(peru):
    client = _login(peru.officer)
    response = client.post(
        "/asset-cases/new/",
        {
            "title": "Mining permits",
            "origin_country": "PE",
            "asset_location_countries": ["CA"],
            "offences": ["uncac-18"],
            "form_token": (token := new_form_token()),
        },
    )
    assert response.status_code == 302
    assert AssetCase.objects.get().title == "Mining permits"
    # Submitted again (a double click, the Back button): the case it opened, not a second one.
    again = client.post(
        "/asset-cases/new/",
        {"title": "Mining permits", "origin_country": "PE", "offences": ["uncac-18"], "form_token": token},
    )
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert AssetCase.objects.count() == 1
    assert _login(peru.viewer).get("/asset-cases/new/").status_code == 403


def test_import_page_reports_rows_and_columns(peru, tmp_path, settings, django_capture_on_commit_callbacks):
    """As for requests (#19 item 2): the file is checked in the background, every problem named by
    row and column on the job's page, nothing written; a good file is previewed, then imported."""
    settings.VAR_DIR = tmp_path
    client = _login(peru.officer)
    header = ",".join(COLUMNS)
    bad = io.BytesIO(f"{header}\nCase,,XX,CH,,,,uncac-17,,cash,USD,-5,2020-01-01,,,,,,frozen,\n".encode())
    bad.name = "arw.csv"
    with django_capture_on_commit_callbacks(execute=True):  # the check is queued once the job is committed
        started = client.post("/asset-cases/import/", {"file": bad})
    response = client.get(started["Location"])
    page = response.content.decode()
    assert response.status_code == 422
    assert "country_of_origin" in page and "amount_frozen" in page and "nothing was imported" in page
    assert not AssetCase.objects.exists()
    good = io.BytesIO(f"{header}\nCase,,NG,CH,,,,uncac-17,,cash,USD,5,2020-01-01,,,,,,frozen,\n".encode())
    good.name = "arw.csv"
    with django_capture_on_commit_callbacks(execute=True):
        checked = client.post("/asset-cases/import/", {"file": good})
    assert checked.status_code == 302
    preview = client.get(checked["Location"]).content.decode()
    assert "Ready to import" in preview and "1 new case" in preview and "Import 1 case" in preview
    assert not AssetCase.objects.exists()  # nothing before the confirmation
    with django_capture_on_commit_callbacks(execute=True):
        client.post(checked["Location"])
    done = client.get(checked["Location"]).content.decode()
    assert "1 case imported." in done
    assert AssetCase.objects.get().participants.get().authority == peru.authority


def test_an_asset_import_says_what_a_request_import_says(
    peru, tmp_path, settings, django_capture_on_commit_callbacks
):
    """The same result fields and the same words for both kinds (#19 item 2): one case in the
    singular; a file imported again is previewed as already in Comity, left as it is, as for
    requests, and its confirmation changes nothing."""
    settings.VAR_DIR = tmp_path
    client = _login(peru.officer)
    row = ",".join(transfer.EXAMPLE_ROW[c] for c in COLUMNS)
    pages = []
    for _again in range(2):
        upload = io.BytesIO((",".join(COLUMNS) + "\n" + row + "\n").encode())
        upload.name = "one.csv"
        with django_capture_on_commit_callbacks(execute=True):
            checked = client.post("/asset-cases/import/", {"file": upload})
        with django_capture_on_commit_callbacks(execute=True):
            client.post(checked["Location"])
        pages.append(" ".join(client.get(checked["Location"]).content.decode().split()))
    assert "1 case imported. 1 asset added." in pages[0] and "already there" not in pages[0]
    assert "1 already in Comity, left as it is" in pages[1]
    assert "Nothing new to import: every row is already in Comity." in pages[1]
    job = ImportJob.objects.get(pk=int(checked["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert {"rows": 1, "created": 0, "unchanged": 1}.items() <= job.result.items()
    assert AssetCase.objects.count() == 1


def test_an_asset_import_too_large_is_refused_and_its_job_is_its_users_only(
    peru, nigeria, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.COMITY_IMPORT_MAX_BYTES = 100
    settings.VAR_DIR = tmp_path
    client = _login(peru.officer)
    upload = io.BytesIO((",".join(COLUMNS) + "\n" + "x," * 200 + "\n").encode())
    upload.name = "big.csv"
    with django_capture_on_commit_callbacks(execute=True):
        checked = client.post("/asset-cases/import/", {"file": upload})
    page = client.get(checked["Location"])
    assert page.status_code == 422 and "the largest accepted is 0 MB" in page.content.decode()
    assert _login(nigeria.officer).get(checked["Location"]).status_code == 404
    assert _login(peru.head).get(checked["Location"]).status_code == 404  # another user of the same authority


def test_follow_up_map_and_figures_pages(case, peru):
    client = _login(peru.officer)
    page = client.get("/asset-cases/follow-up/").content.decode()
    assert "Account in Geneva" in page and 'class="frozen-here"' in page
    world = client.get("/asset-cases/map/world.svg")
    assert world.status_code == 200 and world["Content-Type"].startswith("image/svg+xml")
    figures = client.get("/statistics/assets/", {"currency": "CHF"}).content.decode()
    assert "1,000" in figures
    # 1,000 CHF frozen is drawn as 1 thousand, not as 0 million; roles are named, not coded
    assert "(CHF thousand)" in figures and re.search(r'class="value"[^>]*>1</text>', figures)
    assert "<td>Switzerland</td><td>State of asset location</td>" in figures
    assert "asset-location" not in figures
    assert figures.index("<td>Peru</td>") < figures.index("<td>Switzerland</td>")  # by name, not code
    assert client.get("/statistics/assets/", {"currency": "ZZZ"}).status_code == 422
    export = client.get(
        "/statistics/assets/export/", {"group_by": "country_of_asset_location", "currency": "CHF"}
    )
    assert export.getvalue().decode().splitlines()[1].startswith("CH,1,1000.00")


def test_reminders_mail_a_count_and_a_link_never_case_details(case, peru, switzerland, mailoutbox, settings):
    settings.COMITY_FOLLOW_UP_DAYS = 0  # everything is overdue for follow-up
    peru.officer.email, peru.head.email = "officer@example.pe", "head@example.pe"
    peru.officer.save()
    peru.head.save()
    out = io.StringIO()
    call_command("reminders", stdout=out)
    assert "1 assets need action" in out.getvalue()
    [mail] = [m for m in mailoutbox if "officer@example.pe" in m.to]
    assert "/asset-cases/follow-up/" in mail.body
    assert case.title not in mail.body and "Geneva" not in mail.body
    home_line = _login(peru.officer).get("/asset-cases/alerts/").content.decode()
    assert "1 asset frozen or identified abroad needs action" in home_line
    assert _login(switzerland.officer).get("/asset-cases/alerts/").content.decode().strip() == ""


def test_every_form_of_the_case_page_reaches_its_service(case, switzerland):
    client = _login(switzerland.officer)
    asset = case.assets.get()
    base = f"/asset-cases/{case.pk}"
    posts = [
        (
            f"{base}/order/",
            {
                "kind": "interim",
                "issuing_country": "PE",
                "court": "Lima court",
                "issued_on": "2024-01-02",
                "received_on": "2024-01-20",
                "asset": asset.pk,
            },
        ),
        (f"{base}/notice/", {"published_on": "2024-02-01", "medium": "Gazette", "deadline_on": "2024-05-01"}),
        (f"{base}/management/{asset.pk}/", {"custodian": "Federal asset office", "insured": "on"}),
        (f"{base}/valuation/{asset.pk}/", {"on": "2024-02-01", "value": "900", "currency": "CHF"}),
        (
            f"{base}/cost/{asset.pk}/",
            {"on": "2024-03-01", "amount": "50", "currency": "CHF", "description": "Custody fee"},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:2000])
    order = case.foreign_orders.get()
    assert (
        client.post(
            f"{base}/order-step/{order.pk}/", {"kind": "registration-applied", "on": "2024-01-25"}
        ).status_code
        == 302
    )
    refused = client.post(f"{base}/order-step/{order.pk}/", {"kind": "registered", "on": "2024-02-25"})
    assert refused.status_code == 422 and "certified copy" in refused.content.decode()
    notice = case.notices.get()
    assert (
        client.post(
            f"{base}/claim/",
            {
                "asset": asset.pk,
                "claimant": "Bank",
                "claimant_kind": "third-party",
                "basis": "Pledge",
                "lodged_on": "2024-03-01",
                "notice": notice.pk,
            },
        ).status_code
        == 302
    )
    claim = asset.claims.get()
    assert (
        client.post(
            f"{base}/decision/{claim.pk}/",
            {"status": "rejected", "decided_on": "2024-06-01", "decision": "No pledge shown"},
        ).status_code
        == 302
    )
    page = client.get(f"{base}/").content.decode()
    for text in ("Federal asset office", "Custody fee", "Registration applied for", "Rejected", "Gazette"):
        assert text in page, text
    assert client.post(f"{base}/nonsense/", {}).status_code == 404


def test_a_viewer_may_not_use_the_forms(case, switzerland):
    response = _login(switzerland.viewer).post(
        f"/asset-cases/{case.pk}/contact/", {"on": "2024-01-01", "country": "PE"}
    )
    assert response.status_code == 403


def test_the_asset_import_template_has_an_example_that_imports_and_explains_every_column(peru):
    client = _login(peru.officer)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/asset-cases/import/template.xlsx").content))
    to_fill, example, columns, _codes = book.worksheets
    header = [c.value for c in next(to_fill.iter_rows())]
    assert to_fill.max_row == 1 and header == list(transfer.COLUMNS)
    explained = {row[0] for row in columns.iter_rows(min_row=2, values_only=True)}
    assert explained == set(header)
    values = next(example.iter_rows(min_row=2, values_only=True))
    sample = ",".join(header) + "\n" + ",".join(v or "" for v in values) + "\n"
    result = transfer.import_asset_cases(
        io.BytesIO(sample.encode()), "x.csv", authority=peru.authority, actor=None
    )
    assert result.created == 1
