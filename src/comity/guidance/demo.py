"""Demo requirement profiles: plausible, deterministic, and each marked as demonstration data, not
legal guidance (`demonstration: true`, shown on every page and in every export). Sixteen States:
the six with demo logins and ten more."""

import datetime
import zlib
from dataclasses import dataclass
from random import Random
from typing import Any

from comity.core.files import FileInput
from comity.guidance.models import LibraryDocument
from comity.guidance.schemas import FORMAT, OFFENCES_FORMAT
from comity.guidance.services import library_add, national_offences_import, profile_import
from comity.reference.countries import country_name

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


# Demo national offences: (name, article, maximum penalty, legal persons liable, conduct elements).
# Plausible, not checked against the law: each is marked as demonstration data, not legal guidance.
Offences = list[tuple[str, str, str, bool, tuple[str, ...]]]
GIVE, TAKE = "bribe-official-give", "bribe-official-take"
LAUNDERING = ("laundering-convert", "laundering-conceal", "laundering-acquire")

NATIONAL_OFFENCES: dict[str, tuple[str, Offences]] = {
    "PE": ("Código Penal", [
        ("Cohecho activo genérico", "art. 397", "6 años de pena privativa de libertad", True, (GIVE,)),
        ("Cohecho pasivo propio", "art. 393", "10 años de pena privativa de libertad", False, (TAKE,)),
        ("Cohecho activo transnacional", "art. 397-A", "8 años de pena privativa de libertad", True, ("bribe-foreign-give",)),
        ("Peculado doloso", "art. 387", "8 años de pena privativa de libertad", False, ("embezzlement-public",)),
        ("Tráfico de influencias", "art. 400", "6 años de pena privativa de libertad", True, ("influence-give", "influence-take")),
        ("Negociación incompatible", "art. 399", "6 años de pena privativa de libertad", False, ("abuse-of-functions",)),
        ("Enriquecimiento ilícito", "art. 401", "10 años de pena privativa de libertad", False, ("illicit-enrichment",)),
        ("Lavado de activos (D. Leg. 1106)", "arts. 1-3", "15 años de pena privativa de libertad", True, (*LAUNDERING, "concealment-retention")),
        ("Estafa", "art. 196", "6 años de pena privativa de libertad", False, ("fraud",)),
        ("Falsificación de documentos", "art. 427", "10 años de pena privativa de libertad", False, ("forgery",)),
    ]),
    "CH": ("Schweizerisches Strafgesetzbuch (StGB)", [
        ("Bestechen", "art. 322ter", "5 years' custodial sentence", True, (GIVE,)),
        ("Sich bestechen lassen", "art. 322quater", "5 years' custodial sentence", True, (TAKE,)),
        ("Bestechung fremder Amtsträger", "art. 322septies", "5 years' custodial sentence", True, ("bribe-foreign-give", "bribe-foreign-take")),
        ("Privatbestechung", "arts. 322octies-322novies", "3 years' custodial sentence", True, ("private-bribe-give", "private-bribe-take")),
        ("Veruntreuung", "art. 138", "5 years' custodial sentence", False, ("embezzlement-public", "embezzlement-private")),
        ("Amtsmissbrauch", "art. 312", "5 years' custodial sentence", False, ("abuse-of-functions",)),
        ("Geldwäscherei", "art. 305bis", "3 years (5 if aggravated)", True, (*LAUNDERING, "concealment-retention")),
        ("Betrug", "art. 146", "5 years' custodial sentence", False, ("fraud",)),
        ("Urkundenfälschung", "art. 251", "5 years' custodial sentence", False, ("forgery",)),
    ]),
    "NG": ("Corrupt Practices and Other Related Offences Act 2000; Money Laundering (Prevention and Prohibition) Act 2022", [
        ("Official corruption (accepting gratification)", "Corrupt Practices and Other Related Offences Act 2000|s. 8", "7 years' imprisonment", True, (TAKE, "influence-take")),
        ("Offering gratification to a public officer", "Corrupt Practices and Other Related Offences Act 2000|s. 9", "7 years' imprisonment", True, (GIVE, "influence-give")),
        ("Fraudulent acquisition of property by a public officer", "Corrupt Practices and Other Related Offences Act 2000|s. 12", "7 years' imprisonment", False, ("embezzlement-public",)),
        ("Using office or position for gratification", "Corrupt Practices and Other Related Offences Act 2000|s. 19", "5 years' imprisonment", False, ("abuse-of-functions",)),
        ("Money laundering", "Money Laundering (Prevention and Prohibition) Act 2022|s. 18", "14 years' imprisonment", True, LAUNDERING),
        ("Obtaining property by false pretences", "Advance Fee Fraud and Other Fraud Related Offences Act 2006|s. 1", "20 years' imprisonment", True, ("fraud",)),
    ]),
    "GB": ("Bribery Act 2010; Proceeds of Crime Act 2002; Fraud Act 2006", [
        ("Offences of bribing another person", "Bribery Act 2010|s. 1", "10 years' imprisonment", True, (GIVE, "private-bribe-give", "influence-give")),
        ("Offences relating to being bribed", "Bribery Act 2010|s. 2", "10 years' imprisonment", True, (TAKE, "private-bribe-take", "influence-take")),
        ("Bribery of foreign public officials", "Bribery Act 2010|s. 6", "10 years' imprisonment", True, ("bribe-foreign-give",)),
        ("Misconduct in public office (common law)", "Common law|common-law offence", "life imprisonment", False, ("abuse-of-functions", "embezzlement-public")),
        ("Concealing, arrangements, acquisition, use and possession", "Proceeds of Crime Act 2002|ss. 327-329", "14 years' imprisonment", True, (*LAUNDERING, "concealment-retention")),
        ("Fraud by false representation or abuse of position", "Fraud Act 2006|s. 1", "10 years' imprisonment", True, ("fraud", "embezzlement-private")),
        ("Perverting the course of justice (common law)", "Common law|common-law offence", "life imprisonment", True, ("obstruction-witness", "obstruction-official")),
    ]),
    "FR": ("Code pénal", [
        ("Corruption active d'agent public", "art. 433-1", "10 ans d'emprisonnement", True, (GIVE,)),
        ("Corruption passive", "art. 432-11", "10 ans d'emprisonnement", True, (TAKE,)),
        ("Corruption d'agent public étranger", "arts. 435-1 et 435-3", "10 ans d'emprisonnement", True, ("bribe-foreign-give", "bribe-foreign-take")),
        ("Trafic d'influence", "arts. 432-11 et 433-2", "10 ans d'emprisonnement", True, ("influence-give", "influence-take")),
        ("Détournement de fonds publics", "art. 432-15", "10 ans d'emprisonnement", True, ("embezzlement-public",)),
        ("Prise illégale d'intérêts", "art. 432-12", "5 ans d'emprisonnement", True, ("abuse-of-functions",)),
        ("Corruption privée", "arts. 445-1 et 445-2", "5 ans d'emprisonnement", True, ("private-bribe-give", "private-bribe-take")),
        ("Abus de confiance", "art. 314-1", "5 ans d'emprisonnement", True, ("embezzlement-private",)),
        ("Blanchiment", "art. 324-1", "5 ans d'emprisonnement (10 si aggravé)", True, LAUNDERING),
        ("Recel", "art. 321-1", "5 ans d'emprisonnement", True, ("concealment-retention",)),
        ("Subornation de témoin", "art. 434-15", "3 ans d'emprisonnement", True, ("obstruction-witness",)),
        ("Escroquerie", "art. 313-1", "5 ans d'emprisonnement", True, ("fraud",)),
        ("Faux et usage de faux", "art. 441-1", "3 ans d'emprisonnement", True, ("forgery",)),
    ]),
    "BR": ("Código Penal; Lei 9.613/1998", [
        ("Corrupção ativa", "Código Penal|art. 333", "12 anos de reclusão", False, (GIVE,)),
        ("Corrupção passiva", "Código Penal|art. 317", "12 anos de reclusão", False, (TAKE,)),
        ("Corrupção ativa em transação comercial internacional", "Código Penal|art. 337-B", "8 anos de reclusão", False, ("bribe-foreign-give",)),
        ("Peculato", "Código Penal|art. 312", "12 anos de reclusão", False, ("embezzlement-public",)),
        ("Tráfico de influência", "Código Penal|art. 332", "5 anos de reclusão", False, ("influence-take",)),
        ("Lavagem de dinheiro", "Lei 9.613/1998|art. 1º", "10 anos de reclusão", False, (*LAUNDERING, "concealment-retention")),
        ("Estelionato", "Código Penal|art. 171", "5 anos de reclusão", False, ("fraud",)),
    ]),
    "DE": ("Strafgesetzbuch (StGB)", [
        ("Bestechung", "§ 334", "5 Jahre Freiheitsstrafe", False, (GIVE,)),
        ("Bestechlichkeit", "§ 332", "5 Jahre Freiheitsstrafe", False, (TAKE,)),
        ("Bestechung ausländischer Amtsträger", "§ 335a", "5 Jahre Freiheitsstrafe", False, ("bribe-foreign-give", "bribe-foreign-take")),
        ("Bestechlichkeit und Bestechung im geschäftlichen Verkehr", "§ 299", "3 Jahre Freiheitsstrafe", False, ("private-bribe-give", "private-bribe-take")),
        ("Untreue", "§ 266", "5 Jahre Freiheitsstrafe", False, ("embezzlement-public", "embezzlement-private", "abuse-of-functions")),
        ("Geldwäsche", "§ 261", "5 Jahre Freiheitsstrafe", False, (*LAUNDERING, "concealment-retention")),
        ("Betrug", "§ 263", "5 Jahre Freiheitsstrafe", False, ("fraud",)),
        ("Urkundenfälschung", "§ 267", "5 Jahre Freiheitsstrafe", False, ("forgery",)),
    ]),
    "US": ("United States Code", [
        ("Bribery of public officials", "18 U.S.C. § 201(b)", "15 years' imprisonment", True, (GIVE, TAKE)),
        ("Foreign Corrupt Practices Act, anti-bribery provisions", "15 U.S.C. § 78dd-1 to 78dd-3", "5 years' imprisonment", True, ("bribe-foreign-give",)),
        ("Theft or bribery concerning programs receiving federal funds", "18 U.S.C. § 666", "10 years' imprisonment", True, ("embezzlement-public", GIVE, TAKE)),
        ("Laundering of monetary instruments", "18 U.S.C. §§ 1956-1957", "20 years' imprisonment", True, (*LAUNDERING, "concealment-retention")),
        ("Wire fraud", "18 U.S.C. § 1343", "20 years' imprisonment", True, ("fraud", "embezzlement-private")),
        ("Tampering with a witness", "18 U.S.C. § 1512", "20 years' imprisonment", True, ("obstruction-witness", "obstruction-official")),
    ]),
}  # fmt: skip

