"""After the last known rate, amounts are converted at that rate, marked provisional with the
rate's own date, and converted again when the day's rate arrives (#18 item 6)."""

import datetime
import io
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from currency_converter import CurrencyConverter
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from comity.assets import services as asset_services
from comity.assets.models import AssetStep
from comity.core.models import AuditEntry
from comity.reference.money import convert
from conftest import bearer

SHIPPED_LAST = CurrencyConverter().bounds["USD"].last_date


def _after_the_history() -> datetime.date:
    day = min(SHIPPED_LAST + datetime.timedelta(days=21), timezone.localdate())
    if day <= SHIPPED_LAST:
        pytest.skip("the rates shipped reach today: no day after the history to test")
    return day


def ecb_xml(day: datetime.date, usd: str, chf: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" '
        'xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">'
        "<gesmes:subject>Reference rates</gesmes:subject><Cube>"
        f'<Cube time="{day.isoformat()}"><Cube currency="USD" rate="{usd}"/><Cube currency="CHF" rate="{chf}"/>'
        "</Cube></Cube></gesmes:Envelope>"
    ).encode()


@pytest.fixture
def frozen_after_the_history(peru):
    day = _after_the_history()
    case = asset_services.case_create(
        actor=peru.officer, title="Late", origin_country="PE", offences=["uncac-17"]
    )
    asset = asset_services.asset_add(
        actor=peru.officer, case=case, type="bank-account", location_country="CH", identified_on=SHIPPED_LAST
    )
    step = asset_services.step_record(
        actor=peru.officer, asset=asset, kind="frozen", on=day, amount=Decimal("1000000"), currency="CHF"
    )
    return case, step, day


def test_a_day_after_the_last_rate_is_converted_at_it_provisionally(db):
    day = _after_the_history()
    later = convert(Decimal(100), "EUR", "USD", day)
    last = convert(Decimal(100), "EUR", "USD", SHIPPED_LAST)
    assert later.converted == last.converted
    assert later.provisional and later.rate_on == SHIPPED_LAST
    assert not last.provisional and last.rate_on == SHIPPED_LAST


def test_page_api_and_figures_say_which_amounts_are_provisional(peru, frozen_after_the_history):
    case, step, _day = frozen_after_the_history
    api_step = bearer(peru.officer).get(f"/api/v1/asset-cases/{case.pk}").json()["assets"][0]["steps"][0]
    assert api_step["rate_provisional"] is True and api_step["rate_on"] == SHIPPED_LAST.isoformat()
    client = Client()
    client.force_login(peru.officer)
    page = client.get(f"/asset-cases/{case.pk}/").content.decode()
    assert "provisional" in page and f"rate of {SHIPPED_LAST.isoformat()}" in page
    figures = bearer(peru.officer).get("/api/v1/statistics/assets").json()["total"]
    assert figures["provisional"]["frozen"] == figures["frozen"] > 0
    export = client.get("/statistics/assets/export/", {"format": "csv"})
    header, row = b"".join(export.streaming_content).decode().splitlines()[:2]
    assert "frozen_USD_at_provisional_rates" in header
    assert "provisional rates" in client.get("/statistics/assets/").content.decode()


def test_the_days_rate_arriving_makes_the_conversion_final_and_audited(
    peru, frozen_after_the_history, tmp_path
):
    _case, step, day = frozen_after_the_history
    path = tmp_path / "eurofxref.xml"
    path.write_bytes(ecb_xml(day, usd="1.2500", chf="0.9000"))
    out = io.StringIO()
    call_command("rates", "import", str(path), stdout=out)
    assert "1 provisional conversions recomputed" in out.getvalue()
    step = AssetStep.objects.get(pk=step.pk)
    assert not step.rate_provisional and step.rate_on == day
    # 1 EUR = 1.25 USD = 0.90 CHF: 1,000,000 CHF = 1,388,888.89 USD
    assert step.usd_amount.quantize(Decimal("0.01")) == Decimal("1388888.89")
    assert AuditEntry.objects.filter(action="asset.step.rate", object_id=str(step.asset_id)).count() == 1


class _Rates(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args) -> None:
        pass


def test_rates_update_fetches_the_ecbs_file_and_fails_clearly_without_network(peru, frozen_after_the_history):
    _case, step, day = frozen_after_the_history
    _Rates.body = ecb_xml(day, usd="1.2000", chf="0.9500")
    server = HTTPServer(("127.0.0.1", 0), _Rates)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        out = io.StringIO()
        call_command("rates", "update", "--url", f"http://127.0.0.1:{server.server_port}/x.xml", stdout=out)
    finally:
        server.shutdown()
        # Closed, the port refuses at once; only shut down, it still accepted the connection and
        # the command waited out its whole timeout.
        server.server_close()
    assert "provisional conversions recomputed" in out.getvalue()
    assert not AssetStep.objects.get(pk=step.pk).rate_provisional
    with pytest.raises(CommandError, match="comity rates import FILE"):
        call_command("rates", "update", "--url", f"http://127.0.0.1:{server.server_port}/x.xml")


def test_a_file_that_is_not_the_ecbs_xml_imports_nothing(db, tmp_path):
    path = tmp_path / "bad.xml"
    path.write_bytes(b"<not-closed")
    with pytest.raises(CommandError, match="not the ECB's XML"):
        call_command("rates", "import", str(path))
