"""What a `request.new` carries beyond codes and texts (#25 item 2): the request's subjects, with
who may know their names, written at the recipient by cooperation's request_create in the
transaction of the request, and refused whole when this deployment's rules refuse one of them."""

import datetime
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from joserfc.jwk import OKPKey

from comity.accounts.tests.factories import AuthorityFactory, UserFactory
from comity.cooperation import services
from comity.cooperation.models import Request, Subject
from comity.core.files import FileInput
from comity.core.models import AuditEntry
from comity.drafting import services as drafting
from comity.drafting.models import Draft
from comity.drafting.tests.test_attachments import EXE
from comity.federation import packages
from comity.federation import services as federation
from comity.federation.models import Document, Message
from comity.federation.packages import Part, SenderKey
from comity.federation.tests.test_inbox import BODY, World, _rejected, post
from comity.federation.tests.test_outbox import API_REQUEST, peer  # noqa: F401 (fixture)
from comity.guidance.tests.helpers import pdf_with_text
from conftest import bearer

SUBJECTS = [
    {"kind": "natural", "name": "Alberto Quispe", "identifiers": "DNI 40123456", "country": "PE"},
    {"kind": "legal", "name": "Andes Holding SA", "identifiers": "", "country": ""},
]


@pytest.fixture
def world(peru, tmp_path) -> World:
    return World(peru, tmp_path)


def test_the_subjects_of_a_new_request_are_written_with_it_under_the_senders_confidentiality(world, peru):
    body = {**BODY, "confidential": True, "names_visible_to": "heads", "subjects": SUBJECTS}
    assert post(world.package(body)).status_code == 200
    request = Request.objects.get()
    assert request.confidential and request.names_visible_to == "heads"
    assert [(s.kind, s.name, s.identifiers, s.country) for s in request.subjects.all()] == [
        ("natural", "Alberto Quispe", "DNI 40123456", "PE"),
        ("legal", "Andes Holding SA", "", ""),
    ]
    assert "Bank records" in request.summary  # the summary of the facts
    # the recipient's officers do not learn the names its heads alone may know
    read = bearer(peru.officer).get(f"/api/v1/requests/{request.pk}").json()
    assert [s["name"] for s in read["subjects"]] == [None, None]
    read = bearer(peru.head).get(f"/api/v1/requests/{request.pk}").json()
    assert [s["name"] for s in read["subjects"]] == ["Alberto Quispe", "Andes Holding SA"]
    # names stay out of the audit log
    assert "Quispe" not in json.dumps(list(AuditEntry.objects.values("detail", "fields")))


@pytest.mark.parametrize(
    ("subject", "reason"),
    [
        ({"kind": "natural", "name": "Alberto Quispe", "country": "XX"}, "unacceptable"),  # no such State
        ({"kind": "animal", "name": "Alberto Quispe"}, "schema"),
        ({"kind": "natural", "name": "Q" * 301}, "schema"),
        ({"kind": "natural", "name": "  "}, "schema"),
        ({"kind": "natural", "name": "Alberto Quispe", "nickname": "Beto"}, "schema"),
    ],
)
def test_a_subject_this_deployment_refuses_refuses_the_whole_request(world, subject, reason):
    _rejected(world, world.package({**BODY, "subjects": [SUBJECTS[1], subject]}), reason)
    assert not Request.objects.exists() and not Subject.objects.exists()