# The other demo States: the same offences, in English, under their own law; whether legal persons
# can be liable and whether illicit enrichment is an offence differ.
GENERIC: Offences = [
    ("Active bribery of a public official", "", "10 years' imprisonment", True, (GIVE,)),
    ("Passive bribery of a public official", "", "10 years' imprisonment", True, (TAKE,)),
    ("Embezzlement of public funds", "", "10 years' imprisonment", True, ("embezzlement-public",)),
    ("Abuse of office", "", "5 years' imprisonment", True, ("abuse-of-functions",)),
    ("Money laundering", "", "10 years' imprisonment", True, LAUNDERING),
    ("Fraud", "", "5 years' imprisonment", True, ("fraud",)),
]  # fmt: skip
ENRICHMENT = ("Illicit enrichment", "", "7 years' imprisonment", False, ("illicit-enrichment",))
NATURAL_PERSONS_ONLY = {"AE", "LI"}
CRIMINAL_LAW = {
    "ES": "Código Penal", "IT": "Codice penale", "NL": "Wetboek van Strafrecht", "LU": "Code pénal",
    "LI": "Strafgesetzbuch (StGB)", "AE": "Federal Decree-Law No. 31 of 2021 (Crimes and Penalties Law)",
    "SG": "Prevention of Corruption Act 1960", "MY": "Malaysian Anti-Corruption Commission Act 2009",
    "KE": "Anti-Corruption and Economic Crimes Act 2003",
}  # fmt: skip
ILLICIT_ENRICHMENT = {"AE", "KE", "MY"}


