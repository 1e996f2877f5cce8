"""The network benchmark's data builder (bench/network_bench.py) at a tiny scale: it must keep up
with the network's models, or `make bench` fails after an hour of other benchmarks."""

import sys
from pathlib import Path

import pytest
from django.db.models import F, Max, Q

from comity.accounts.demo import create_authorities_and_users
from comity.accounts.models import User
from comity.network import selectors
from comity.network.models import Consultation, ConsultationMessage, ConsultationParticipant

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import network_bench


@pytest.mark.django_db
def test_builds_a_scoped_network_whose_threads_hold_together() -> None:
    create_authorities_and_users()
    sizes = network_bench.build(scale=0.002)
    assert (sizes.consultations, sizes.messages) == (200, 2000)
    assert sizes.contact_persons >= sizes.directory_entries == sizes.authorities
    # Each consultation's last message is the thread's last, as the services keep it.
    last = dict(
        ConsultationMessage.objects.values("consultation")
        .annotate(last=Max("id"))
        .values_list("consultation", "last")
    )
    assert {c.pk: c.last_message_id for c in Consultation.objects.all()} == last
    # Each participant's row carries its consultation's last activity and closing, as the services keep them.
    assert not ConsultationParticipant.objects.exclude(
        last_activity_at=F("consultation__last_activity_at"), closed=Q(consultation__closed_at__isnull=False)
    ).exists()
    # The Peruvian officer sees the consultations of its authority only, and they are in the API.
    officer = User.objects.get(username="pe-officer")
    seen = selectors.consultations_visible_to(officer).count()
    assert 0 < seen < sizes.consultations
    # New rows take ids after the ones written with explicit ids (PostgreSQL's sequences moved on).
    latest = Consultation.objects.order_by("-pk").first()
    assert latest is not None
    new = Consultation.objects.create(
        subject="After the bench",
        handling="TLP:GREEN",
        opened_by_authority=officer.authority,
        last_activity_at=latest.last_activity_at,
    )
    assert new.pk > latest.pk
