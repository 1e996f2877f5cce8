"""The offence crosswalk: each conduct element (guidance.choices.ConductElement) linked to its
UNCAC article, Comity's offence code (VOCABULARY.md), its ICCS code and the categories of the
European Arrest Warrant list. The table is data, versioned with the code in data/crosswalk.json
(its sources are listed there and in docs/guidance-crosswalk.md); it is read once and checked whole,
so a wrong code fails at start-up and in the tests, not in front of an official."""

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from comity.guidance.choices import ConductElement, EawCategory
from comity.reference.choices import Offence

PATH = Path(__file__).with_name("data") / "crosswalk.json"
FORMAT = "comity-offence-crosswalk/1"


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: ConductElement
    uncac: Annotated[str, Field(pattern=r"^(1[5-9]|2[0-5])(\(\w+\))*$")] | None
    offence: Offence
    iccs: Annotated[str, Field(pattern=r"^\d{4,5}$")]
    eaw: list[EawCategory]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["comity-offence-crosswalk/1"]
    version: str
    sources: list[str]
    elements: list[_Row]


@dataclass(frozen=True)
class Element:
    """One row of the crosswalk."""

    code: str
    uncac: str | None
    offence: str
    iccs: str
    eaw: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(ConductElement(self.code).label)


@dataclass(frozen=True)
class Crosswalk:
    version: str
    sources: tuple[str, ...]
    elements: dict[str, Element]

    def of_offence(self, offence: str) -> list[Element]:
        """The conduct elements an offence of VOCABULARY.md is made of, in the table's order."""
        return [element for element in self.elements.values() if element.offence == offence]


def parse(text: str) -> Crosswalk:
    """The crosswalk in `text`; ValueError if a code is unknown or a conduct element is missing
    or given twice (every element of ConductElement has exactly one row)."""
    table = _Table.model_validate(json.loads(text))
    codes = [str(row.code) for row in table.elements]
    if sorted(codes) != sorted(ConductElement.values):
        raise ValueError("The crosswalk must have one row for each conduct element, once.")
    return Crosswalk(
        version=table.version,
        sources=tuple(table.sources),
        elements={
            str(row.code): Element(
                str(row.code), row.uncac, str(row.offence), row.iccs, tuple(map(str, row.eaw))
            )
            for row in table.elements
        },
    )


@functools.cache
def crosswalk() -> Crosswalk:
    return parse(PATH.read_text(encoding="utf-8"))
