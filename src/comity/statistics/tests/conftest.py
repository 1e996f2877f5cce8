import datetime

import pytest

from comity.cooperation import services
from comity.statistics.tests.cases import CASES
from conftest import make_request

D = datetime.date


@pytest.fixture
def dataset(peru, switzerland, nigeria, freezer_today):
    for n, (kind, offences, received, closing, closed, grounds) in enumerate(CASES):
        requesting, requested = (switzerland, peru) if n % 2 == 0 else (peru, nigeria)
        request = make_request(
            requesting,
            requested,
            type=kind,
            offences=offences,
            sent_on=received - datetime.timedelta(days=5),
            received_on=received,
            requesting_reference=f"R-{n}",
        )
        if closing:
            services.event_record(
                actor=requested.officer,
                request=request,
                kind=closing,
                occurred_on=closed,
                refusal_grounds=grounds,
            )


@pytest.fixture
def freezer_today(monkeypatch):
    # The events above are in 2026: let "today" be after them.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2026, 6, 1))
