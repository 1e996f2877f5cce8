"""Demo requirement profiles: plausible, deterministic, and each marked as demonstration data, not
legal guidance (`demonstration: true`, shown on every page and in every export). Sixteen States:
the six with demo logins and ten more."""

import datetime
import zlib
from dataclasses import dataclass
from random import Random
from typing import Any

from comity.guidance.schemas import FORMAT
from comity.guidance.services import profile_import

NOTICE = "Demonstration data, not legal guidance"


@dataclass(frozen=True)
class DemoState:
    country: str
    law: str  # the statute a real profile would cite (named for plausibility only)
    languages: tuple[str, ...]
    legal_bases: tuple[str, ...]
    dual_criminality: str
    test: str
    channels: tuple[str, ...]
    authentication: tuple[str, ...]
    certified_translation: bool
    ncb: bool
    months: tuple[int, int]
    body: str


STATES = [
    DemoState("PE", "Código Procesal Penal, Libro VII", ("es",), ("uncac", "bilateral-treaty", "reciprocity"),
              "coercive", "conduct", ("central-authority", "diplomatic"), ("certification",), True, True, (4, 9),
              "Unidad de Cooperación Judicial Internacional, Fiscalía de la Nación"),
    DemoState("CH", "Federal Act on International Mutual Assistance in Criminal Matters (IMAC)", ("de", "fr", "it"),
              ("uncac", "bilateral-treaty", "regional-instrument", "reciprocity"), "coercive", "conduct",
              ("central-authority", "direct", "electronic"), ("none",), False, False, (3, 8),
              "Federal Office of Justice, then the cantonal prosecutor of the place of execution"),
    DemoState("NG", "Mutual Assistance in Criminal Matters Act 2019", ("en",), ("uncac", "bilateral-treaty", "reciprocity"),
              "coercive", "conduct", ("central-authority", "diplomatic"), ("certification",), True, True, (6, 12),
              "Central Authority Unit, Federal Ministry of Justice"),
    DemoState("GB", "Crime (International Co-operation) Act 2003", ("en",), ("uncac", "bilateral-treaty", "reciprocity", "domestic-law"),
              "coercive", "conduct", ("central-authority", "electronic"), ("none",), False, True, (2, 6),
              "UK Central Authority, Home Office; Crown Office for Scotland"),
    DemoState("FR", "Code de procédure pénale, art. 694 et suivants", ("fr",), ("uncac", "bilateral-treaty", "regional-instrument", "reciprocity"),
              "coercive", "conduct", ("central-authority", "direct", "diplomatic"), ("none",), True, False, (3, 9),
              "Bureau de l'entraide pénale internationale; the juge d'instruction or procureur competent"),
    DemoState("BR", "Código de Processo Penal and Decree 9.360/2018", ("pt",), ("uncac", "bilateral-treaty", "reciprocity"),
              "coercive", "conduct", ("central-authority", "diplomatic"), ("certification",), True, False, (5, 12),
              "DRCI, Ministry of Justice and Public Security"),
    DemoState("US", "18 U.S.C. § 3512", ("en",), ("uncac", "bilateral-treaty", "domestic-law"),
              "never", "conduct", ("central-authority",), ("certification",), True, True, (6, 18),
              "Office of International Affairs, Department of Justice"),
    DemoState("DE", "Act on International Cooperation in Criminal Matters (IRG)", ("de",), ("uncac", "bilateral-treaty", "regional-instrument", "reciprocity"),
              "coercive", "conduct", ("central-authority", "direct", "diplomatic"), ("none",), True, True, (3, 9),
              "Federal Office of Justice; the public prosecutor of the Land where the measure is executed"),
    DemoState("ES", "Ley 23/2014 and Ley de Enjuiciamiento Criminal", ("es",), ("uncac", "bilateral-treaty", "regional-instrument", "reciprocity"),
              "coercive", "conduct", ("central-authority", "direct"), ("none",), True, True, (3, 8),
              "Subdirección General de Cooperación Jurídica Internacional"),
    DemoState("IT", "Codice di procedura penale, Libro XI", ("it",), ("uncac", "bilateral-treaty", "regional-instrument", "reciprocity"),
              "coercive", "conduct", ("central-authority", "direct", "diplomatic"), ("none",), True, True, (4, 10),
              "Ministero della Giustizia, Ufficio II; the procura of the district"),
    DemoState("NL", "Code of Criminal Procedure, Book 5", ("nl", "en"), ("uncac", "bilateral-treaty", "regional-instrument", "reciprocity"),
              "coercive", "conduct", ("central-authority", "direct", "electronic"), ("none",), False, True, (2, 6),
              "International Legal Assistance Centre (IRC) of the district"),
    DemoState("LU", "Loi du 8 août 2000 sur l'entraide judiciaire internationale en matière pénale", ("fr", "de", "en"),
              ("uncac", "bilateral-treaty", "regional-instrument"), "coercive", "name", ("central-authority", "direct"),
              ("none",), True, False, (3, 7), "Parquet général, Service de l'entraide judiciaire"),
    DemoState("LI", "Rechtshilfegesetz (RHG)", ("de",), ("uncac", "bilateral-treaty", "regional-instrument", "reciprocity"),
              "coercive", "conduct", ("central-authority", "direct"), ("certification",), True, False, (3, 9),
              "Office of Justice; the Princely Court of Justice"),
    DemoState("AE", "Federal Law No. 39 of 2006 on International Judicial Cooperation", ("ar",), ("uncac", "bilateral-treaty", "reciprocity"),
              "all", "name", ("central-authority", "diplomatic"), ("apostille", "certification"), True, False, (6, 14),
              "International Cooperation Department, Ministry of Justice"),
    DemoState("SG", "Mutual Assistance in Criminal Matters Act 2000", ("en",), ("uncac", "bilateral-treaty", "reciprocity"),
              "all", "conduct", ("central-authority",), ("certification",), True, True, (4, 10),
              "International Affairs Division, Attorney-General's Chambers"),
    DemoState("MY", "Mutual Assistance in Criminal Matters Act 2002", ("en", "ms"), ("uncac", "bilateral-treaty", "reciprocity"),
              "all", "name", ("central-authority", "diplomatic"), ("certification",), True, True, (6, 12),
              "International Affairs Division, Attorney General's Chambers"),
    DemoState("KE", "Mutual Legal Assistance Act 2011", ("en", "sw"), ("uncac", "bilateral-treaty", "reciprocity"),
              "coercive", "conduct", ("central-authority", "diplomatic"), ("certification",), True, True, (6, 12),
              "Office of the Attorney General and Department of Justice"),
]  # fmt: skip

