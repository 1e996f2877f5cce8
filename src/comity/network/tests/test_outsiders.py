"""Every page and endpoint of the network (#22 "Done when": "every new endpoint and page refuses
outsiders (non-members, non-participants, suspended authorities) with 404"), in one table: each
address, GET and POST, tried by each kind of outsider, answers 404 (the anonymous: the login page,
or 401 on the API) and writes nothing; and the same call by an insider is let through, so that the
table cannot pass by asking for something that does not exist.

Peru and Switzerland are members of the network and take part in everything below (a consultation
with an attachment, a meeting with an action item, two alerts); Nigeria is a member that takes part
in none of it; Brazil is no member at all; Switzerland suspended is a participant whose authority
was suspended. Everyone acting is an officer (the role that writes) holding the directory-editor
permission, so that only the network's rules can refuse them."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client
from django.utils import timezone

from comity.accounts.choices import Role
from comity.accounts.tests.factories import AuthorityFactory, UserFactory
from comity.network import services
from comity.network.models import Alert, Membership
from comity.network.tests.helpers import editor, entry, hub
from conftest import Side, bearer

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
IBAN = "CH93 0076 2011 6238 5295 7"
TOKEN = "h22-outsider-form-token-0001"  # a form's one-time token (OnceForm), as a page gives it
# The apps whose rows an outsider's call must leave as they were (the access log and audit included).
WATCHED_APPS = ("network", "cooperation", "assets", "core", "drafting")


@dataclass
class World:
    peru: Side
    switzerland: Side
    nigeria: Side
    brazil: Side
    ids: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """One address of the table. `scope`: who may use it: `network` any member (so a member that
    takes part in nothing is no outsider), `party` the parties to the thing it names (or the owner
    of the thing: a notification, an entry). `insider`: the side whose officer the call is let
    through for, and what it answers then."""

    name: str
    method: str
    path: Callable[[dict[str, int]], str]
    body: Callable[[dict[str, int]], dict[str, Any]] | None = None
    api: bool = False
    scope: str = "party"
    insider: str = "peru"
    allowed: tuple[int, ...] = (200, 201, 302)

    def send(self, client: Client, ids: dict[str, int]) -> Any:
        address = self.path(ids)
        body = self.body(ids) if self.body else {}
        if self.method == "get":
            return client.get(address)
        if self.api:
            return client.post(address, body, content_type="application/json")
        return client.post(address, body)


def _soon(days: int = 7) -> datetime.datetime:
    day = timezone.now().date() + datetime.timedelta(days=days)
    return datetime.datetime(day.year, day.month, day.day, 14, 0, tzinfo=datetime.UTC)


def _once(address: str) -> str:
    return f"{address}?once={TOKEN}"


def _p(template: str) -> Callable[[dict[str, int]], str]:
    return lambda ids: template.format(**ids)


def _b(**body: Any) -> Callable[[dict[str, int]], dict[str, Any]]:
    def filled(value: Any, ids: dict[str, int]) -> Any:
        if isinstance(value, str):
            return value.format(**ids)
        if isinstance(value, list):
            return [filled(v, ids) for v in value]
        return value

    return lambda ids: {k: filled(v, ids) for k, v in body.items()}


PAGES = [
    # The directory, the finder, the inbox and memberships
    Call("directory", "get", _p("/network/"), scope="network"),
    Call("entry", "get", _p("/network/directory/{ch}/"), scope="network"),
    Call("entry edit form", "get", _p("/network/directory/{ch}/edit/"), insider="switzerland"),
    Call(
        "entry edit",
        "post",
        _p("/network/directory/{ch}/edit/"),
        _b(competences=["mla"], languages="de, fr", channels=["direct"]),
        insider="switzerland",
    ),
    Call("entry confirm", "post", _p("/network/directory/{ch}/confirm/"), insider="switzerland"),
    Call("contact add form", "get", _p("/network/directory/{ch}/contacts/new/"), insider="switzerland"),
    Call(
        "contact add",
        "post",
        _p("/network/directory/{ch}/contacts/new/"),
        _b(name="Night desk", time_zone="Europe/Zurich"),
        insider="switzerland",
    ),
    Call("contact form", "get", _p("/network/directory/{ch}/contacts/{contact}/"), insider="switzerland"),
    Call(
        "contact edit",
        "post",
        _p("/network/directory/{ch}/contacts/{contact}/"),
        _b(name="Night desk", time_zone="Europe/Zurich"),
        insider="switzerland",
    ),
    Call(
        "contact remove",
        "post",
        _p("/network/directory/{ch}/contacts/{contact}/remove/"),
        insider="switzerland",
    ),
    Call("finder", "get", _p("/network/finder/?country=CH&measure=freezing"), scope="network"),
    Call("inbox", "get", _p("/network/inbox/"), scope="network"),
    Call("inbox read one", "post", _p("/network/inbox/read/"), _b(id="{notification}")),
    Call("inbox read all", "post", _p("/network/inbox/read/"), scope="network"),
    # A head's or a network administrator's page: an officer has none of it.
    Call("memberships", "get", _p("/network/memberships/"), insider="peru-head"),
    Call(
        "membership request",
        "post",
        _p("/network/memberships/request/"),
        _b(network="{network}", sponsor="{pe}"),
        insider="brazil-head",
    ),
    Call(
        "membership decide",
        "post",
        _p("/network/memberships/{ng_membership}/suspend/"),
        insider="administrator",
    ),
    # Urgent freezing alerts
    Call("alerts", "get", _p("/network/alerts/"), scope="network"),
    Call("alert form", "get", _p(_once("/network/alerts/new/")), scope="network"),
    Call(
        "alert send",
        "post",
        _p(_once("/network/alerts/new/")),
        _b(
            form_token=TOKEN,
            to_authority="{ch}",
            identifier_kind_0="iban",
            identifier_0=IBAN,
            reason="Urgent.",
            deadline=_soon(2).strftime("%Y-%m-%dT%H:%M"),
        ),
        scope="network",
    ),
    Call("alert case assets", "get", _p("/network/alerts/new/case-assets/?asset_case=1"), scope="network"),
    Call("alert", "get", _p("/network/alerts/{alert}/")),
    Call("alert acknowledge", "post", _p("/network/alerts/{alert}/acknowledge/"), insider="switzerland"),
    Call(
        "alert outcome",
        "post",
        _p("/network/alerts/{acknowledged}/outcome/"),
        _b(outcome="request-needed"),
        insider="switzerland",
    ),
    Call("alert withdraw", "post", _p("/network/alerts/{alert}/withdraw/"), _b(reason="Sent in error.")),
    # Case coordination meetings
    Call("meetings", "get", _p("/network/meetings/"), scope="network"),
    Call("meeting form", "get", _p(_once("/network/meetings/new/")), scope="network"),
    Call(
        "meeting plan",
        "post",
        _p(_once("/network/meetings/new/")),
        _b(
            form_token=TOKEN,
            title="Coordination",
            starts_at=_soon(9).strftime("%Y-%m-%dT%H:%M"),
            duration_minutes=60,
            participants=["{ch}"],
        ),
        scope="network",
    ),
    Call("meeting", "get", _p("/network/meetings/{meeting}/")),
    Call("meeting minutes", "post", _p("/network/meetings/{meeting}/minutes/"), _b(minutes="Agreed.")),
    Call(
        "meeting reschedule",
        "post",
        _p("/network/meetings/{meeting}/reschedule/"),
        _b(starts_at=_soon(10).strftime("%Y-%m-%dT%H:%M"), duration_minutes=90),
    ),
    Call(
        "meeting action",
        "post",
        _p("/network/meetings/{meeting}/action/"),
        _b(text="Send the records", owner="{ch_officer}", due_on=_soon(20).date().isoformat()),
    ),
    Call("meeting action done", "post", _p("/network/meetings/{meeting}/done/{item}/")),
    # Consultations
    Call("consultations", "get", _p("/network/consultations/"), scope="network"),
    Call("consultation form", "get", _p(_once("/network/consultations/new/")), scope="network"),
    Call(
        "consultation open",
        "post",
        _p(_once("/network/consultations/new/")),
        _b(form_token=TOKEN, participants=["{ch}"], subject="Accounts in Zurich", handling="TLP:AMBER"),
        scope="network",
    ),
    Call("consultation", "get", _p("/network/consultations/{consultation}/")),
    Call("consultation message", "post", _p("/network/consultations/{consultation}/message/"), _b(body="Hi")),
    Call(
        "consultation invite",
        "post",
        _p("/network/consultations/{consultation}/invite/"),
        _b(authorities=["{ng}"]),
    ),
    Call("consultation close", "post", _p("/network/consultations/{consultation}/close/")),
    Call("conversion form", "get", _p(_once("/network/consultations/{consultation}/convert/"))),
    Call(
        "consultation convert",
        "post",
        _p(_once("/network/consultations/{consultation}/convert/")),
        _b(
            form_token=TOKEN,
            requested_authority="{ch}",
            request_type="mla",
            legal_basis="uncac",
            proceeding="criminal",
            offences=["uncac-15"],
        ),
    ),
    Call("consultation export", "get", _p("/network/consultations/{consultation}/export.txt")),
    Call("attachment", "get", _p("/network/consultations/{consultation}/attachments/{attachment}/")),
    # The network's figures
    Call("figures", "get", _p("/statistics/network/"), scope="network"),
]

API = [
    Call("directory", "get", _p("/api/v1/network/directory?country=CH"), api=True, scope="network"),
    Call("finder", "get", _p("/api/v1/network/finder?country=CH&urgent=true"), api=True, scope="network"),
    Call("figures", "get", _p("/api/v1/statistics/network"), api=True, scope="network"),
    Call("alerts", "get", _p("/api/v1/alerts"), api=True, scope="network"),
    Call(
        "alert send",
        "post",
        _p("/api/v1/alerts"),
        _b(
            to_authority="{ch}",
            assets=[{"identifier_kind": "iban", "identifier": IBAN}],
            reason="Urgent.",
            deadline=_soon(2).isoformat(),
        ),
        api=True,
        scope="network",
    ),
    Call("alert", "get", _p("/api/v1/alerts/{alert}"), api=True),
    Call(
        "alert acknowledge", "post", _p("/api/v1/alerts/{alert}/acknowledge"), api=True, insider="switzerland"
    ),
    Call(
        "alert outcome",
        "post",
        _p("/api/v1/alerts/{acknowledged}/outcome"),
        _b(outcome="request-needed"),
        api=True,
        insider="switzerland",
    ),
    Call(
        "alert withdraw", "post", _p("/api/v1/alerts/{alert}/withdraw"), _b(reason="Sent in error."), api=True
    ),
    Call("meetings", "get", _p("/api/v1/meetings"), api=True, scope="network"),
    Call(
        "meeting plan",
        "post",
        _p("/api/v1/meetings"),
        _b(title="Coordination", starts_at=_soon(9).isoformat(), participants=["{ch}"]),
        api=True,
        scope="network",
    ),
    Call("meeting", "get", _p("/api/v1/meetings/{meeting}"), api=True),
    Call("meeting ics", "get", _p("/api/v1/meetings/{meeting}.ics"), api=True),
    Call("meeting record", "post", _p("/api/v1/meetings/{meeting}/record"), _b(minutes="Agreed."), api=True),
    Call(
        "meeting reschedule",
        "post",
        _p("/api/v1/meetings/{meeting}/reschedule"),
        _b(starts_at=_soon(10).isoformat(), duration_minutes=90),
        api=True,
    ),
    Call(
        "meeting action",
        "post",
        _p("/api/v1/meetings/{meeting}/actions"),
        _b(text="Send the records", owner="{ch_officer}", due_on=_soon(20).date().isoformat()),
        api=True,
    ),
    Call("meeting action done", "post", _p("/api/v1/meetings/{meeting}/actions/{item}/done"), api=True),
    Call("consultations", "get", _p("/api/v1/consultations"), api=True, scope="network"),
    Call(
        "consultation open",
        "post",
        _p("/api/v1/consultations"),
        _b(participants=["{ch}"], subject="Accounts in Zurich", handling="TLP:AMBER"),
        api=True,
        scope="network",
    ),
    Call("consultation", "get", _p("/api/v1/consultations/{consultation}"), api=True),
    Call(
        "consultation message",
        "post",
        _p("/api/v1/consultations/{consultation}/messages"),
        _b(body="Hi"),
        api=True,
    ),
    Call(
        "consultation invite",
        "post",
        _p("/api/v1/consultations/{consultation}/participants"),
        _b(authorities=["{ng}"]),
        api=True,
    ),
    Call("consultation close", "post", _p("/api/v1/consultations/{consultation}/close"), api=True),
    Call(
        "consultation convert",
        "post",
        _p("/api/v1/consultations/{consultation}/convert"),
        _b(type="mla", legal_basis="uncac", proceeding="criminal", offences=["uncac-15"]),
        api=True,
    ),
    Call(
        "attachment",
        "get",
        _p("/api/v1/consultations/{consultation}/attachments/{attachment}"),
        api=True,
    ),
]

CALLS = PAGES + API


def _numbers(body: Callable[[dict[str, int]], dict[str, Any]]) -> Callable[[dict[str, int]], dict[str, Any]]:
    """The API takes ids as numbers: a body's "{id}" placeholders become ints."""

    def made(ids: dict[str, int]) -> dict[str, Any]:
        def number(value: Any) -> Any:
            if isinstance(value, str) and value.isdigit():
                return int(value)
            if isinstance(value, list):
                return [number(v) for v in value]
            return value

        return {k: number(v) for k, v in body(ids).items()}

    return made