def demo_offences(state: DemoState) -> dict[str, Any]:
    """The national offences of one demo State, as the file a State imports; the same every time."""
    rng = Random(zlib.crc32(f"offences-{state.country}".encode()))
    statute, offences = NATIONAL_OFFENCES.get(state.country, (CRIMINAL_LAW.get(state.country, state.law), []))
    if not offences:
        offences = GENERIC + ([ENRICHMENT] if state.country in ILLICIT_ENRICHMENT else [])
        if state.country in NATURAL_PERSONS_ONLY:
            offences = [
                (name, article, penalty, False, conduct) for name, article, penalty, _, conduct in offences
            ]
    return {
        "format": OFFENCES_FORMAT,
        "country": state.country,
        "demonstration": True,
        "offences": [
            {
                "name": name,
                # "Statute|article" where a State's offences are in several laws.
                "statute": (article.split("|")[0] if "|" in article else statute)[:300],
                "article": article.split("|")[-1] or f"art. {100 + 7 * position}",
                "max_penalty": penalty,
                "legal_persons_liable": liable,
                "conduct": list(conduct),
                "source": f"{NOTICE}: {statute}"[:500],
                "confirmed_on": _day(rng),
            }
            for position, (name, article, penalty, liable, conduct) in enumerate(offences)
        ],
    }


def create_national_offences() -> int:
    """The demo States' national offences, imported as a State would (the operator: no actor)."""
    for state in STATES:
        national_offences_import(actor=None, raw=demo_offences(state))
    return len(STATES)