# What a request for each measure needs: (code, label, required in most States).
ELEMENTS: dict[str, list[tuple[str, str, bool]]] = {
    "bank-records": [
        ("bank", "The bank or financial institution", True),
        ("account-or-holder", "The account number or the holder's full name and date of birth", True),
        ("period", "The period the records cover", True),
        ("link", "The link between the account and the offence", True),
        ("documents", "Which documents: statements, opening file, KYC, correspondence", False),
    ],
    "asset-tracing": [
        ("persons", "The persons or companies whose assets are sought", True),
        ("indications", "What indicates assets in the requested State", True),
        ("registries", "The registries to search (land, vehicles, companies)", False),
    ],
    "beneficial-ownership": [
        ("entity", "The company or legal arrangement, with its registration number", True),
        ("link", "The link between the entity and the offence", True),
        ("period", "The period of interest", False),
    ],
    "search-seizure": [
        ("premises", "The premises or person to search, precisely located", True),
        ("items", "The items or documents to seize", True),
        ("order", "A domestic order of search or seizure, certified", True),
        ("grounds", "Why the items are expected there", True),
    ],
    "freezing": [
        ("assets", "The assets: account numbers, land titles, registration numbers", True),
        ("order", "The freezing order of the requesting State, certified", True),
        ("link", "The link between the assets and the offence", True),
        ("amount", "The amount to secure", False),
        ("urgency", "Why it is urgent (risk of dissipation)", False),
    ],
    "confiscation-enforcement": [
        ("order", "The final confiscation order, certified", True),
        ("finality", "A statement that the order is final and enforceable", True),
        ("notice", "Proof that the person concerned was notified and could defend", True),
        ("assets", "The assets in the requested State and their value", True),
        ("sharing", "A proposal for asset sharing or return", False),
    ],
    "asset-return": [
        ("order", "The confiscation order and the decision to return", True),
        ("account", "The account of the requesting State to receive the assets", True),
        ("victims", "The identified victims and their claims", False),
    ],
    "testimony": [
        ("person", "The person to hear: name, address, role (witness, suspect)", True),
        ("questions", "The questions to ask", True),
        ("rights", "The rights and privileges the person has under the requesting State's law", True),
        ("attendance", "Whether the requesting State's officials wish to attend", False),
    ],
    "service-of-documents": [
        ("person", "The person to serve: name and address", True),
        ("documents", "The documents, with a translation", True),
        ("proof", "The form of proof of service required", False),
    ],
    "videoconference": [
        ("person", "The person to hear and in which capacity", True),
        ("reason", "Why the person cannot appear in person", True),
        ("technical", "The technical contact and a test date", False),
    ],
    "electronic-evidence": [
        ("identifier", "The account, address or device identifier", True),
        ("provider", "The service provider holding the data", True),
        ("period", "The period, in UTC", True),
        ("preservation", "The reference of any earlier preservation request", False),
    ],
}


