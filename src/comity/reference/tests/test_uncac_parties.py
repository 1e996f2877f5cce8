"""The dated list of States parties behind the secretariat's coverage: the facts checked against the
UN Treaty Collection and the States' own releases (see the module's note) stay as found."""

import datetime

import pycountry

from comity.reference.uncac_parties import AS_OF, STATES_PARTIES


def test_the_list_is_dated_at_the_end_of_2024():
    assert datetime.date(2024, 12, 31) == AS_OF


def test_states_that_had_not_joined_by_then_are_not_counted():
    # Andorra began acceding in 2026, San Marino ratified in September 2025, Syria only signed.
    assert {"AD", "SM", "SY", "ER"}.isdisjoint(STATES_PARTIES)


def test_states_that_joined_late_are_counted():
    # Saint Kitts and Nevis (August 2024), Barbados and Bhutan (2023), Somalia and Suriname (2021),
    # Tonga (2020), Niue (2017), the Holy See (2016).
    assert {"KN", "BB", "BT", "SO", "SR", "TO", "NU", "VA"} <= STATES_PARTIES


def test_every_code_is_a_country_and_the_union_is_not_a_state():
    assert all(pycountry.countries.get(alpha_2=code) for code in STATES_PARTIES)
    assert "EU" not in STATES_PARTIES
    assert len(STATES_PARTIES) == 191