# Demo library (#23 items 3, 8): for each demo State its law, a guide for requesting States and,
# for the States with logins, a model form and a template, some with a small text file whose words
# the search finds. Titles and files are made up (the links point to example.org): each document is
# marked as demonstration data, and its description says so first.
DEMO_SOURCE = "https://example.org/comity-demo"


def _model_form(state: DemoState, measure: str) -> str:
    """A model request for `measure` to `state`: the elements its demo profile asks for, as blanks."""
    lines = [
        f"{NOTICE}.",
        f"Model request for {measure.replace('-', ' ')} addressed to {country_name(state.country)}",
        f"Legal basis: United Nations Convention against Corruption, art. 46; {state.law}.",
        f"Send to: {state.body}.",
        "",
    ]
    for _code, label, required in ELEMENTS[measure]:
        lines.append(f"[{'required' if required else 'advised'}] {label}: ______________________")
    lines += ["", "Contact person (name, telephone, e-mail, languages spoken): ______________________"]
    return "\n".join(lines) + "\n"


def _guide_text(state: DemoState, measures: list[str]) -> str:
    low, high = state.months
    lines = [
        f"{NOTICE}.",
        f"Guide for authorities requesting mutual legal assistance from {country_name(state.country)}.",
        f"Requests are executed under {state.law}, usually within {low} to {high} months.",
        f"Languages accepted: {', '.join(state.languages)}. Central authority: {state.body}.",
    ]
    for measure in measures:
        labels = "; ".join(label for _code, label, _required in ELEMENTS[measure])
        lines.append(f"For {measure.replace('-', ' ')}, the request states: {labels}.")
    return "\n".join(lines) + "\n"


def demo_library(state: DemoState, with_forms: bool) -> list[dict[str, Any]]:
    """The library documents of one demo State, the same every time (its own seeded generator):
    each a dict of the service's values and `upload` (a FileInput or None)."""
    rng = Random(zlib.crc32(f"library-{state.country}".encode()))
    code = state.country.lower()
    measures = sorted(rng.sample(list(ELEMENTS), 3))
    name = country_name(state.country)

    def day() -> str:
        return (datetime.date(2003, 1, 1) + datetime.timedelta(days=rng.randrange(0, 8000))).isoformat()

    documents: list[dict[str, Any]] = [
        {
            "title": state.law,
            "kind": "law",
            "language": state.languages[0],
            "issued_on": day(),
            "source_url": f"{DEMO_SOURCE}/{code}/law",
            "description": f"{NOTICE}. The statute under which {name} executes requests for mutual legal "
            "assistance and for the freezing and confiscation of proceeds of crime.",
            "measures": ["bank-records", "freezing", "confiscation-enforcement"],
            "upload": None,
        },
        {
            "title": f"Guide to requesting mutual legal assistance from {name}",
            "kind": "guide",
            "language": "en",
            "issued_on": day(),
            "source_url": f"{DEMO_SOURCE}/{code}/guide",
            "description": f"{NOTICE}. What {name}'s central authority needs in a request, measure by measure.",
            "measures": measures,
            "upload": FileInput(f"guide-{code}.txt", _guide_text(state, measures).encode()),
        },
    ]
    if with_forms:
        documents += [
            {
                "title": f"Model request for bank records to {name}",
                "kind": "model-form",
                "language": "en",
                "issued_on": day(),
                "source_url": "",
                "description": f"{NOTICE}. A form to fill in, with the elements {name} requires.",
                "measures": ["bank-records"],
                "upload": FileInput(
                    f"model-bank-records-{code}.txt", _model_form(state, "bank-records").encode()
                ),
            },
            {
                "title": f"Template: request to freeze assets in {name}",
                "kind": "template",
                "language": state.languages[0],
                "issued_on": day(),
                "source_url": f"{DEMO_SOURCE}/{code}/freezing-template",
                "description": f"{NOTICE}. A letter to adapt, for an urgent freezing request.",
                "measures": ["freezing"],
                "upload": FileInput(f"template-freezing-{code}.txt", _model_form(state, "freezing").encode())
                if rng.random() < 0.5
                else None,
            },
        ]
    return documents


def create_library(with_forms: tuple[str, ...] = ()) -> int:
    """The demo States' library documents (the operator adds them: no actor), once: a State whose
    library already holds documents is left as it is. `with_forms`: the States that also get a model
    form and a template (the demo's States with logins)."""
    added = 0
    for state in STATES:
        if LibraryDocument.objects.filter(country=state.country).exists():
            continue
        for values in demo_library(state, state.country in with_forms):
            upload = values.pop("upload")
            library_add(
                actor=None, values={**values, "country": state.country}, upload=upload, demonstration=True
            )
            added += 1
    return added
