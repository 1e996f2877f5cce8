"""The offence crosswalk's data file (#23 item 4): one row per conduct element, every code known to
its vocabulary (UNCAC offence codes of VOCABULARY.md, the 32 EAW categories), a wrong file refused."""

import json

import pytest
from pydantic import ValidationError

from comity.guidance.choices import ConductElement, EawCategory
from comity.guidance.crosswalk import PATH, crosswalk, parse
from comity.reference.choices import ICCS_BY_OFFENCE, Offence


def test_the_shipped_table_covers_every_conduct_element_and_every_uncac_offence():
    table = crosswalk()
    assert list(table.elements) == ConductElement.values
    assert len(EawCategory.values) == 32
    covered = {element.offence for element in table.elements.values()}
    assert {code for code in Offence.values if code != "other"} <= covered
    for element in table.elements.values():
        # One mapping of UNCAC offences to ICCS (VOCABULARY.md): the reference table's.
        if element.offence != "other":
            assert element.iccs == ICCS_BY_OFFENCE[element.offence], element
        assert element.uncac is None or element.offence == f"uncac-{element.uncac[:2]}"


def test_a_wrong_table_is_refused():
    data = json.loads(PATH.read_text(encoding="utf-8"))
    data["elements"][0]["eaw"] = ["bribery"]
    with pytest.raises(ValidationError):
        parse(json.dumps(data))
    data = json.loads(PATH.read_text(encoding="utf-8"))
    data["elements"].pop()
    with pytest.raises(ValueError, match="one row for each conduct element"):
        parse(json.dumps(data))
