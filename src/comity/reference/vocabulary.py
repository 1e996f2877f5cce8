"""Every fixed list of codes Comity speaks, in one registry for the page and the API that list them
(and for the import template's explanation): VOCABULARY.md's lists, which live here, and the lists
of the apps above (request status, event, asset step...), which each app registers when it starts.
Codes never change; labels are in the user's language."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comity.reference.choices import (
    ICCS_BY_OFFENCE,
    AlertStatus,
    AssetCaseStatus,
    AssetType,
    Barrier,
    Evidence,
    Handling,
    Language,
    LegalBasis,
    Measure,
    Offence,
    Outcome,
    Proceeding,
    RefusalGround,
    RequestType,
    Severity,
    StateRole,
    Verdict,
)


@dataclass(frozen=True)
class Vocabulary:
    """One list of codes: `name` is the field that carries them in the API and files."""

    name: str
    title: str | Promise
    choices: type[TextChoices]
    # Further columns for each code (the offences' ICCS codes): column name → code → value.
    columns: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    # Each further column's heading on the page, in the reader's language (the API keeps the name).
    column_titles: Mapping[str, str | Promise] = field(default_factory=dict)


_REGISTRY: dict[str, Vocabulary] = {}


def register(vocabulary: Vocabulary) -> None:
    """Add a list (each name once: an app registers its own at start-up)."""
    _REGISTRY.setdefault(vocabulary.name, vocabulary)


def vocabularies() -> list[Vocabulary]:
    return list(_REGISTRY.values())


def vocabulary(name: str) -> Vocabulary | None:
    return _REGISTRY.get(name)


def rows(vocabulary: Vocabulary) -> list[dict[str, str | None]]:
    """Each code with its label (in the active language) and its further columns."""
    found: list[dict[str, str | None]] = []
    for code, label in vocabulary.choices.choices:
        row: dict[str, str | None] = {"code": code, "label": str(label)}
        row.update({column: values.get(code) for column, values in vocabulary.columns.items()})
        found.append(row)
    return found


for _vocabulary in (
    Vocabulary("type", _("Request type"), RequestType),
    Vocabulary("measures", _("Measure requested"), Measure),
    Vocabulary("legal_basis", _("Legal basis"), LegalBasis),
    Vocabulary("offences", _("Offence"), Offence, {"iccs": ICCS_BY_OFFENCE}, {"iccs": _("ICCS")}),
    Vocabulary("proceeding", _("Proceeding"), Proceeding),
    Vocabulary("outcome", _("Outcome of a request"), Outcome),
    Vocabulary("refusal_grounds", _("Ground for refusal or postponement"), RefusalGround),
    Vocabulary("role", _("Role of a State in an asset recovery case"), StateRole),
    Vocabulary("asset_type", _("Asset type"), AssetType),
    Vocabulary("asset_status", _("Asset status"), AssetCaseStatus),
    Vocabulary("barriers", _("Barrier met"), Barrier),
    Vocabulary("handling", _("Handling code (Traffic Light Protocol 2.0)"), Handling),
    Vocabulary("alert_status", _("Urgent freezing alert"), AlertStatus),
    Vocabulary("severity", _("Completeness of a draft request"), Severity),
    Vocabulary("verdict", _("Dual criminality assessment"), Verdict),
    Vocabulary("evidence", _("Federation receipt"), Evidence),
    Vocabulary("language", _("Language"), Language),
):
    register(_vocabulary)