API[:] = [
    Call(c.name, c.method, c.path, _numbers(c.body) if c.body else None, c.api, c.scope, c.insider, c.allowed)
    for c in API
]
CALLS = PAGES + API


@pytest.fixture
def world(peru, switzerland, nigeria) -> World:
    authority = AuthorityFactory(country="BR", name="Ministério da Justiça")
    brazil = Side(
        authority=authority,
        officer=UserFactory(username="br-officer", authority=authority, role=Role.OFFICER),
        head=UserFactory(username="br-head", authority=authority, role=Role.HEAD),
        viewer=UserFactory(username="br-viewer", authority=authority, role=Role.VIEWER),
    )
    network = hub(peru, switzerland, nigeria)
    entries = {}
    for side in (peru, switzerland, nigeria, brazil):
        side.officer = editor(side)
        entries[side.authority.country] = entry(side)
    contact = services.contact_save(
        actor=None,
        entry=entries["CH"],
        name="MLA desk",
        time_zone="Europe/Zurich",
        urgent=True,
        email="desk@bj.example",
    )
    consultation = services.consultation_open(
        actor=peru.officer,
        participants=[switzerland.authority],
        subject="Accounts of a former minister",
        handling="TLP:AMBER",
        summary="Bribes for a road contract.",
    )
    message = services.consultation_post(
        actor=peru.officer,
        consultation=consultation,
        body="The draft request",
        attachments=[services.AttachmentInput(name="draft.pdf", content=PDF)],
    )
    meeting = services.meeting_plan(
        actor=peru.officer, title="Coordination", starts_at=_soon(), participants=[switzerland.authority]
    )
    item = services.action_item_add(
        actor=peru.officer, meeting=meeting, text="Send", owner=switzerland.officer, due_on=_soon().date()
    )

    def alert() -> Alert:
        return services.alert_send(
            actor=peru.officer,
            to_authority=switzerland.authority,
            assets=[services.AlertAssetInput(identifier_kind="iban", identifier=IBAN)],
            reason="Urgent.",
            deadline=timezone.now() + datetime.timedelta(hours=12),
        )

    sent, acknowledged = alert(), alert()
    services.alert_acknowledge(actor=switzerland.officer, alert=acknowledged)
    notification = services.notify(users=[peru.officer], kind="message", url="/network/")[0]
    return World(
        peru,
        switzerland,
        nigeria,
        brazil,
        {
            "pe": peru.authority.pk,
            "ch": switzerland.authority.pk,
            "ng": nigeria.authority.pk,
            "ch_officer": switzerland.officer.pk,
            "network": network.pk,
            "ng_membership": Membership.objects.get(authority=nigeria.authority).pk,
            "contact": contact.pk,
            "consultation": consultation.pk,
            "attachment": message.attachments.get().pk,
            "meeting": meeting.pk,
            "item": item.pk,
            "alert": sent.pk,
            "acknowledged": acknowledged.pk,
            "notification": notification.pk,
        },
    )


