"""The drafts API (#23 items 5, 7): started with a type, completed by PATCH, checked against the
requested State's profile, shared with colleagues of the same authority, registered as a request;
every read scoped to the draft's authority (404 to anyone else), every bad field named."""

import pytest

from comity.accounts.choices import Role
from comity.accounts.tests.factories import AuthorityFactory, UserFactory
from comity.cooperation.models import Request
from comity.core.models import AuditEntry
from comity.drafting.models import Draft
from comity.drafting.tests.helpers import BANK_RECORDS, COMPLETION, errors, patch, post
from comity.guidance.tests.helpers import document, store_swiss_offences, stored
from comity.network import services
from comity.network.selectors import finder
from comity.network.tests.helpers import ENTRY, entry, hub
from comity.network.tests.test_consultations_api import members, opening
from conftest import bearer


@pytest.fixture
def swiss_profile(db):
    # Switzerland's profile and its national offences, for the dual criminality assessment.
    store_swiss_offences()


def start(client, body=None):
    response = post(client, "/api/v1/drafts", body or BANK_RECORDS)
    assert response.status_code == 201, response.content
    return response.json()


def test_an_officer_drafts_checks_completes_and_registers(swiss_profile, peru, switzerland):
    client = bearer(peru.officer)
    draft = start(client)
    assert draft["status"] == "open" and draft["authority"] == peru.authority.pk
    assert draft["facts"] == BANK_RECORDS["facts"] and draft["measures"] == ["bank-records"]
    url = f"/api/v1/drafts/{draft['id']}"

    first = client.get(url + "/check").json()
    assert first["complete"] is False and first["profile"] is True
    missing = {item["field"]: item["severity"] for item in first["items"]}
    assert missing["legal_basis"] == "blocking"
    assert missing["elements.bank-records.bank"] == "blocking"
    assert missing["elements.bank-records.period"] == "advisory"
    refused = client.post(url + "/register")
    assert refused.status_code == 422 and "elements.bank-records.bank" in errors(refused)
    assert not Request.objects.exists()

    changed = patch(client, url, COMPLETION)
    assert changed.status_code == 200, changed.content
    assert changed.json()["elements"] == COMPLETION["elements"]
    done = client.get(url + "/check").json()
    assert done == {
        "complete": True,
        "profile": True,
        "demonstration": False,
        "items": [
            {
                "field": "requested_authority",
                "severity": "advisory",
                "reason": done["items"][0]["reason"],
            }
        ],
    }

    registered = client.post(url + "/register")
    assert registered.status_code == 201, registered.content
    request = client.get(f"/api/v1/requests/{registered.json()['request_id']}").json()
    assert request["requesting_authority"]["id"] == peru.authority.pk
    assert request["requested_authority"]["id"] == switzerland.authority.pk
    assert request["legal_basis"] == "uncac" and request["type"] == "mla" and request["sent_on"]
    assert request["measures"] == ["bank-records"] and request["offences"] == ["uncac-15"]
    assert [subject["name"] for subject in request["subjects"]] == ["Alberto Quispe"]
    assert "Banque Exemple SA" in request["summary"]
    request = Request.objects.get(pk=request["id"])
    again = client.get(url).json()
    assert again["status"] == "registered" and again["request"] == request.pk
    assert again["requested_authority"] == switzerland.authority.pk
    assert client.post(url + "/register").status_code == 422
    assert patch(client, url, {"facts": "Other"}).status_code == 422
    actions = list(
        AuditEntry.objects.filter(object_type="drafting.draft")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["draft.create", "draft.update", "draft.register"]
    # The audit names the fields changed, never what they hold.
    assert all("Quispe" not in str(e.detail) + str(e.fields) for e in AuditEntry.objects.all())


def test_a_state_without_a_profile(peru, nigeria):
    client = bearer(peru.officer)
    draft = start(client, {**BANK_RECORDS, "requested_country": "NG"})
    result = client.get(f"/api/v1/drafts/{draft['id']}/check").json()
    assert result["profile"] is False
    no_profile = [item for item in result["items"] if item["field"] == "requested_country"]
    assert no_profile[0]["severity"] == "advisory" and "No requirements are known" in no_profile[0]["reason"]


def test_every_bad_field_is_named_and_nothing_written(peru):
    client = bearer(peru.officer)
    bad = post(
        client,
        "/api/v1/drafts",
        {
            "type": "letter",
            "requested_country": "XX",
            "measures": ["wiretap"],
            "language": "klingon",
            "persons": [{"kind": "natural", "name": ""}],
            "elements": {"bank-records": {"Bank!": "x"}},
            "facts": "x" * 10_001,
            "colour": "red",
        },
    )
    assert bad.status_code == 422
    assert set(errors(bad)) == {
        "type",
        "requested_country",
        "measures.0",
        "language",
        "persons.0.name",
        "elements.bank-records.Bank!",
        "facts",
        "colour",
    }
    assert not Draft.objects.exists()
    draft = start(client)
    wrong_authority = patch(
        client, f"/api/v1/drafts/{draft['id']}", {"requested_authority": peru.authority.pk}
    )
    assert wrong_authority.status_code == 422 and "requested_authority" in errors(wrong_authority)
    assert Draft.objects.get().requested_authority is None


def test_a_draft_is_its_authoritys_and_shared_with_colleagues_only(peru, switzerland, secretariat_user):
    draft = start(bearer(peru.officer))
    url = f"/api/v1/drafts/{draft['id']}"
    colleague = UserFactory(username="pe-officer-2", authority=peru.authority, role=Role.OFFICER)
    for outsider in (switzerland.officer, secretariat_user, colleague, peru.viewer):
        client = bearer(outsider)
        for path in ("", "/check", "/document?format=docx"):
            assert client.get(url + path).status_code == 404, (outsider, path)
        assert patch(client, url, {"facts": "x"}).status_code == 404
        assert client.post(url + "/register").status_code == 404
        assert client.delete(url).status_code == 404
        assert client.get("/api/v1/drafts").json() == [] if outsider is not secretariat_user else True

    owner = bearer(peru.officer)
    assert post(owner, url + "/share", {"user": switzerland.officer.pk}).status_code == 422
    assert post(owner, url + "/share", {"user": colleague.pk}).status_code == 204
    shared = bearer(colleague)
    assert shared.get(url).json()["shared_with"] == [colleague.pk]
    assert patch(shared, url, {"legal_basis": "uncac"}).status_code == 200
    assert [d["id"] for d in shared.get("/api/v1/drafts").json()] == [draft["id"]]
    # A viewer the draft is shared with reads it and may not change it.
    assert post(owner, url + "/share", {"user": peru.viewer.pk}).status_code == 204
    viewer = bearer(peru.viewer)
    assert viewer.get(url).status_code == 200
    assert patch(viewer, url, {"facts": "x"}).status_code == 403
    assert (
        bearer(secretariat_user)
        .post("/api/v1/drafts", BANK_RECORDS, content_type="application/json")
        .status_code
        == 404
    )


def test_deleting_a_draft(peru):
    client = bearer(peru.officer)
    draft = start(client)
    assert client.delete(f"/api/v1/drafts/{draft['id']}").status_code == 204
    assert not Draft.objects.exists()
    assert AuditEntry.objects.filter(action="draft.delete").count() == 1


def test_a_draft_starts_from_a_consultation_of_ones_own(peru, switzerland, nigeria):
    members(peru, switzerland)
    lima = bearer(peru.officer)
    body = opening(switzerland) | {
        "offences": ["uncac-15"],
        "measures": ["bank-records"],
        "legal_basis": "uncac",
    }
    consultation = post(lima, "/api/v1/consultations", body).json()
    draft = start(lima, {"type": "mla", "requested_country": "CH", "consultation": consultation["id"]})
    assert draft["consultation"] == consultation["id"]
    assert draft["facts"] == body["summary"] and draft["offences"] == ["uncac-15"]
    assert draft["measures"] == ["bank-records"] and draft["legal_basis"] == "uncac"
    # What the body gives wins over what the consultation says.
    other = start(lima, {"type": "mla", "consultation": consultation["id"], "facts": "Typed anew."})
    assert other["facts"] == "Typed anew."
    # Another authority's consultation is not one to start from (Nigeria does not take part).
    members(nigeria)
    refused = post(
        bearer(nigeria.officer), "/api/v1/drafts", {"type": "mla", "consultation": consultation["id"]}
    )
    assert refused.status_code == 422 and "consultation" in errors(refused)


def test_the_check_says_when_dual_criminality_needs_attention(db, peru, switzerland):
    stored(document("CH"))  # the profile without national offences: dual criminality cannot be told
    client = bearer(peru.officer)
    draft = start(client, BANK_RECORDS | COMPLETION)
    items = client.get(f"/api/v1/drafts/{draft['id']}/check").json()["items"]
    attention = [item for item in items if item["field"] == "conduct"]
    assert attention[0]["severity"] == "advisory"
    assert "Dual criminality needs attention" in attention[0]["reason"]
    assert "No national offence of Switzerland" in attention[0]["reason"]


def test_register_without_a_chosen_authority_sends_to_the_finders_first(swiss_profile, peru, switzerland):
    """The issue's rule: the requested authority as chosen, else the finder's first for that State
    (not simply the State's central authority): here the Swiss prosecutor whose directory entry
    gives the competence the draft asks for, while the central authority's gives only extradition."""
    prosecutor = AuthorityFactory(country="CH", name="Office of the Attorney General", kind="prosecution")
    hub(peru, switzerland)
    entry(switzerland, competences=["extradition"])
    services.directory_entry_save(actor=None, authority=prosecutor, **(ENTRY | {"competences": ["mla"]}))
    client = bearer(peru.officer)
    url = f"/api/v1/drafts/{start(client)['id']}"
    assert patch(client, url, COMPLETION).status_code == 200
    assert finder(peru.officer, country="CH", measure="bank-records")[0].entry.authority == prosecutor
    registered = client.post(url + "/register")
    assert registered.status_code == 201, registered.content
    request = Request.objects.get(pk=registered.json()["request_id"])
    assert request.requested_authority == prosecutor
    # Chosen, the authority is kept whatever the finder says.
    other = f"/api/v1/drafts/{start(client)['id']}"
    patch(client, other, COMPLETION | {"requested_authority": switzerland.authority.pk})
    chosen = Request.objects.get(pk=client.post(other + "/register").json()["request_id"])
    assert chosen.requested_authority == switzerland.authority
