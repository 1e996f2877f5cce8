"""The PDF reports draw their bar charts in HTML: WeasyPrint lays SVG text out without the
bidirectional algorithm and printed Arabic bar labels with their letters reversed (seen in the
global report's shares by role, #24)."""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.timezone import localdate

from comity.reference.choices import StateRole
from comity.statistics.services import submission_receive
from comity.statistics.submissions import build_submission
from conftest import make_request


class _Captured:
    html = ""

    def __init__(self, string, base_url=None):
        _Captured.html = string

    def write_pdf(self):
        return b"%PDF-captured"


@pytest.fixture
def captured(monkeypatch):
    monkeypatch.setattr("comity.statistics.views.HTML", _Captured)
    return _Captured


def _in_arabic(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "ar"
    return client


def test_the_global_reports_bars_are_html_text_in_arabic(switzerland, secretariat_user, captured):
    submission_receive(actor=None, payload=build_submission("CH", localdate().year - 1, threshold=1))
    assert _in_arabic(secretariat_user).get("/statistics/global/report.pdf").status_code == 200
    with translation.override("ar"):
        origin = str(StateRole("origin").label)
    assert origin != "State of origin"
    assert 'class="hbars"' in captured.html and f"<th>{origin}</th>" in captured.html
    assert "<text" not in captured.html


def test_the_request_reports_bars_are_html_text(peru, switzerland, captured):
    make_request(peru, switzerland)
    assert _in_arabic(peru.officer).get("/statistics/report.pdf").status_code == 200
    assert 'class="hbars"' in captured.html
    assert 'class="chart bars"' not in captured.html