def _written() -> dict[str, list[tuple]]:
    """Every row of the watched apps, to compare before and after a call."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for name in WATCHED_APPS
        for model in apps.get_app_config(name).get_models()
    }


def _outsider(world: World, kind: str, api: bool) -> Client:
    user = {
        "non-member": world.brazil.officer,
        "non-party": world.nigeria.officer,
        "suspended": world.switzerland.officer,
    }[kind]
    if api:
        return bearer(user)
    client = Client()
    client.force_login(user)
    return client


OUTSIDERS = ["non-member", "non-party", "suspended", "anonymous"]


def _tried(call: Call, kind: str) -> bool:
    # A member that takes part in nothing may still use the network's own pages (the directory,
    # its lists, its forms): to it, only the parties' things must not exist.
    return not (kind == "non-party" and call.scope == "network")


def _suspend_if(world: World, kind: str) -> None:
    if kind == "suspended":
        services.membership_suspend(
            actor=None, membership=Membership.objects.get(authority=world.switzerland.authority)
        )


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_every_address_is_a_404_to_every_outsider_and_writes_nothing(world, kind):
    _suspend_if(world, kind)
    wrong = []
    for call in CALLS:
        if not _tried(call, kind):
            continue
        client = Client() if kind == "anonymous" else _outsider(world, kind, call.api)
        before = _written()
        with transaction.atomic():
            answer = call.send(client, world.ids)
            transaction.set_rollback(True)
        if kind == "anonymous" and not call.api:
            refused = answer.status_code == 302 and answer.url.startswith("/login/")
        else:
            refused = answer.status_code == (401 if kind == "anonymous" else 404)
        if not refused or _written() != before:
            wrong.append((call.method.upper(), call.path(world.ids), answer.status_code))
    assert wrong == []


def _insider(world: World, who: str, api: bool) -> Client:
    if who == "administrator":
        from django.contrib.auth.models import Permission

        world.switzerland.head.user_permissions.add(Permission.objects.get(codename="administer_network"))
        user = type(world.switzerland.head).objects.get(pk=world.switzerland.head.pk)
    elif who == "peru-head":
        user = world.peru.head
    elif who == "brazil-head":  # the head of a non-member asks to join
        user = world.brazil.head
    else:
        user = getattr(world, who).officer
    if api:
        return bearer(user)
    client = Client()
    client.force_login(user)
    return client


def test_the_same_calls_are_let_through_for_an_insider(world):
    """The control of the table above: each call, by a party, is answered, and each write writes
    (each call from the same start: it is rolled back after)."""
    wrong = []
    for call in CALLS:
        with transaction.atomic():
            client = _insider(world, call.insider, call.api)
            before = _written()
            answer = call.send(client, world.ids)
            if answer.status_code not in call.allowed or (call.method == "post" and _written() == before):
                wrong.append((call.method.upper(), call.path(world.ids), answer.status_code))
            transaction.set_rollback(True)
    assert wrong == []


# Bodies django-ninja refuses itself (422, or 400 for what is not JSON) if it reads them before the
# view's checks run: an outsider must not learn from them that an address exists.
BAD_BODIES = {"empty": "{}", "not JSON": "{not json", "a list": "[1, 2]", "wrong types": '{"body": []}'}


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_an_outsiders_invalid_body_is_a_404_too(world, kind):
    _suspend_if(world, kind)
    wrong = []
    for call in API:
        if call.method != "post" or not _tried(call, kind):
            continue
        for auth in ("token", "session"):
            if kind == "anonymous":
                client = Client()
            elif auth == "token":
                client = _outsider(world, kind, api=True)
            else:
                client = _outsider(world, kind, api=False)
            for name, body in BAD_BODIES.items():
                answer = client.post(call.path(world.ids), body, content_type="application/json")
                if answer.status_code != (401 if kind == "anonymous" else 404):
                    wrong.append((call.name, auth, name, answer.status_code))
    assert wrong == []


# Query parameters django-ninja types itself (a 422 if it parses them before the view's checks).
BAD_QUERIES = ["/api/v1/consultations?limit=many", "/api/v1/meetings?upcoming=perhaps"]


@pytest.mark.parametrize("kind", [kind for kind in OUTSIDERS if kind != "non-party"])  # lists: any member's
def test_an_outsiders_invalid_query_is_a_404_too(world, kind):
    _suspend_if(world, kind)
    wrong = []
    for address in BAD_QUERIES:
        if kind == "anonymous":
            answer = Client().get(address)
        else:
            answer = _outsider(world, kind, api=True).get(address)
        if answer.status_code != (401 if kind == "anonymous" else 404):
            wrong.append((address, answer.status_code))
    # ... and an insider's is a 422 naming the parameter.
    for address in BAD_QUERIES:
        answer = bearer(world.peru.officer).get(address)
        assert answer.status_code == 422, (address, answer.content)
    assert wrong == []


def test_an_insiders_invalid_body_is_a_422_naming_the_field(world):
    lima = bearer(world.peru.officer)
    for path, field_name in [
        ("/api/v1/consultations/{consultation}/messages", "body"),
        ("/api/v1/consultations", "participants"),
        ("/api/v1/alerts", "to_authority"),
        ("/api/v1/meetings/{meeting}/actions", "text"),
    ]:
        answer = lima.post(path.format(**world.ids), "{}", content_type="application/json")
        assert answer.status_code == 422, (path, answer.content)
        assert field_name in [e["field"] for e in answer.json()["errors"]], (path, answer.json())
    not_json = lima.post(
        f"/api/v1/consultations/{world.ids['consultation']}/messages",
        "{not json",
        content_type="application/json",
    )
    assert not_json.status_code in (400, 422)
