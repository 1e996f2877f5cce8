"""The language of the pages (#21 item 2): the browser's Accept-Language for anyone not logged in,
the switcher on every page remembered per user in their profile, the same addresses in every
language, and an unknown language code falling back to English without an error."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from comity.core.models import AuditEntry
from conftest import bearer, make_request


def _lang(page) -> tuple[str, bool]:
    html = page.content.decode()
    match = re.search(r'<html lang="([^"]+)"( dir="rtl")?>', html)
    assert match, html[:300]
    return match.group(1), bool(match.group(2))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "expected"),
    [("ar", ("ar", True)), ("zh-CN,zh;q=0.9", ("zh-hans", False)), ("fr-CH, fr;q=0.9", ("fr", False)),
     ("xx-YY", ("en", False)), ("", ("en", False))],
)  # fmt: skip
def test_a_visitor_reads_the_public_log_in_the_browsers_language(header, expected):
    page = Client(HTTP_ACCEPT_LANGUAGE=header).get("/ledger/")
    assert page.status_code == 200
    assert _lang(page) == expected


@pytest.mark.django_db
def test_an_unknown_language_in_the_cookie_or_the_switcher_is_english():
    client = Client()
    client.cookies["django_language"] = "klingon"
    assert _lang(client.get("/ledger/")) == ("en", False)
    response = client.post("/language/", {"language": "tlh", "next": "/ledger/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_the_switcher_keeps_the_address_and_sends_no_one_elsewhere():
    client = Client()
    response = client.post("/language/", {"language": "ar", "next": "/ledger/?page=2"})
    assert response["Location"] == "/ledger/?page=2"
    assert _lang(client.get("/ledger/")) == ("ar", True)
    away = client.post("/language/", {"language": "fr", "next": "https://evil.example/"})
    assert away["Location"] == "/"
    assert 'name="language"' in client.get("/login/").content.decode()  # on every page


def test_a_users_choice_follows_them_to_another_browser(peru):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(peru.officer)
    assert client.post("/language/", {"language": "zh-hans", "next": "/"}).status_code == 302
    peru.officer.refresh_from_db()
    assert peru.officer.language == "zh-hans"
    assert AuditEntry.objects.filter(action="user.language", object_id=str(peru.officer.pk)).count() == 1
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="es")
    elsewhere.force_login(peru.officer)
    assert _lang(elsewhere.get("/requests/")) == ("zh-hans", False)


def test_an_api_client_gets_the_language_it_asks_for(peru):
    peru.officer.language = "ar"
    peru.officer.save()
    asked = bearer(peru.officer).get("/api/v1/requests", HTTP_ACCEPT_LANGUAGE="es")
    assert asked.status_code == 200 and asked["Content-Language"] == "es"
    session = Client(HTTP_ACCEPT_LANGUAGE="fr")
    session.force_login(peru.officer)
    assert session.get("/api/v1/requests")["Content-Language"] == "fr"
    assert Client().get("/api/v1/requests", HTTP_ACCEPT_LANGUAGE="ru").status_code == 401


def test_a_users_language_ends_with_their_request(peru, tmp_path):
    """A French user's page left French active in the thread: a command run after it in the same
    process (the test suite's case: a rate import error) spoke French to an English operator."""
    peru.officer.language = "fr"
    peru.officer.save()
    client = Client()
    client.force_login(peru.officer)
    page = client.get("/requests/")
    assert _lang(page) == ("fr", False) and page["Content-Language"] == "fr"
    bad = tmp_path / "rates.csv"
    bad.write_text("currency,date,per_usd\nNGN,2020-01-10,-1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="row 2, column per_usd: a rate is a positive number"):
        call_command("rates", "import", str(bad), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("language", "sent"),
    [("en", "2025-03-03"), ("fr", "3 mars 2025"), ("zh-hans", "2025年3月3日"),
     ("ar", "\u206803\u200f/03\u200f/2025\u2069"), ("ru", "3 мар. 2025\u202fг.")],
)  # fmt: skip
def test_days_read_as_the_language_writes_them(peru, switzerland, language, sent):
    """Days on pages follow the reader's language (CLDR's medium form; English keeps ISO 8601)."""
    request = make_request(peru, switzerland)
    peru.officer.language = language
    peru.officer.save()
    client = Client()
    client.force_login(peru.officer)
    html = client.get(f"/requests/{request.pk}/").content.decode()
    facts = [value.strip() for value in re.findall(r"<dt>[^<]+</dt><dd>([^<]*)</dd>", html)]
    assert sent in facts, facts
    assert (language == "en") == ("2025-03-03" in facts)
