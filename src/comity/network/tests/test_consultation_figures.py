"""Figures of consultations (#22 item 8): how many the authority opened and was consulted in, how
soon the first answer came, and the share converted into requests; in the API and on the page."""

import datetime

from django.test import Client

from comity.network import services
from comity.network.models import Consultation, ConsultationMessage
from comity.network.tests.test_consultations_api import members
from conftest import bearer


def _open(by, to, subject: str = "Accounts abroad") -> Consultation:
    return services.consultation_open(
        actor=by.officer,
        participants=[to.authority],
        subject=subject,
        handling="TLP:AMBER",
        offences=["uncac-15"],
    )


def test_figures_say_how_soon_consultations_were_answered_and_how_many_became_requests(
    peru, switzerland, nigeria
):
    members(peru, switzerland, nigeria)
    answered = _open(peru, switzerland)
    services.consultation_post(actor=peru.officer, consultation=answered, body="Our question")
    reply = services.consultation_post(actor=switzerland.officer, consultation=answered, body="Our answer")
    # Answered three hours after it was opened (the opener's own messages are no answer).
    ConsultationMessage.objects.filter(pk=reply.pk).update(
        posted_at=answered.created_at + datetime.timedelta(hours=3)
    )
    services.consultation_convert(
        actor=peru.officer, consultation=answered, type="mla", legal_basis="uncac", proceeding="criminal"
    )
    _open(switzerland, peru)  # Peru consulted, not yet answered
    _open(switzerland, nigeria)  # not Peru's: not in its figures

    figures = bearer(peru.officer).get("/api/v1/statistics/network").json()["consultations"]
    assert (figures["opened"], figures["consulted"], figures["converted"]) == (1, 1, 1)
    assert figures["share_converted"] == 0.5 and figures["median_hours_to_first_answer"] == 3.0
    within = {row["within"]: row["consultations"] for row in figures["answered_within"]}
    assert within == {"1h": 0, "24h": 1, "72h": 0, "168h": 0, "later": 0, "not-answered": 1}
    page = Client()
    page.force_login(peru.officer)
    html = page.get("/statistics/network/").content.decode()
    assert "Within 3 days" in html and "Converted into requests" in html and "1 (50 %)" in html
    nigeria_figures = bearer(nigeria.officer).get("/api/v1/statistics/network").json()["consultations"]
    assert (nigeria_figures["opened"], nigeria_figures["consulted"]) == (0, 1)
