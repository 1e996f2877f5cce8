"""The consultation pages (#22 item 4): the inbox, a new consultation, the thread with its
handling code, messages and attachments, invitations, closing and the conversion form; none of
them exists (404) for whoever does not take part."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from comity.cooperation.models import Request
from comity.core.models import AccessEntry
from comity.network import services
from comity.network.models import Consultation, ConsultationAttachment
from comity.network.tests.test_consultations_api import PDF, members

DOCX_NAME = "draft request.pdf"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_of(page) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page.content.decode()).group(1)


@pytest.fixture
def consultation(peru, switzerland, nigeria) -> Consultation:
    members(peru, switzerland)
    return services.consultation_open(
        actor=peru.officer,
        participants=[switzerland.authority],
        subject="Accounts of a former minister",
        handling="TLP:AMBER+STRICT",
        summary="Bribes paid through a Panamanian company.",
        offences=["uncac-15"],
    )


def test_an_officer_opens_a_consultation_from_the_form(peru, switzerland, nigeria):
    members(peru, switzerland)
    lima = logged_in(peru.officer)
    form = lima.get("/network/consultations/new/", follow=True)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Federal Office of Justice" in html and "Federal Ministry of Justice" not in html  # members only
    created = lima.post(
        form.redirect_chain[-1][0],
        {
            "form_token": token_of(form),
            "participants": [switzerland.authority.pk],
            "subject": "Accounts in Zurich",
            "handling": "TLP:GREEN",
            "summary": "Facts",
            "offences": ["uncac-17"],
        },
    )
    consultation = Consultation.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/network/consultations/{consultation.pk}/"
    assert consultation.offences == ["uncac-17"] and consultation.handling == "TLP:GREEN"
    refused = lima.post(
        form.redirect_chain[-1][0] + "x",
        {
            "form_token": "another-token-0123456789",
            "participants": [nigeria.authority.pk],
            "subject": "S",
            "handling": "TLP:GREEN",
        },
    )
    assert refused.status_code == 422 and Consultation.objects.count() == 1


def test_the_thread_shows_the_handling_code_and_takes_messages_with_files(consultation, peru, switzerland):
    bern = logged_in(switzerland.officer)
    inbox = bern.get("/network/consultations/").content.decode()
    assert 'data-tlp="TLP:AMBER+STRICT"' in inbox and "Accounts of a former minister" in inbox
    url = f"/network/consultations/{consultation.pk}/"
    page = bern.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-tlp="TLP:AMBER+STRICT"') == 2  # head and foot
    assert "<title>TLP:AMBER+STRICT" in html
    sent = bern.post(
        f"{url}message/",
        {
            "body": "We can freeze on an MLA request.",
            "attachments": [SimpleUploadedFile(DOCX_NAME, PDF)],
            "measures": ["freezing"],
        },
    )
    assert sent.status_code == 302
    attachment = ConsultationAttachment.objects.get()
    assert attachment.name == DOCX_NAME and bytes(attachment.content) == PDF
    consultation.refresh_from_db()
    assert consultation.measures == ["freezing"]
    lima = logged_in(peru.officer)
    thread = lima.get(url).content.decode()
    assert (
        "We can freeze on an MLA request." in thread
        and "Not yet read by the other participants" not in thread
    )
    assert lima.get(f"{url}attachments/{attachment.pk}/").content == PDF
    export = lima.get(f"{url}export.txt").content.decode()
    assert export.startswith("TLP:AMBER+STRICT") and export.rstrip().endswith(
        "the recipient's organisation only"
    )
    assert "We can freeze" in export
    assert (
        AccessEntry.objects.filter(
            object_type="network.consultation", channel="page", user=peru.officer
        ).count()
        == 3
    )

    too_many = bern.post(
        f"{url}message/", {"body": "x", "attachments": [SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 20)]}
    )
    assert too_many.status_code == 422 and "not a file type accepted" in too_many.content.decode()
    assert ConsultationAttachment.objects.count() == 1


def test_convert_from_the_page_links_both_ways(consultation, peru, switzerland):
    lima = logged_in(peru.officer)
    url = f"/network/consultations/{consultation.pk}/convert/"
    form = lima.get(url, follow=True)
    assert form.status_code == 200
    # What the consultation noted comes ticked; what it lacks is left to complete.
    assert re.search(r'value="uncac-15"[^>]*checked', form.content.decode())
    assert not re.search(r'value="mla"[^>]*selected', form.content.decode())
    missing = lima.post(
        form.redirect_chain[-1][0],
        {
            "form_token": token_of(form),
            "requested_authority": switzerland.authority.pk,
            "offences": ["uncac-15"],
        },
    )
    assert missing.status_code == 422 and "give it in the conversion" in missing.content.decode()
    done = lima.post(
        form.redirect_chain[-1][0],
        {
            "form_token": token_of(form),
            "requested_authority": switzerland.authority.pk,
            "request_type": "mla",
            "legal_basis": "uncac",
            "proceeding": "criminal",
            "offences": ["uncac-15"],
        },
    )
    request = Request.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/requests/{request.pk}/"
    assert request.confidential  # TLP:AMBER+STRICT
    thread = lima.get(f"/network/consultations/{consultation.pk}/").content.decode()
    assert f'href="/requests/{request.pk}/"' in thread and "Convert into a request" not in thread
    # ... and the request links back to it, for both parties.
    back = f'href="/network/consultations/{consultation.pk}/"'
    assert back in lima.get(f"/requests/{request.pk}/").content.decode()
    assert back in logged_in(switzerland.officer).get(f"/requests/{request.pk}/").content.decode()


def test_no_page_exists_for_whoever_does_not_take_part(
    consultation, peru, switzerland, nigeria, secretariat_user
):
    message = services.consultation_post(
        actor=peru.officer,
        consultation=consultation,
        body="Hello",
        attachments=[services.AttachmentInput(name="a.pdf", content=PDF)],
    )
    base = f"/network/consultations/{consultation.pk}/"
    gets = [
        base,
        f"{base}convert/",
        f"{base}export.txt",
        f"{base}attachments/{message.attachments.get().pk}/",
    ]
    posts = [f"{base}message/", f"{base}invite/", f"{base}close/", f"{base}convert/"]

    def refused(user, inbox: int = 404) -> None:
        client = logged_in(user)
        for address in gets:
            assert client.get(address).status_code == 404, address
        for address in posts:
            assert client.post(address, {"body": "x"}).status_code == 404, address
        assert client.get("/network/consultations/").status_code == inbox
        if inbox == 404:
            assert client.get("/network/consultations/new/").status_code == 404

    refused(nigeria.officer)
    refused(secretariat_user)
    members(nigeria)
    refused(nigeria.officer, inbox=200)
    services.membership_suspend(
        actor=None, membership=services.Membership.objects.get(authority=switzerland.authority)
    )
    refused(switzerland.officer)
    assert Client().get(base).status_code == 302  # to the login page
    consultation.refresh_from_db()
    assert consultation.is_open and consultation.messages.count() == 1
