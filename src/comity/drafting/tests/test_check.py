"""The completeness check (#23 item 5), rule by rule, on the guidance tests' Swiss and Peruvian
profiles: missing elements named (blocking or advisory), what the State does not accept, a State
without a profile."""

from typing import Any

from comity.drafting.check import check
from comity.guidance.tests.helpers import document, peru_document

COMPLETE: dict[str, Any] = {
    "type": "mla",
    "requested_country": "CH",
    "requested_authority": 7,
    "legal_basis": "uncac",
    "proceeding": "criminal",
    "language": "fr",
    "facts": "Bribes paid in 2019 were laundered through Swiss accounts.",
    "offences": ["uncac-15", "uncac-23"],
    "conduct": ["bribe-official-take"],
    "law": "Código Penal, art. 393: 5 to 8 years.",
    "measures": ["bank-records"],
    "elements": {"bank-records": {"bank": "Banque Exemple SA", "period": "2019-2022"}},
    "persons": [{"kind": "natural", "name": "A. Quispe", "identifiers": "", "country": "PE"}],
    "confidential": False,
    "confidentiality_note": "",
    "urgent": False,
    "urgency_reason": "",
    "deadline": None,
    "contact": "M. Rojas, +51 1 000 0000",
    "attachments": ["Court order of 3 March 2026"],
}


def fields(result) -> dict[str, str]:
    return {item.field: item.severity for item in result.items}


def test_a_complete_draft_has_nothing_to_say():
    result = check(COMPLETE, document("CH"))
    assert result.complete and result.items == [] and result.profile


def test_required_elements_block_and_advised_ones_advise():
    result = check({**COMPLETE, "elements": {}}, document("CH"))
    assert fields(result) == {
        "elements.bank-records.bank": "blocking",
        "elements.bank-records.period": "advisory",
    }
    assert not result.complete
    assert "The bank" in result.items[0].reason and "Switzerland" in result.items[0].reason
    # Peru requires the period and the link to the offence too.
    peru = check({**COMPLETE, "requested_country": "PE", "language": "es", "elements": {}}, peru_document())
    assert fields(peru) == {
        "elements.bank-records.bank": "blocking",
        "elements.bank-records.period": "blocking",
        "elements.bank-records.link": "blocking",
    }


def test_what_the_state_does_not_accept():
    result = check({**COMPLETE, "legal_basis": "reciprocity", "language": "es"}, document("CH"))
    assert fields(result) == {"legal_basis": "blocking", "language": "blocking"}
    reasons = " ".join(item.reason for item in result.items)
    assert (
        "Reciprocity" in reasons and "UN Convention against Corruption" in reasons and "de, fr, it" in reasons
    )


def test_every_request_needs_its_basics():
    result = check({"type": "mla"}, None)
    assert fields(result) == {
        "requested_country": "blocking",
        "legal_basis": "blocking",
        "facts": "blocking",
        "offences": "blocking",
        "law": "advisory",
        "measures": "blocking",
        "persons": "advisory",
        "contact": "advisory",
        "attachments": "advisory",
    }
    urgent = check({**COMPLETE, "urgent": True, "confidential": True}, document("CH"))
    assert fields(urgent) == {"urgency_reason": "blocking", "confidentiality_note": "advisory"}
    extradition = check({**COMPLETE, "type": "extradition", "measures": [], "persons": []}, document("CH"))
    assert fields(extradition) == {"persons": "blocking"}


def test_a_state_without_a_profile_lets_drafting_go_on():
    result = check({**COMPLETE, "requested_country": "NG"}, None)
    assert result.complete and not result.profile
    assert fields(result) == {"requested_country": "advisory"}
    assert "No requirements are known for Nigeria" in result.items[0].reason


def test_a_measure_the_profile_does_not_describe_and_a_missing_language():
    result = check({**COMPLETE, "measures": ["bank-records", "freezing"], "language": ""}, document("CH"))
    assert fields(result) == {"measures.freezing": "advisory", "language": "advisory"}


def test_assets_non_conviction_based_and_registration():
    profile = document("CH")
    profile["general"]["ncb_confiscation"] = {"value": False, "source": "x", "confirmed_on": "2026-01-01"}
    profile["general"]["registration_final"] = {
        "value": "A certified copy of the final order.",
        "source": "x",
        "confirmed_on": "2026-01-01",
    }
    draft = {
        **COMPLETE,
        "type": "enforce-order",
        "measures": ["confiscation-enforcement"],
        "proceeding": "non-conviction-based",
    }
    result = check(draft, profile)
    assert fields(result) == {
        "proceeding": "blocking",
        "measures.confiscation-enforcement": "advisory",
        "attachments": "advisory",
    }
    assert "certified copy of the final order" in result.items[-1].reason


def test_dual_criminality_asks_for_the_conduct():
    result = check({**COMPLETE, "conduct": []}, document("CH"))
    assert fields(result) == {"conduct": "advisory"}
