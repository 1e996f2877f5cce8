import csv
import datetime
import io
import re

import openpyxl
import pypdf
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from comity.cooperation.choices import Direction
from comity.reference.choices import RequestType
from comity.statistics.charts import axis_step
from comity.statistics.tests.cases import AS_OF, CASES
from conftest import make_request


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_each_chart_with_its_table(dataset, peru):
    page = logged_in(peru.officer).get(f"/statistics/?as_of={AS_OF}").content.decode()
    for heading in (
        "Requests per year, by direction",
        "Top counterpart States",
        "Outcomes",
        "Time to execution, by type of request",
        "Grounds for refusal",
    ):
        assert heading in page
    articles = page.split("<article>")[1:]
    assert len(articles) == 5
    for article in articles:
        assert "<svg" in article and "<table" in article, article[:80]
    # Each bar chart's table gives the figures its bars are drawn from, in the same order.
    for article in articles[1:3] + articles[4:]:
        drawn = re.findall(r'class="value"[^>]*>([^<]+)</text>', article)
        tabled = re.findall(r'<td class="num">([^<]+)</td>', article)
        assert drawn and drawn == tabled, article[:80]
    assert f"{len(CASES)} requests" in page
    # Pending at the date: received 2024-06-01, 2025-05-01 (executed later) and 2025-09-01.
    assert "3 pending" in page and "waited a median of 244 days, the longest 578 days" in page
    assert "#c62828" in page  # bank secrecy flagged in red


def test_the_charts_count_as_the_api_does(dataset, peru):
    # The page draws its count charts from a lighter query than the API's figures: same counts.
    client = logged_in(peru.officer)
    articles = client.get(f"/statistics/?as_of={AS_OF}").content.decode().split("<article>")[1:]

    def api(group_by):
        response = client.get(f"/api/v1/statistics/requests?group_by={group_by}&as_of={AS_OF}")
        return sorted(g["count"] for g in response.json()["groups"] if all(g["key"].values()))

    def tabled(article):
        return sorted(int(n) for n in re.findall(r'<td class="num">([^<]+)</td>', article) if n != "0")

    years, counterparts, outcomes, _curves, grounds = articles
    assert tabled(years) == api("year,direction") and sum(tabled(years)) == len(CASES)
    assert tabled(counterparts) == api("counterpart_country")[-10:]
    assert tabled(outcomes) == api("outcome") and sum(tabled(outcomes)) == len(CASES)
    assert tabled(grounds) == api("refusal_grounds") and tabled(grounds)


