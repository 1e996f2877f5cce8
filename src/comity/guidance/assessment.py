"""The dual criminality assessment (#23 item 4): for a case (the requesting side's offences, the
conduct, the measures asked, who the request is about), what the requested State's profile and
national offences say. `assess` is a pure function of its inputs, tested on a table of cases;
guidance.selectors.dual_criminality gathers those inputs for a user. It is guidance, never a legal
opinion: every answer says so (NOTICE).

The rules it applies:
- extradition requires it always (UNCAC art. 44(1); art. 44(2) lets a State's law waive it, which
  a profile does not record); for other requests:
- the requested State requires dual criminality never, for coercive measures only, or for every
  request (its profile's `dual_criminality`); a State that says nothing is treated as requiring it
  for every request;
- under UNCAC art. 46(9)(b), a State that accepts the Convention as a legal basis renders assistance
  not involving coercive action despite the absence of dual criminality;
- where it applies, it is judged by the conduct (UNCAC art. 43(2)): each conduct element described
  must be covered by a national offence of the requested State; a requesting offence with no
  offence of its kind there is "named differently", which matters only to a State that judges by
  the name (its profile's `dual_criminality_test`);
- a request about a legal person needs, for each conduct, an offence for which a legal person can
  be liable in the requested State."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comity.core.errors import FieldErrors
from comity.guidance.choices import ConductElement, DualCriminality, DualCriminalityTest, Subject, Verdict
from comity.guidance.crosswalk import Crosswalk, crosswalk
from comity.reference.choices import LegalBasis, Measure, Offence, RequestType
from comity.reference.countries import country_name

NOTICE = gettext_lazy("Guidance, not a legal opinion.")

# Whether a measure involves coercive action (UNCAC art. 46(9)(b)). Compelled production of records,
# search, seizure, freezing and the enforcement of confiscation do; a voluntary hearing, the service
# of documents and a videoconference do not. A measure that cannot be classified (`other`) and
# beneficial ownership (often obtained from a bank) count as coercive: the assessment errs towards
# attention, never towards a false "not required".
COERCIVE: dict[str, bool] = {
    Measure.BANK_RECORDS: True,
    Measure.ASSET_TRACING: True,
    Measure.BENEFICIAL_OWNERSHIP: True,
    Measure.SEARCH_SEIZURE: True,
    Measure.FREEZING: True,
    Measure.CONFISCATION_ENFORCEMENT: True,
    Measure.ASSET_RETURN: True,
    Measure.TESTIMONY: False,
    Measure.SERVICE_OF_DOCUMENTS: False,
    Measure.VIDEOCONFERENCE: False,
    Measure.ELECTRONIC_EVIDENCE: True,
    Measure.OTHER: True,
}


@dataclass(frozen=True)
class Case:
    """What is assessed; every code is checked by `case_from`."""

    requesting_country: str
    requested_country: str
    offences: tuple[str, ...]
    measures: tuple[str, ...]
    conduct: tuple[str, ...] = ()
    subject: str = Subject.NATURAL_PERSON
    type: str = RequestType.MLA


@dataclass(frozen=True)
class NationalOffenceFact:
    """A national offence of the requested State, as the assessment needs it."""

    name: str
    statute: str
    article: str
    max_penalty: str
    legal_persons_liable: bool
    conduct: tuple[str, ...]
    demonstration: bool = False

    @property
    def cited(self) -> str:
        return f"“{self.name}” ({self.statute}, {self.article})"


# The reasons that make a verdict "needs-attention"; the others explain it.
ATTENTION = frozenset(
    {"no-conduct", "no-national-offences", "conduct-not-covered", "legal-person-not-liable", "judged-by-name",
     "test-unknown"}
)  # fmt: skip


@dataclass(frozen=True)
class Reason:
    code: str
    message: str

    @property
    def attention(self) -> bool:
        return self.code in ATTENTION


@dataclass(frozen=True)
class Found:
    """A national offence that covers some of the conduct asked about, and which of it."""

    offence: NationalOffenceFact
    conduct: tuple[str, ...]


@dataclass(frozen=True)
class Assessment:
    verdict: str
    reasons: list[Reason]
    national_offences: list[Found]
    crosswalk_version: str
    notice: str = field(default_factory=lambda: str(NOTICE))


def _listed(values: Sequence[str]) -> str:
    return ", ".join(values)


def case_from(data: Mapping[str, Any]) -> Case:
    """The case in `data` (the API's body, the page's form), or ValidationError naming each field."""
    errors = FieldErrors()

    def codes(name: str) -> list[str]:
        value = data.get(name) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(code, str) for code in value):
            errors.add(name, _("Give a list of codes."))
            return []
        return list(dict.fromkeys(value))

    requesting = str(data.get("requesting_country") or "").strip().upper()
    requested = str(data.get("requested_country") or "").strip().upper()
    errors.country("requesting_country", requesting)
    errors.country("requested_country", requested)
    if requesting and requesting == requested:
        errors.add("requested_country", _("The requested State must differ from the requesting State."))
    offences, measures, conduct = codes("offences"), codes("measures"), codes("conduct")
    kind = str(data.get("type") or RequestType.MLA)
    errors.code("type", kind, RequestType)
    if errors.required("offences", offences):
        errors.codes("offences", offences, Offence)
    # An extradition asks for the person, not for measures.
    if kind == RequestType.EXTRADITION or errors.required("measures", measures):
        errors.codes("measures", measures, Measure)
    errors.codes("conduct", conduct, ConductElement)
    subject = str(data.get("subject") or Subject.NATURAL_PERSON)
    errors.code("subject", subject, Subject)
    errors.raise_if_any()
    return Case(requesting, requested, tuple(offences), tuple(measures), tuple(conduct), subject, kind)


def _value(general: Mapping[str, Any] | None, key: str) -> Any:
    entry = (general or {}).get(key)
    return entry.get("value") if isinstance(entry, Mapping) else None


def assess(
    case: Case,
    *,
    general: Mapping[str, Any] | None,
    offences: Sequence[NationalOffenceFact],
    table: Crosswalk | None = None,
) -> Assessment:
    """The verdict on `case`, given the general requirements of the requested State's profile
    (None: it has no profile) and its national offences."""
    table = table or crosswalk()
    state = country_name(case.requested_country)
    measure_labels = dict(Measure.choices)
    reasons: list[Reason] = []
    attention = False

    def say(code: str, message: str) -> None:
        reasons.append(Reason(code, message))

    # 1. Does dual criminality apply to the measures asked?
    rule = _value(general, "dual_criminality")
    accepts_uncac = LegalBasis.UNCAC in (_value(general, "legal_bases") or [])
    coercive = [m for m in case.measures if COERCIVE[m]]
    gentle = [m for m in case.measures if not COERCIVE[m]]
    if general is None:
        say(
            "no-profile",
            _(
                "%(state)s has no requirement profile in Comity: whether it requires dual "
                "criminality is not known, so it is assumed to."
            )
            % {"state": state},
        )
    elif rule is None and case.type != RequestType.EXTRADITION:
        say(
            "rule-unknown",
            _(
                "The profile of %(state)s does not say whether it requires dual criminality, "
                "so it is assumed to."
            )
            % {"state": state},
        )
    if case.type == RequestType.EXTRADITION:
        needing: list[str] = [RequestType.EXTRADITION]
        say(
            "extradition",
            _(
                "Extradition requires that the conduct be an offence in %(state)s too (UNCAC art. "
                "44(1)), unless its law permits otherwise (art. 44(2))."
            )
            % {"state": state},
        )
    elif rule == DualCriminality.NEVER:
        needing = []
        say("never", _("%(state)s does not require dual criminality.") % {"state": state})
    elif rule == DualCriminality.COERCIVE:
        needing = coercive
        if coercive:
            say(
                "coercive-measures",
                _("%(state)s requires dual criminality for coercive measures: %(measures)s.")
                % {"state": state, "measures": _listed([str(measure_labels[m]) for m in coercive])},
            )
        else:
            say(
                "no-coercive-measure",
                _(
                    "%(state)s requires dual criminality for coercive measures only, and "
                    "none of the measures asked is coercive."
                )
                % {"state": state},
            )
    else:
        if rule == DualCriminality.ALL:
            say(
                "all-requests", _("%(state)s requires dual criminality for every request.") % {"state": state}
            )
        needing = coercive if (gentle and accepts_uncac and general is not None) else list(case.measures)
        if gentle and accepts_uncac and general is not None:
            say(
                "uncac-46-9-b",
                _(
                    "UNCAC art. 46(9)(b): %(state)s accepts the Convention as a legal basis, and "
                    "renders assistance not involving coercive action (%(measures)s) despite the "
                    "absence of dual criminality, where consistent with the basic concepts of its "
                    "legal system."
                )
                % {"state": state, "measures": _listed([str(measure_labels[m]) for m in gentle])},
            )
        elif gentle:
            say(
                "uncac-46-9-b-unsure",
                _(
                    "UNCAC art. 46(9)(b) asks States to render assistance not involving "
                    "coercive action despite the absence of dual criminality; that "
                    "%(state)s does so for this request is not known."
                )
                % {"state": state},
            )

    # 2. Which national offences cover the conduct?
    conduct = list(case.conduct)
    asked = set(conduct) or {e.code for offence in case.offences for e in table.of_offence(offence)}
    found = [
        Found(offence, tuple(code for code in offence.conduct if code in asked))
        for offence in offences
        if asked.intersection(offence.conduct)
    ]
    if not needing:
        return Assessment(Verdict.NOT_REQUIRED, reasons, found, table.version)

    if not conduct:
        attention = True
        say(
            "no-conduct",
            _(
                "No conduct is described: dual criminality is judged by the conduct (UNCAC art. "
                "43(2)); choose what the person did among the conduct elements."
            ),
        )
    if not offences:
        attention = True
        say(
            "no-national-offences",
            _(
                "No national offence of %(state)s is recorded in Comity: whether the "
                "conduct is an offence there cannot be told."
            )
            % {"state": state},
        )
    elif conduct:
        for code in conduct:
            label = str(ConductElement(code).label)
            covering = [offence for offence in offences if code in offence.conduct]
            if not covering:
                attention = True
                say(
                    "conduct-not-covered",
                    _(
                        "No national offence of %(state)s recorded in Comity covers this "
                        "conduct: “%(conduct)s”."
                    )
                    % {"state": state, "conduct": label},
                )
                continue
            say(
                "conduct-covered",
                _("“%(conduct)s” is an offence in %(state)s: %(offences)s.")
                % {"conduct": label, "state": state, "offences": _listed([o.cited for o in covering])},
            )
            if case.subject == Subject.LEGAL_PERSON:
                liable = [offence for offence in covering if offence.legal_persons_liable]
                if not liable:
                    attention = True
                    say(
                        "legal-person-not-liable",
                        _(
                            "The request concerns a legal person, and in %(state)s only "
                            "natural persons can be liable for “%(conduct)s”."
                        )
                        % {"state": state, "conduct": label},
                    )

        # 3. A requesting offence with no offence of its kind there is named differently; that
        # matters only once all the conduct is an offence there (else the conduct is the problem).
        test = _value(general, "dual_criminality_test")
        offence_labels = dict(Offence.choices)
        covered = all(any(code in offence.conduct for offence in offences) for code in conduct)
        for requesting in case.offences if covered else ():
            kind = {e.code for e in table.of_offence(requesting)}
            if not kind or any(kind.intersection(offence.conduct) for offence in offences):
                continue
            named = str(offence_labels[requesting])
            if test == DualCriminalityTest.CONDUCT:
                say(
                    "different-name",
                    _(
                        "%(state)s has no offence of the kind “%(offence)s”; it judges dual "
                        "criminality by the conduct (UNCAC art. 43(2)), so the conduct being an "
                        "offence there under another name is enough."
                    )
                    % {"state": state, "offence": named},
                )
            elif test == DualCriminalityTest.NAME:
                attention = True
                say(
                    "judged-by-name",
                    _(
                        "%(state)s has no offence of the kind “%(offence)s” and judges dual "
                        "criminality by the name of the offence: explain how the conduct "
                        "corresponds to its offences, or expect a refusal."
                    )
                    % {"state": state, "offence": named},
                )
            else:
                attention = True
                say(
                    "test-unknown",
                    _(
                        "%(state)s has no offence of the kind “%(offence)s”, and whether it judges "
                        "dual criminality by the conduct or by the name is not known."
                    )
                    % {"state": state, "offence": named},
                )
    verdict = Verdict.NEEDS_ATTENTION if attention else Verdict.LIKELY_SATISFIED
    return Assessment(verdict, reasons, found, table.version)