def _day(rng: Random) -> str:
    return (datetime.date(2025, 1, 6) + datetime.timedelta(days=rng.randrange(0, 600))).isoformat()


def demo_document(state: DemoState) -> dict[str, Any]:
    """The profile of one demo State: the same every time (its own seeded generator)."""
    rng = Random(zlib.crc32(state.country.encode()))
    law = f"{NOTICE}: {state.law}"

    def field(value: Any, where: str = "") -> dict[str, Any]:
        return {"value": value, "source": f"{law}{', ' + where if where else ''}", "confirmed_on": _day(rng)}

    low, high = state.months
    general = {
        "legal_bases": field(list(state.legal_bases)),
        "dual_criminality": field(state.dual_criminality),
        "dual_criminality_test": field(state.test),
        "languages": field(list(state.languages)),
        "certified_translation": field(state.certified_translation),
        "channels": field(list(state.channels)),
        "authentication": field(list(state.authentication)),
        "confidentiality": field(
            "Keeps the request and its content confidential, except as needed to execute it; says so "
            "at once when it cannot."
        ),
        "speciality": field(
            "Evidence may be used only in the proceedings named in the request; other use needs its "
            "prior consent."
            if rng.random() < 0.7
            else "No limit on use once the evidence is transmitted, unless a condition is stated."
        ),
        "costs": field(
            "Ordinary costs are borne by the requested State; experts, interpreters and "
            "videoconference costs are agreed beforehand."
        ),
        "execution_time": field(f"{low} to {high} months; urgent requests within days"),
        "urgent_procedure": field(
            "An advance copy by e-mail to the central authority, followed by the original within 30 days."
        ),
        "grounds": field(rng.sample(["insufficient-information", "missing-certification", "dual-criminality",
                                     "statute-of-limitations", "ne-bis-in-idem", "essential-interests"], 3)),
        "ncb_confiscation": field(state.ncb),
        "registration_interim": field(
            "The foreign freezing order, certified, with a translation; registered by the competent court "
            "on the central authority's application."
        ),
        "registration_final": field(
            "The final confiscation order, certified, a statement that it is final, and proof of notice; "
            "registered by the court of the place where the assets are."
        ),
    }  # fmt: skip
    measures: dict[str, Any] = {}
    for measure, elements in ELEMENTS.items():
        measures[measure] = {
            "scope": field(
                f"Available under {state.law}. Where the measure is not possible, the central authority "
                "suggests an alternative (a production order, a voluntary interview)."
            ),
            "competent_body": field(state.body),
            "practical": field(
                f"Send to the central authority in {', '.join(state.languages)}; expect "
                f"{low} to {high} months; give a contact person who speaks one of these languages."
            ),
            "elements": [
                {
                    "code": code,
                    "label": label,
                    # A few States ask for what most only advise, and the reverse.
                    "level": "required" if required != (rng.random() < 0.15) else "advised",
                    "source": law,
                    "confirmed_on": _day(rng),
                }
                for code, label, required in elements
            ],
        }
    return {
        "format": FORMAT,
        "country": state.country,
        "demonstration": True,
        "general": general,
        "measures": measures,
    }


def create_profiles() -> int:
    """The demo States' profiles, imported as a State would (the operator: no actor)."""
    for state in STATES:
        profile_import(actor=None, raw=demo_document(state))
    return len(STATES)
