import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from comity.reference.models import ExchangeRate
from comity.reference.money import MissingRate, convert

D = datetime.date


def rates(tmp_path, text: str) -> str:
    path = tmp_path / "rates.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("rates", "import", str(path), stdout=out)
    return out.getvalue()


def test_ecb_rates_of_the_day_and_the_last_published_day_before_a_weekend(db):
    friday = convert(Decimal(100), "EUR", "USD", D(2020, 1, 3))
    assert friday.converted == Decimal("111.47") and friday.sources == ("ECB",)  # ECB: 1 EUR = 1.1147 USD
    saturday = convert(Decimal(100), "EUR", "USD", D(2020, 1, 4))
    assert saturday.converted == friday.converted
    chf = convert(Decimal(1000), "CHF", "USD", D(2020, 1, 3))
    assert chf.rate == chf.converted / 1000 and Decimal("1.02") < chf.rate < Decimal("1.04")


def test_project_rates_for_currencies_the_ecb_lacks(db, tmp_path):
    assert "2 rates imported" in rates(
        tmp_path,
        "currency,date,per_usd,source\n"
        "NGN,2020-01-02,361.5,Central Bank of Nigeria\n"
        "PEN,2020-01-02,3.31,BCRP\n",
    )
    naira = convert(Decimal(3615000), "NGN", "USD", D(2020, 1, 10))
    assert naira.converted == Decimal(10000) and naira.sources == ("Central Bank of Nigeria",)
    soles_in_francs = convert(Decimal(331), "PEN", "CHF", D(2020, 1, 3))
    assert soles_in_francs.sources == ("BCRP", "ECB")
    assert Decimal("95") < soles_in_francs.converted < Decimal("99")
    rates(tmp_path, "currency,date,per_usd\nNGN,2020-01-02,360\n")  # a later file replaces the day's rate
    assert ExchangeRate.objects.get(currency="NGN").per_usd == 360


def test_a_missing_rate_names_currency_and_day(db, tmp_path):
    with pytest.raises(MissingRate, match="NGN on or shortly before 2020-01-10"):
        convert(Decimal(1), "NGN", "USD", D(2020, 1, 10))
    rates(tmp_path, "currency,date,per_usd\nNGN,2019-10-01,300\nNGN,2021-03-01,400\n")
    with pytest.raises(MissingRate):  # a gap in the history: a rate too old, and a later one
        convert(Decimal(1), "NGN", "USD", D(2020, 1, 10))
    with pytest.raises(MissingRate):  # more than a year after the last rate: not even provisional
        convert(Decimal(1), "NGN", "USD", D(2022, 6, 1))
    with pytest.raises(ValueError, match="Unknown currency “XYZ”"):
        convert(Decimal(1), "XYZ", "USD", D(2020, 1, 10))


def test_bad_rate_files_import_nothing(db, tmp_path):
    with pytest.raises(CommandError, match="row 3, column per_usd: a rate is a positive number"):
        rates(tmp_path, "currency,date,per_usd\nNGN,2020-01-02,361\nPEN,2020-01-02,-3\n")
    with pytest.raises(CommandError, match="row 2, column currency"):
        rates(tmp_path, "currency,date,per_usd\nABC,2020-01-02,1\n")
    with pytest.raises(CommandError, match="missing column"):
        rates(tmp_path, "currency,per_usd\nNGN,1\n")
    assert not ExchangeRate.objects.exists()
