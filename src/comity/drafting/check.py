"""The completeness check of a draft (#23 item 5): what the requested State's requirement profile
says a request must or should hold that the draft lacks, and what the draft holds that the State
does not accept (a legal basis it does not recognise, a language it does not take). A pure function
of the draft's fields and the profile's document, so each rule is tested on its own; a State
without a profile leaves only the rules every request follows, and says no requirements are known.

Each item names the field of the draft it is about (as the API names it), its severity
(VOCABULARY.md: `blocking`, the State will not execute without it; `advisory`, it will help) and
the reason, in the reader's language."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from comity.drafting.choices import DraftType, Severity
from comity.guidance.assessment import Assessment
from comity.guidance.choices import DualCriminality, Verdict
from comity.reference.choices import LegalBasis, Measure, Proceeding
from comity.reference.countries import country_name

# The measures a request to freeze or confiscate, or to enforce an order, is about.
ASSET_MEASURES = {Measure.FREEZING, Measure.CONFISCATION_ENFORCEMENT, Measure.ASSET_RETURN}


@dataclass(frozen=True)
class Item:
    field: str
    severity: str
    reason: str


@dataclass
class Check:
    items: list[Item] = field(default_factory=list)
    profile: bool = False
    demonstration: bool = False

    @property
    def complete(self) -> bool:
        return not any(item.severity == Severity.BLOCKING for item in self.items)

    def blocking(self, name: str, reason: str) -> None:
        self.items.append(Item(name, Severity.BLOCKING, reason))

    def advisory(self, name: str, reason: str) -> None:
        self.items.append(Item(name, Severity.ADVISORY, reason))

    def about(self, prefixes: tuple[str, ...]) -> list[Item]:
        """The items about the fields of one step of the form."""
        return [item for item in self.items if item.field.split(".")[0] in prefixes]


def _label(choices: Any, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _labels(choices: Any, codes: list[str]) -> str:
    return ", ".join(_label(choices, code) for code in codes)


def _value(general: Mapping[str, Any], key: str) -> Any:
    found = general.get(key)
    return found.get("value") if isinstance(found, Mapping) else None


def check(
    draft: Mapping[str, Any], profile: Mapping[str, Any] | None, dual_criminality: "Assessment | None" = None
) -> Check:
    """The check of `draft` (its fields by name, as DraftOut) against `profile` (the requested
    State's profile document, or None when it has none) and, when given, the dual criminality
    assessment of its offences and conduct (guidance.assessment)."""
    result = Check(profile=profile is not None, demonstration=bool(profile and profile.get("demonstration")))
    _general_rules(draft, result)
    if dual_criminality is not None and dual_criminality.verdict == Verdict.NEEDS_ATTENTION:
        result.advisory(
            "conduct",
            _("Dual criminality needs attention (guidance, not a legal opinion): %(reasons)s")
            % {"reasons": " ".join(reason.message for reason in _attention(dual_criminality))},
        )
    country = draft.get("requested_country") or ""
    if not country:
        return result
    if profile is None:
        result.advisory(
            "requested_country",
            _(
                "No requirements are known for %(country)s: it has no requirement profile in Comity. "
                "Ask its central authority what a request must contain."
            )
            % {"country": country_name(country)},
        )
        return result
    name = country_name(country)
    general = profile.get("general", {})
    _legal_basis(draft, general, name, result)
    _language(draft, general, name, result)
    _measures(draft, profile.get("measures", {}), name, result)
    _assets(draft, general, name, result)
    if _value(general, "dual_criminality") in (
        DualCriminality.ALL,
        DualCriminality.COERCIVE,
    ) and not draft.get("conduct"):
        result.advisory(
            "conduct",
            _(
                "%(country)s requires dual criminality: describe the conduct (its elements) so it can be "
                "matched to its own offences, whatever their name."
            )
            % {"country": name},
        )
    return result


def _attention(assessment: "Assessment") -> list[Any]:
    """The reasons why the verdict needs attention (all of them where none says it is why)."""
    return [reason for reason in assessment.reasons if reason.attention] or list(assessment.reasons)


def _general_rules(draft: Mapping[str, Any], result: Check) -> None:
    """What every request needs, whatever the State."""
    if not draft.get("requested_country"):
        result.blocking("requested_country", _("Choose the requested State."))
    elif not draft.get("requested_authority"):
        result.advisory(
            "requested_authority",
            _(
                "No requested authority is chosen: registering sends it to the first the finder gives for the State."
            ),
        )
    if not draft.get("legal_basis"):
        result.blocking("legal_basis", _("Give the legal basis of the request."))
    if not draft.get("facts"):
        result.blocking("facts", _("Summarise the facts: what happened, when, and who is involved."))
    if not draft.get("offences"):
        result.blocking("offences", _("Name at least one offence under investigation."))
    if not draft.get("law"):
        result.advisory("law", _("Quote the applicable law and its penalties."))
    if draft.get("type") != DraftType.EXTRADITION and not draft.get("measures"):
        result.blocking("measures", _("Name at least one measure asked for."))
    if draft.get("type") == DraftType.EXTRADITION and not any(
        person.get("kind") == "natural" for person in draft.get("persons", [])
    ):
        result.blocking("persons", _("An extradition request names the person sought."))
    elif not draft.get("persons"):
        result.advisory("persons", _("Name the persons and companies concerned, with their identifiers."))
    if draft.get("urgent") and not draft.get("urgency_reason"):
        result.blocking("urgency_reason", _("Say why the request is urgent."))
    if draft.get("confidential") and not draft.get("confidentiality_note"):
        result.advisory("confidentiality_note", _("Say what must be kept confidential, and from whom."))
    if not draft.get("contact"):
        result.advisory("contact", _("Give a contact person who can answer the requested State's questions."))
    if not draft.get("attachments") and not draft.get("files"):
        result.advisory("attachments", _("List the documents enclosed (the letter's checklist annex)."))


def _legal_basis(draft: Mapping[str, Any], general: Mapping[str, Any], name: str, result: Check) -> None:
    accepted = _value(general, "legal_bases")
    basis = draft.get("legal_basis")
    if basis and accepted and basis not in accepted:
        result.blocking(
            "legal_basis",
            _("%(country)s does not accept “%(basis)s” as a legal basis; it accepts: %(accepted)s.")
            % {
                "country": name,
                "basis": _label(LegalBasis, basis),
                "accepted": _labels(LegalBasis, accepted),
            },
        )


def _language(draft: Mapping[str, Any], general: Mapping[str, Any], name: str, result: Check) -> None:
    accepted = _value(general, "languages")
    language = draft.get("language")
    if not accepted:
        return
    if language and language not in accepted:
        result.blocking(
            "language",
            _("%(country)s does not accept requests in “%(language)s”; it accepts: %(accepted)s.")
            % {"country": name, "language": language, "accepted": ", ".join(accepted)},
        )
    elif not language:
        result.advisory(
            "language",
            _("Choose the language of the request: %(country)s accepts %(accepted)s.")
            % {"country": name, "accepted": ", ".join(accepted)},
        )
    if _value(general, "certified_translation"):
        result.advisory(
            "language",
            _("%(country)s requires a certified translation: enclose one.") % {"country": name},
        )


def _measures(draft: Mapping[str, Any], sections: Mapping[str, Any], name: str, result: Check) -> None:
    given = draft.get("elements") or {}
    for measure in draft.get("measures", []):
        section = sections.get(measure)
        if section is None:
            result.advisory(
                f"measures.{measure}",
                _("%(country)s's profile says nothing of “%(measure)s”: ask what such a request needs.")
                % {"country": name, "measure": _label(Measure, measure)},
            )
            continue
        values = given.get(measure) or {}
        for element in section.get("elements", []):
            if (values.get(element["code"]) or "").strip():
                continue
            reason = format_lazy(
                "{measure}: {label}", measure=_label(Measure, measure), label=element["label"]
            )
            if element["level"] == "required":
                result.blocking(
                    f"elements.{measure}.{element['code']}",
                    _("%(country)s requires this element: %(element)s.")
                    % {"country": name, "element": reason},
                )
            else:
                result.advisory(
                    f"elements.{measure}.{element['code']}",
                    _("%(country)s advises this element: %(element)s.")
                    % {"country": name, "element": reason},
                )


def _assets(draft: Mapping[str, Any], general: Mapping[str, Any], name: str, result: Check) -> None:
    """Freezing, confiscating and enforcing an order: what the State says of registering such
    orders and of confiscation without a conviction."""
    if draft.get("type") not in (DraftType.FREEZE_CONFISCATE, DraftType.ENFORCE_ORDER) and not (
        ASSET_MEASURES & set(draft.get("measures", []))
    ):
        return
    if (
        draft.get("proceeding") == Proceeding.NON_CONVICTION_BASED
        and _value(general, "ncb_confiscation") is False
    ):
        result.blocking(
            "proceeding",
            _("%(country)s does not recognise confiscation without a conviction.") % {"country": name},
        )
    key = "registration_final" if draft.get("type") == DraftType.ENFORCE_ORDER else "registration_interim"
    if text := _value(general, key):
        result.advisory(
            "attachments",
            _("What %(country)s needs to register the order: %(text)s") % {"country": name, "text": text},
        )
