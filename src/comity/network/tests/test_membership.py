"""Joining a network (#22 item 2): asked for with a sponsor, approved or refused by a network
administrator, suspended without losing history; through the command line an operator runs."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import translation

from comity.core.models import AuditEntry
from comity.network import selectors, services
from comity.network.models import Membership, Network


def network(*args: str) -> str:
    out = io.StringIO()
    call_command("network", *args, stdout=out)
    return out.getvalue().strip()


def test_an_authority_joins_is_approved_and_suspended(peru, switzerland):
    pe, ch = str(peru.authority.pk), str(switzerland.authority.pk)
    assert network("join", "hub", pe, "--name", "Comity hub") == "Fiscalía de la Nación (PE): requested"
    assert not selectors.is_member(peru.officer)  # asked, not yet approved
    assert network("approve", "hub", pe).endswith(": approved")
    assert selectors.is_member(peru.officer) and not selectors.is_member(switzerland.officer)

    assert network("join", "hub", ch, "--sponsor", pe).endswith(": requested")
    network("approve", "hub", ch)
    assert selectors.member_authority_ids(peru.officer) == {peru.authority.pk, switzerland.authority.pk}

    assert network("suspend", "hub", ch, "--note", "Contacts not confirmed").endswith(": suspended")
    assert not selectors.is_member(switzerland.viewer)
    assert selectors.member_authority_ids(peru.officer) == {peru.authority.pk}
    membership = Membership.objects.get(authority=switzerland.authority)
    assert membership.sponsor == peru.authority and membership.note == "Contacts not confirmed"
    actions = list(
        AuditEntry.objects.filter(object_id=str(membership.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "network.membership.request",
        "network.membership.decide",
        "network.membership.suspend",
    ]
    network("approve", "hub", ch)  # a suspension is lifted by approving again
    assert selectors.is_member(switzerland.viewer)


def test_what_cannot_be_done_says_why_and_writes_nothing(peru, switzerland, nigeria):
    pe, ch, ng = str(peru.authority.pk), str(switzerland.authority.pk), str(nigeria.authority.pk)
    with pytest.raises(CommandError, match="give --name"):
        network("join", "hub", pe)
    network("join", "hub", pe, "--name", "Comity hub")
    with pytest.raises(CommandError, match="sponsor: The sponsor must be a member of the network"):
        network("join", "hub", ch, "--sponsor", pe)  # Peru has only asked
    with pytest.raises(CommandError, match="already has a membership"):
        network("join", "hub", pe)
    with pytest.raises(CommandError, match="Only an approved member can be suspended"):
        network("suspend", "hub", pe)
    with pytest.raises(CommandError, match="has no membership"):
        network("approve", "hub", ng)
    with pytest.raises(CommandError, match="No authority 999999"):
        network("approve", "hub", "999999")
    assert Membership.objects.count() == 1 and Network.objects.count() == 1


def test_only_a_network_administrator_decides(peru, switzerland):
    hub = services.network_create(actor=None, code="hub", name="Comity hub")
    asked = services.membership_request(actor=peru.head, network=hub, authority=peru.authority)
    with pytest.raises(PermissionDenied):
        services.membership_request(actor=peru.officer, network=hub, authority=switzerland.authority)
    with pytest.raises(PermissionDenied):
        services.membership_decide(actor=peru.head, membership=asked, approve=True)
    switzerland.head.user_permissions.add(Permission.objects.get(codename="administer_network"))
    administrator = type(switzerland.head).objects.get(
        pk=switzerland.head.pk
    )  # permissions cached per object
    assert services.membership_decide(actor=administrator, membership=asked, approve=True).state == "approved"


def test_an_urgent_notification_is_emailed_with_a_link_and_nothing_else(
    peru, mailoutbox, django_capture_on_commit_callbacks
):
    peru.officer.email, peru.officer.language = "officer@fiscalia.example", "es"
    peru.officer.save()
    peru.viewer.email = "viewer@fiscalia.example"
    peru.viewer.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(users=[peru.officer], kind="alert", url="/network/alerts/7/", urgent=True)
        services.notify(users=[peru.viewer], kind="action-due", url="/network/meetings/3/")
    assert [m.to for m in mailoutbox] == [
        ["officer@fiscalia.example"]
    ]  # the action item waits for the digest
    with translation.override("es"):
        kind = translation.gettext("Urgent freezing alert")
    assert kind != "Urgent freezing alert"  # in the officer's language
    assert mailoutbox[0].body == f"{kind}: http://127.0.0.1:8000/network/alerts/7/\n"
    assert services.notifications_email(peru.viewer.notifications.all()) == 1
    assert services.notifications_email(peru.viewer.notifications.all()) == 0  # once only
