"""Demo consultations (#22 item 10): between the network's members, in every state a thread can
be in, the same under the same seed."""

import random

import pytest
from django.db import transaction

from comity.network.demo import create_consultations
from comity.network.models import Consultation
from comity.network.tests.test_consultations_api import members


class _RolledBack(Exception):
    pass


def _made(seed: int) -> list[tuple]:
    try:
        with transaction.atomic():
            assert create_consultations(random.Random(seed)) == 6
            rows = [
                (
                    c.subject,
                    c.handling,
                    c.state,
                    c.last_message_id > 0,
                    sorted(p.authority.country for p in c.participants.all()),
                )
                for c in Consultation.objects.order_by("pk").prefetch_related("participants__authority")
            ]
            raise _RolledBack
    except _RolledBack:
        return rows


def test_demo_consultations_are_deterministic_and_varied(peru, switzerland, nigeria):
    assert create_consultations(random.Random(1)) == 0  # no network yet: nothing
    members(peru, switzerland, nigeria)
    first = _made(2026)
    assert first == _made(2026) and first != _made(7)
    assert all(len(participants) >= 2 for *_rest, participants in first)
    assert len({handling for _s, handling, *_rest in first}) >= 2


@pytest.mark.parametrize("seed", [2026])
def test_demo_states_cover_open_closed_and_converted(peru, switzerland, nigeria, seed):
    members(peru, switzerland, nigeria)
    create_consultations(random.Random(seed), per_authority=4)
    assert {c.state for c in Consultation.objects.all()} == {"open", "closed", "converted"}