def test_the_page_reads_the_requests_three_times_for_five_charts(dataset, peru):
    # At a long register each read is a scan of the authority's requests: the three charts that
    # count one value per request (years and directions, counterparts, outcomes) share one read;
    # the grounds (several per request) and the times to execution take one each.
    client = logged_in(peru.officer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/statistics/?as_of={AS_OF}").status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "cooperation_request"' in q["sql"]]
    assert len(reads) == 3, reads


def test_each_type_in_the_curves_table_has_its_curves_colour(dataset, peru, switzerland):
    # Sent, not yet received: counted, but without a curve (between the two types that have one).
    make_request(peru, switzerland, type="joint-investigation", sent_on=datetime.date(2025, 6, 2))
    page = logged_in(peru.officer).get(f"/statistics/?as_of={AS_OF}").content.decode()
    [article] = [a for a in page.split("<article>") if "Time to execution" in a]
    curves = re.findall(r'stroke="(#[0-9a-f]{6})" stroke-width="2"><title>([^<]+)</title>', article)
    colour_of = {label: colour for colour, label in curves}
    assert set(colour_of) == {"Extradition", "Mutual legal assistance"}
    rows = re.findall(
        r'<td>(?:<i class="swatch" style="background: (#[0-9a-f]{6})"></i>)?([A-Za-z ]+)</td>', article
    )
    assert {label: colour or None for colour, label in rows} == {
        "Extradition": colour_of["Extradition"],
        "Joint investigation": None,
        "Mutual legal assistance": colour_of["Mutual legal assistance"],
    }
    # Extraditions: withdrawn at 30 days and pending at 121 (censored), executed at 270 with one
    # at risk: the median is 270 and its interval has no upper end ("not reached", not "—");
    # a type nothing was received of has no median at all.
    cells = [
        re.findall(r"<td[^>]*>(?:<i [^>]*></i>)?([^<]*)</td>", row)
        for row in article.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")
    ]
    km_medians = {row[0].strip(): row[-1].strip() for row in cells if row}
    assert km_medians["Extradition"] == "270 (—–not reached)" and km_medians["Joint investigation"] == "—"
    assert re.fullmatch(r"\d+ \(\d+–(\d+|not reached)\)", km_medians["Mutual legal assistance"])


def test_years_without_requests_stay_on_the_time_axis_at_zero(dataset, peru, switzerland):
    make_request(peru, switzerland, sent_on=datetime.date(2021, 5, 3))  # three years before the others
    page = logged_in(peru.officer).get(f"/statistics/?as_of={AS_OF}").content.decode()
    years = page.split("<article>")[1]
    rows = re.findall(r"<tr><td>(\d{4})</td>((?:<td class=\"num\">\d+</td>)+)</tr>", years)
    assert [year for year, _counts in rows] == ["2021", "2022", "2023", "2024", "2025"]
    assert [sum(map(int, re.findall(r"\d+", counts))) for year, counts in rows][1:3] == [0, 0]
    drawn = re.findall(r'text-anchor="middle" class="label small"[^>]*>(\d\d)</text>', years)
    assert drawn == ["21", "22", "23", "24", "25"]


def test_the_page_names_each_group_by_its_label_not_its_code(dataset, peru):
    # Codes are for the API and the exports; a reader of the page gets "Partially executed".
    page = logged_in(peru.officer).get(f"/statistics/?as_of={AS_OF}").content.decode()
    years, _counterparts, outcomes, curves, grounds = page.split("<article>")[1:]
    assert re.findall(r"<th>([^<]+)</th>", years.split("</thead>")[0])[1:] == ["Incoming", "Outgoing"]
    shown_outcomes = set(re.findall(r"</i>([^<]+)</td>", outcomes))
    assert {"Executed", "Refused", "Pending"} <= shown_outcomes
    assert not shown_outcomes & {"executed", "refused", "pending", "partially-executed"}
    assert "<td>" in curves and "Mutual legal assistance" in curves and ">mla<" not in curves
    # The grounds UNCAC does not allow stay flagged in red under their label.
    assert re.search(r'<rect [^>]*fill="#c62828"><title>Bank secrecy: 1</title>', grounds), grounds
    assert "bank-secrecy" not in grounds and "dual-criminality" not in grounds


def test_figures_export_as_csv_and_xlsx(dataset, peru):
    client = logged_in(peru.officer)
    response = client.get(f"/statistics/export/?group_by=type&as_of={AS_OF}&format=csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0][:3] == ["type", "count", "pending"]
    assert {row[0]: int(row[1]) for row in rows[1:]} == {"extradition": 3, "mla": 7}
    # The requests refused on no ground (all but one) are a group with an empty key cell, as a
    # statistics package reads a missing value; not a dash.
    response = client.get(f"/statistics/export/?group_by=refusal_grounds&as_of={AS_OF}&format=csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert {row[0]: int(row[1]) for row in rows[1:]} == {"": len(CASES) - 1, "bank-secrecy": 1}
    book = client.get(f"/statistics/export/?group_by=year,direction&as_of={AS_OF}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["year", "direction", "count"]
    assert client.get("/statistics/export/?group_by=colour").status_code == 422


def test_an_xlsx_of_figures_adds_a_sheet_of_the_codes_labels_in_the_readers_language(dataset, peru):
    """#21 item 4: the data keep the codes; a second sheet names them in the reader's language (the
    figures' workbook had only the codes)."""
    client = logged_in(peru.officer)
    book = client.get(
        f"/statistics/export/?group_by=type,direction&as_of={AS_OF}&format=xlsx",
        headers={"Accept-Language": "ar"},
    )
    data, codes = openpyxl.load_workbook(io.BytesIO(book.content)).worksheets
    assert {row[0] for row in data.iter_rows(min_row=2, values_only=True)} == {"extradition", "mla"}
    with translation.override("ar"):
        assert codes.title == translation.gettext("codes")
        labels = {(row[0], row[1]): row[2] for row in codes.iter_rows(min_row=2, values_only=True)}
        assert labels[("type", "mla")] == str(RequestType.MLA.label) != "Mutual legal assistance"
        assert labels[("direction", "incoming")] == str(Direction.INCOMING.label)


def test_no_matching_request_says_so_instead_of_empty_charts(dataset, peru):
    client = logged_in(peru.officer)
    page = client.get(f"/statistics/?as_of={AS_OF}&counterpart_country=AQ")
    assert page.status_code == 200
    text = page.content.decode()
    assert "0 requests" in text and "No request matches these filters" in text
    assert "<svg" not in text and "<article>" not in text
    report = client.get(f"/statistics/report.pdf?as_of={AS_OF}&counterpart_country=AQ")
    assert report.status_code == 200 and report.content.startswith(b"%PDF-")


def test_bad_filters_and_outsiders(dataset, peru, secretariat_user):
    assert logged_in(peru.officer).get("/statistics/?as_of=someday").status_code == 422
    secretariat_page = logged_in(secretariat_user).get("/statistics/").content.decode()
    assert "0 requests" in secretariat_page and 'href="/statistics/global/"' in secretariat_page
    assert Client().get("/statistics/").status_code == 302
    assert Client().get("/statistics/export/").status_code == 302


def test_pdf_report_with_the_charts(dataset, peru):
    response = logged_in(peru.officer).get(
        f"/statistics/report.pdf?as_of={AS_OF}&type=mla&direction=incoming"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 10_000
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    # The report says what its figures cover in words, not as the page's query string.
    assert f"as of {AS_OF}" in text
    assert "Direction: Incoming; Type: Mutual legal assistance" in text, text[:300]
    assert "type=mla" not in text and "Mutual legal assistance" in text
    assert logged_in(peru.officer).get("/statistics/report.pdf?as_of=never").status_code == 422
    assert Client().get("/statistics/report.pdf").status_code == 302


def test_the_time_to_execution_axis_is_marked_at_round_numbers_of_days(dataset, peru):
    page = logged_in(peru.officer).get(f"/statistics/?as_of={AS_OF}").content.decode()
    [article] = [a for a in page.split("<article>") if "Time to execution" in a]
    ticks = [int(t) for t in re.findall(r'class="label small tick"[^>]*>(\d+)</text>', article)]
    # evenly spaced from 0, by a round step, up to the longest time drawn
    assert len(ticks) >= 4 and ticks[0] == 0
    step = ticks[1]
    assert str(step).rstrip("0") in {"1", "2", "5"}
    assert ticks == list(range(0, ticks[-1] + 1, step))
    assert "days since receipt" in article


def test_axis_steps_are_round():
    assert [axis_step(top) for top in (1, 6, 7, 11, 30, 578, 739_953)] == [1, 1, 2, 2, 5, 100, 200_000]


@pytest.mark.parametrize("language", ["fr", "ar", "ru", "es"])
def test_the_charts_coordinates_are_numbers_in_every_language(dataset, peru, language):
    """In languages whose decimal mark is a comma, the charts' coordinates were written "12,5":
    not an SVG number, so the bars vanished from the page and the PDF report (#21, seen in Arabic)."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(peru.officer)
    page = client.get(f"/statistics/?as_of={AS_OF}").content.decode()
    charts = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(charts) >= 4
    numbers = re.findall(r'\s(?:x|y|x1|x2|y1|y2|dx|width|height)="([^"]*)"', "".join(charts))
    assert numbers and not [n for n in numbers if not re.fullmatch(r"-?\d+(\.\d+)?", n)]
