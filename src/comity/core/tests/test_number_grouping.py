"""Large figures are grouped in every language (comity.config.formats): Django's own Chinese and
Arabic formats printed an amount of 198889439 USD as one run of digits."""

from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "198,889,439.07"),
        ("zh-hans", "198,889,439.07"),
        ("ar", "198.889.439,07"),
        ("fr", "198\xa0889\xa0439,07"),
    ],
)
def test_an_amount_is_grouped_by_thousands(language, shown):
    with translation.override(language):
        assert floatformat(Decimal("198889439.07"), "2g") == shown
