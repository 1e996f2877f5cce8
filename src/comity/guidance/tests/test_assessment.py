"""The dual criminality assessment on a table of cases (#23 "Done when"): coercive and non-coercive
measures, a conduct named differently in the requested State, a legal person where only natural
persons can be liable; and the checks of its input."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from comity.guidance.assessment import Case, NationalOffenceFact, assess, case_from

SOURCE = {"source": "Test", "confirmed_on": "2026-01-01"}


def general(
    rule: str, test: str = "conduct", bases: tuple[str, ...] = ("uncac", "bilateral-treaty")
) -> dict[str, Any]:
    return {
        "dual_criminality": {"value": rule, **SOURCE},
        "dual_criminality_test": {"value": test, **SOURCE},
        "legal_bases": {"value": list(bases), **SOURCE},
    }


PROFILES: dict[str, dict[str, Any] | None] = {
    "coercive": general("coercive"),
    "all-by-name": general("all", "name"),
    "all-no-uncac": general("all", "conduct", ("bilateral-treaty",)),
    "never": general("never"),
    "silent": {},
    "none": None,
}

# A Swiss-like criminal code: bribery both ways and laundering engage companies; the abuse of
# functions only natural persons; no illicit enrichment.
OFFENCES = [
    NationalOffenceFact("Bestechen", "StGB", "art. 322ter", "5 years", True, ("bribe-official-give",)),
    NationalOffenceFact("Sich bestechen lassen", "StGB", "art. 322quater", "5 years", True, ("bribe-official-take",)),
    NationalOffenceFact("Geldwäscherei", "StGB", "art. 305bis", "3 years", True, ("laundering-convert", "laundering-conceal")),
    NationalOffenceFact("Amtsmissbrauch", "StGB", "art. 312", "5 years", False, ("abuse-of-functions",)),
]  # fmt: skip

NATURAL, LEGAL = "natural-person", "legal-person"

# (name, profile, offences asked, measures, conduct, subject, national offences?, verdict, reasons it gives)
CASES = [
    ("coercive measure, conduct an offence there", "coercive", ["uncac-15"], ["bank-records"],
     ["bribe-official-give"], NATURAL, True, "likely-satisfied", {"coercive-measures", "conduct-covered"}),
    ("non-coercive measure where only coercive ones need it", "coercive", ["uncac-20"], ["testimony"],
     ["illicit-enrichment"], NATURAL, True, "not-required", {"no-coercive-measure"}),
    ("service of documents, conduct no offence there", "coercive", ["uncac-20"], ["service-of-documents"],
     ["illicit-enrichment"], NATURAL, True, "not-required", {"no-coercive-measure"}),
    ("coercive measure, conduct no offence there", "coercive", ["uncac-20"], ["freezing"],
     ["illicit-enrichment"], NATURAL, True, "needs-attention", {"coercive-measures", "conduct-not-covered"}),
    ("named differently, judged by conduct", "coercive", ["uncac-20"], ["bank-records"],
     ["bribe-official-take"], NATURAL, True, "likely-satisfied", {"conduct-covered", "different-name"}),
    ("named differently, judged by name", "all-by-name", ["uncac-20"], ["bank-records"],
     ["bribe-official-take"], NATURAL, True, "needs-attention", {"conduct-covered", "judged-by-name"}),
    ("named differently, test not known", "silent", ["uncac-20"], ["bank-records"],
     ["bribe-official-take"], NATURAL, True, "needs-attention", {"rule-unknown", "test-unknown"}),
    ("legal person, companies liable there", "coercive", ["uncac-23"], ["freezing"],
     ["laundering-convert"], LEGAL, True, "likely-satisfied", {"conduct-covered"}),
    ("legal person, only natural persons liable there", "coercive", ["uncac-19"], ["search-seizure"],
     ["abuse-of-functions"], LEGAL, True, "needs-attention", {"conduct-covered", "legal-person-not-liable"}),
    ("natural person, same conduct", "coercive", ["uncac-19"], ["search-seizure"],
     ["abuse-of-functions"], NATURAL, True, "likely-satisfied", {"conduct-covered"}),
    ("every request, non-coercive, UNCAC art. 46(9)(b)", "all-by-name", ["uncac-20"], ["testimony"],
     ["illicit-enrichment"], NATURAL, True, "not-required", {"all-requests", "uncac-46-9-b"}),
    ("every request, non-coercive, Convention not accepted", "all-no-uncac", ["uncac-20"], ["testimony"],
     ["illicit-enrichment"], NATURAL, True, "needs-attention", {"uncac-46-9-b-unsure", "conduct-not-covered"}),
    ("every request, coercive and non-coercive, covered", "all-by-name", ["uncac-15"],
     ["testimony", "bank-records"], ["bribe-official-give"], NATURAL, True, "likely-satisfied",
     {"uncac-46-9-b", "conduct-covered"}),
    ("never required", "never", ["uncac-20"], ["freezing"], ["illicit-enrichment"], NATURAL, True,
     "not-required", {"never"}),
    ("no profile, conduct an offence there", "none", ["uncac-15"], ["bank-records"], ["bribe-official-give"],
     NATURAL, True, "likely-satisfied", {"no-profile", "conduct-covered"}),
    ("no profile, conduct no offence there", "none", ["uncac-20"], ["videoconference"], ["illicit-enrichment"],
     NATURAL, True, "needs-attention", {"no-profile", "conduct-not-covered"}),
    ("no conduct described", "coercive", ["uncac-15"], ["bank-records"], [], NATURAL, True,
     "needs-attention", {"no-conduct"}),
    ("no national offences recorded", "coercive", ["uncac-15"], ["bank-records"], ["bribe-official-give"],
     NATURAL, False, "needs-attention", {"no-national-offences"}),
    ("two conducts, one no offence there", "coercive", ["uncac-15", "uncac-20"], ["freezing"],
     ["bribe-official-take", "illicit-enrichment"], NATURAL, True, "needs-attention",
     {"conduct-covered", "conduct-not-covered"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("profile", "offences", "measures", "conduct", "subject", "recorded", "verdict", "reasons"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_verdict_on_each_case(profile, offences, measures, conduct, subject, recorded, verdict, reasons):
    case = Case("PE", "CH", tuple(offences), tuple(measures), tuple(conduct), subject)
    found = assess(case, general=PROFILES[profile], offences=OFFENCES if recorded else [])
    codes = [reason.code for reason in found.reasons]
    assert found.verdict == verdict, codes
    assert reasons <= set(codes), codes
    assert found.notice == "Guidance, not a legal opinion."
    assert all(reason.message for reason in found.reasons)
    # A conduct that is no offence there is the problem, not the name of the offence.
    if "conduct-not-covered" in codes:
        assert not {"different-name", "judged-by-name", "test-unknown"} & set(codes), codes
    # Attention is asked for exactly when a reason asks for it.
    assert (verdict == "needs-attention") == any(reason.attention for reason in found.reasons), codes


@pytest.mark.parametrize(
    ("profile", "conduct", "subject", "verdict", "reasons"),
    [
        # Extradition needs dual criminality even where assistance never does (UNCAC art. 44(1)).
        ("never", ("bribe-official-take",), NATURAL, "likely-satisfied", {"extradition", "conduct-covered"}),
        (
            "never",
            ("illicit-enrichment",),
            NATURAL,
            "needs-attention",
            {"extradition", "conduct-not-covered"},
        ),
        ("coercive", ("abuse-of-functions",), LEGAL, "needs-attention", {"legal-person-not-liable"}),
        ("none", ("bribe-official-give",), NATURAL, "likely-satisfied", {"no-profile", "extradition"}),
    ],
)
def test_extradition_always_needs_dual_criminality(profile, conduct, subject, verdict, reasons):
    case = Case("PE", "CH", ("uncac-15",), (), conduct, subject, "extradition")
    found = assess(case, general=PROFILES[profile], offences=OFFENCES)
    codes = {reason.code for reason in found.reasons}
    assert found.verdict == verdict and reasons <= codes, codes
    assert "never" not in codes


def test_the_reasons_name_the_state_the_conduct_and_the_national_offence():
    case = Case("PE", "CH", ("uncac-20",), ("bank-records",), ("bribe-official-take",))
    found = assess(case, general=PROFILES["coercive"], offences=OFFENCES)
    messages = {reason.code: reason.message for reason in found.reasons}
    assert "Switzerland" in messages["coercive-measures"] and "Bank records" in messages["coercive-measures"]
    assert "“Sich bestechen lassen” (StGB, art. 322quater)" in messages["conduct-covered"]
    assert "Illicit enrichment" in messages["different-name"]
    # The national offences shown: those covering the conduct asked about, with which of it.
    assert [(f.offence.name, f.conduct) for f in found.national_offences] == [
        ("Sich bestechen lassen", ("bribe-official-take",))
    ]


def test_without_conduct_the_offences_asked_about_stand_for_it():
    case = Case("PE", "CH", ("uncac-15",), ("bank-records",), ())
    found = assess(case, general=PROFILES["coercive"], offences=OFFENCES)
    assert [f.offence.name for f in found.national_offences] == ["Bestechen", "Sich bestechen lassen"]


def test_a_case_is_checked_field_by_field():
    with pytest.raises(ValidationError) as raised:
        case_from(
            {
                "requesting_country": "pe",
                "requested_country": "PE",
                "offences": ["uncac-99"],
                "measures": [],
                "conduct": ["bribery"],
                "subject": "company",
            }
        )
    fields = raised.value.message_dict
    assert set(fields) == {"requested_country", "offences", "measures", "conduct", "subject"}
    assert "uncac-99" in fields["offences"][0] and "bribery" in fields["conduct"][0]
    with pytest.raises(ValidationError) as raised:
        case_from({"requesting_country": "XX", "offences": "uncac-15", "measures": [1]})
    assert set(raised.value.message_dict) == {"requesting_country", "requested_country", "measures"}
    case = case_from(
        {"requesting_country": "pe", "requested_country": "ch", "offences": ["uncac-15", "uncac-15"],
         "measures": ["freezing"]}
    )  # fmt: skip
    assert case == Case("PE", "CH", ("uncac-15",), ("freezing",), (), "natural-person", "mla")
    # An extradition needs no measure; a type outside the vocabulary is named.
    extradition = case_from({"requesting_country": "PE", "requested_country": "CH", "offences": ["uncac-15"],
                             "type": "extradition"})  # fmt: skip
    assert extradition.type == "extradition" and extradition.measures == ()
    with pytest.raises(ValidationError) as raised:
        case_from({"requesting_country": "PE", "requested_country": "CH", "offences": ["uncac-15"],
                   "measures": ["freezing"], "type": "surrender"})  # fmt: skip
    assert set(raised.value.message_dict) == {"type"}