def test_a_request_to_a_peers_authority_carries_its_subjects(peru, peer):  # noqa: F811
    link, _ = peer
    response = bearer(peru.officer).post(
        "/api/v1/requests",
        {
            **API_REQUEST,
            "requesting_authority": peru.authority.pk,
            "requested_authority": link.authority.pk,
            "confidential": True,
            "names_visible_to": "heads",
            "subjects": SUBJECTS,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    message = Message.objects.get()
    assert message.body["subjects"] == SUBJECTS
    assert (message.body["confidential"], message.body["names_visible_to"]) == (True, "heads")
    # the sealed package is unreadable here: neither names nor facts appear in it
    assert "Quispe" not in message.package and "laundering" not in message.package


PDF = pdf_with_text("Orden de embargo")
ORDER = {"part": "document-1", "file_name": "orden.pdf", "title": "Freezing order, certified"}


def with_documents(world: World, body: dict, documents: dict[str, tuple[str, bytes]]) -> bytes:
    manifest, parts = world.manifest_with(body, documents)
    return packages.seal(manifest, parts, signing_key=world.peer_signing, recipient_key=world.our_encryption)


def test_the_documents_of_a_new_request_are_kept_with_it_and_read_by_its_readers_alone(world, peru, client):
    body = {**BODY, "documents": [ORDER]}
    assert post(with_documents(world, body, {"document-1": ("application/pdf", PDF)})).status_code == 200
    request = Request.objects.get()
    [document] = Document.objects.all()
    assert (document.request, document.file_name, document.title) == (request, "orden.pdf", ORDER["title"])
    assert (
        bytes(document.content) == PDF
        and document.size == len(PDF)
        and document.content_type == "application/pdf"
    )
    page = f"/requests/{request.pk}/"
    address = f"/requests/{request.pk}/documents/{document.pk}"
    client.force_login(peru.officer)
    assert address in client.get(page).content.decode()
    answer = client.get(address)
    assert answer.status_code == 200 and answer.content == PDF
    assert answer["Content-Disposition"].startswith("attachment")
    # anyone else: no such document
    for outsider in (
        UserFactory(authority=AuthorityFactory(country="NG"), role="officer"),
        UserFactory(authority=request.requesting_authority, role="officer"),
    ):
        client.force_login(outsider)
        assert client.get(address).status_code == 404
    client.force_login(peru.officer)
    assert client.get(f"/requests/{request.pk}/documents/{document.pk + 1}").status_code == 404
    # names only in the audit and access logs' codes: never the file's name or title
    logged = json.dumps(list(AuditEntry.objects.values("detail", "fields")))
    assert "orden" not in logged and "Freezing" not in logged


def test_the_documents_of_a_confidential_request_follow_who_may_know_its_subjects_names(world, peru, client):
    body = {**BODY, "confidential": True, "names_visible_to": "heads", "documents": [ORDER]}
    assert post(with_documents(world, body, {"document-1": ("application/pdf", PDF)})).status_code == 200
    request, document = Request.objects.get(), Document.objects.get()
    address = f"/requests/{request.pk}/documents/{document.pk}"
    client.force_login(peru.officer)
    assert address not in client.get(f"/requests/{request.pk}/").content.decode()
    assert client.get(address).status_code == 404
    client.force_login(peru.head)
    assert client.get(address).content == PDF


@pytest.mark.parametrize(
    ("documents", "parts"),
    [
        ([ORDER], {}),  # named, not carried
        ([], {"document-1": ("application/pdf", PDF)}),  # carried, not named
        ([ORDER, {**ORDER, "file_name": "again.pdf"}], {"document-1": ("application/pdf", PDF)}),
        ([{**ORDER, "part": "body"}], {}),
        ([ORDER], {"document-1": ("image/png", PDF)}),  # not the type it says
        ([ORDER], {"document-1": ("application/octet-stream", EXE)}),  # not a type taken here
    ],
)
def test_documents_that_do_not_hold_together_refuse_the_whole_request(world, documents, parts):
    _rejected(world, with_documents(world, {**BODY, "documents": documents}, parts), "unacceptable")
    assert not Request.objects.exists() and not Document.objects.exists()


@override_settings(COMITY_ATTACHMENT_MAX_BYTES=len(PDF) - 1)
def test_a_document_larger_than_this_deployment_takes_refuses_the_request(world):
    package = with_documents(world, {**BODY, "documents": [ORDER]}, {"document-1": ("application/pdf", PDF)})
    _rejected(world, package, "unacceptable")
    assert not Request.objects.exists() and not Document.objects.exists()


def test_a_tampered_document_is_refused_by_its_hash(world):
    manifest, parts = world.manifest_with(
        {**BODY, "documents": [ORDER]}, {"document-1": ("application/pdf", PDF)}
    )
    swapped = [parts[0], Part("document-1", "application/pdf", pdf_with_text("Orden de embargo falsa"))]
    package = packages.seal(
        manifest, swapped, signing_key=world.peer_signing, recipient_key=world.our_encryption
    )
    _rejected(world, package, "part_hash")
    assert not Document.objects.exists()


def _opened(message: Message, peer_encryption) -> packages.Opened:
    out = StringIO()
    call_command("federation", "key", stdout=out)
    ours = OKPKey.import_key(json.loads(out.getvalue())["keys"][0])
    return packages.open_package(
        message.package.encode(),
        recipient="ch.comity.test",
        decryption_key=lambda kid: peer_encryption,
        sender_key=lambda kid: SenderKey(key=ours, deployment="pe.comity.test"),
        now=timezone.now(),
        max_age=datetime.timedelta(days=1),
        max_bytes=2**24,
    )


def _create(peru, recipient, documents):
    return services.request_create(
        actor=peru.officer,
        requesting_authority=peru.authority,
        requested_authority=recipient,
        type="mla",
        legal_basis="uncac",
        proceeding="criminal",
        offences=["uncac-15"],
        requesting_reference="PE-2026-610",
        documents=documents,
    )


def test_the_documents_enclosed_with_a_request_travel_as_parts_of_its_package(peru, peer):  # noqa: F811
    link, peer_encryption = peer
    note = b"Informe de la UIF\n"
    _create(
        peru,
        link.authority,
        [
            services.DocumentInput("C:\\casos\\orden.pdf", PDF, "Freezing order"),
            services.DocumentInput("uif.txt", note),
        ],
    )
    message = Message.objects.get()
    assert message.body["documents"] == [
        {"part": "document-1", "file_name": "orden.pdf", "title": "Freezing order"},
        {"part": "document-2", "file_name": "uif.txt", "title": ""},
    ]
    assert [(p["name"], p["media_type"], p["size"]) for p in message.manifest["parts"][1:]] == [
        ("document-1", "application/pdf", len(PDF)),
        ("document-2", "text/plain", len(note)),
    ]
    opened = _opened(message, peer_encryption)
    assert opened.parts["document-1"] == PDF and opened.parts["document-2"] == note
    # the bytes are not kept twice: only in the sealed package, which only the peer opens
    assert "document-1" not in json.dumps(message.body).replace('"part": "document-1"', "")


@override_settings(COMITY_FEDERATION_MAX_PACKAGE_BYTES=4096)
def test_documents_too_large_together_to_travel_are_refused_to_the_official_with_nothing_written(peru, peer):  # noqa: F811
    link, _ = peer
    with pytest.raises(ValidationError) as refused:
        _create(peru, link.authority, [services.DocumentInput("orden.pdf", PDF * 8)])
    assert "too large together to travel to ch.comity.test" in str(refused.value.message_dict["documents"])
    assert not Request.objects.exists() and not Message.objects.exists()


def test_a_request_registered_from_a_draft_carries_the_drafts_files(peru, peer):  # noqa: F811
    link, peer_encryption = peer
    draft = Draft.objects.create(
        authority=peru.authority,
        type="mla",
        requested_country="CH",
        requested_authority=link.authority,
        legal_basis="uncac",
        offences=["uncac-15"],
        measures=["service-of-documents"],
        facts="Bribes paid in 2019 were laundered through accounts in Geneva.",
        created_by=peru.officer,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    drafting.draft_attach(actor=peru.officer, draft=draft, upload=FileInput("orden.pdf", PDF), title="Order")
    drafting.draft_register(actor=peru.officer, draft=draft)
    message = Message.objects.get()
    assert message.body["documents"] == [{"part": "document-1", "file_name": "orden.pdf", "title": "Order"}]
    assert _opened(message, peer_encryption).parts["document-1"] == PDF
    # given up after the window, then sent again: sealed anew with the same documents
    Message.objects.filter(pk=message.pk).update(state="failed")
    admin = UserFactory(authority=peru.authority, role="admin")
    again = federation.message_retry(actor=admin, message=message)
    assert again.package != message.package and again.state == "queued"
    reopened = _opened(again, peer_encryption)
    assert reopened.parts["document-1"] == PDF and reopened.body["documents"] == message.body["documents"]
