import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from comity.cooperation import selectors, services
from comity.core.models import AccessEntry
from conftest import make_request


def test_parties_and_shared_authorities_see_a_request_others_do_not(
    peru, switzerland, nigeria, secretariat_user
):
    request = make_request(peru, switzerland)
    for user in (peru.officer, peru.viewer, switzerland.head):
        assert list(selectors.requests_visible_to(user)) == [request]
    for user in (nigeria.officer, nigeria.head, secretariat_user):
        assert not selectors.requests_visible_to(user).exists()
        with pytest.raises(Http404):
            selectors.request_detail(user, request.pk, channel="api")
    services.request_share(actor=peru.officer, request=request, authority=nigeria.authority)
    assert list(selectors.requests_visible_to(nigeria.viewer)) == [request]


def test_shared_twice_is_listed_once(peru, switzerland, nigeria):
    request = make_request(peru, switzerland)
    services.request_share(actor=peru.officer, request=request, authority=nigeria.authority)
    services.request_share(actor=switzerland.officer, request=request, authority=nigeria.authority)
    assert selectors.requests_visible_to(nigeria.officer).count() == 1


def test_detail_read_is_access_logged(peru, switzerland):
    request = make_request(peru, switzerland)
    selectors.request_detail(switzerland.viewer, request.pk, channel="page")
    entry = AccessEntry.objects.get()
    assert (entry.user, entry.object_id, entry.channel) == (switzerland.viewer, str(request.pk), "page")


def test_internal_notes_stay_on_their_side(peru, switzerland):
    request = make_request(peru, switzerland)
    services.event_record(
        actor=peru.officer,
        request=request,
        kind="note",
        occurred_on=datetime.date(2025, 3, 4),
        text="Our prosecutor doubts the evidence",
        internal=True,
    )
    services.event_record(
        actor=peru.officer,
        request=request,
        kind="note",
        occurred_on=datetime.date(2025, 3, 4),
        text="Shared note",
    )
    assert [e.text for e in selectors.events_visible(peru.viewer, request)][-2:] == [
        "Our prosecutor doubts the evidence",
        "Shared note",
    ]
    assert "Our prosecutor doubts the evidence" not in [
        e.text for e in selectors.events_visible(switzerland.head, request)
    ]


@pytest.mark.parametrize(
    ("names_visible_to", "officer", "head", "viewer"),
    [
        ("officers", True, True, False),
        ("heads", False, True, False),
    ],
)
def test_confidential_names(peru, switzerland, names_visible_to, officer, head, viewer):
    request = make_request(peru, switzerland, confidential=True, names_visible_to=names_visible_to)
    for side in (peru, switzerland):
        assert selectors.may_see_subject_names(side.officer, request) is officer
        assert selectors.may_see_subject_names(side.head, request) is head
        assert selectors.may_see_subject_names(side.viewer, request) is viewer
    open_request = make_request(peru, switzerland)
    assert selectors.may_see_subject_names(peru.viewer, open_request)


def test_awaiting_action_is_the_side_whose_turn_it_is(peru, switzerland):
    sent = make_request(peru, switzerland)
    assert list(selectors.awaiting_action(switzerland.officer)) == []  # not received yet
    services.event_record(
        actor=switzerland.officer, request=sent, kind="received", occurred_on=datetime.date(2025, 3, 4)
    )
    assert list(selectors.awaiting_action(switzerland.officer)) == [sent]
    assert list(selectors.awaiting_action(peru.officer)) == []
    services.event_record(
        actor=switzerland.officer,
        request=sent,
        kind="information-requested",
        occurred_on=datetime.date(2025, 3, 5),
    )
    assert list(selectors.awaiting_action(peru.officer)) == [sent]


def test_the_list_rows_handed_out_are_never_the_kept_queryset(peru, switzerland):
    """The rows' queryset is built once per authority and kept; handing out that object let the first
    caller that evaluated it fill its cache, and every later list of the process showed those rows,
    blind to requests registered since (#19 item 5)."""
    make_request(peru, switzerland)
    first = selectors.request_rows_visible_to(peru.officer)
    assert len(list(first)) == 1
    make_request(peru, switzerland)
    assert len(list(selectors.request_rows_visible_to(peru.officer))) == 2


def test_the_filters_are_the_users_own_scope_whoever_builds_them(peru, switzerland, nigeria):
    """The filter set takes the user, not an HTTP request: a filter that depends on the user's side
    (the direction) reads it, and the selection never leaves the user's scope."""
    make_request(peru, switzerland)
    make_request(switzerland, nigeria)
    outgoing = selectors.request_selection(peru.officer, {"direction": "outgoing"})
    incoming = selectors.request_selection(switzerland.officer, {"direction": "incoming"})
    assert outgoing.count() == 1 and incoming.count() == 1
    assert selectors.request_selection(nigeria.officer, {"direction": "outgoing"}).count() == 0
    with pytest.raises(ValidationError) as refused:
        selectors.request_selection(peru.officer, {"direction": "sideways"})
    assert "direction" in refused.value.message_dict
