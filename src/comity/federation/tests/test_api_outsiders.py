"""The federation API refuses everybody but the deployment's administrators with 404 before it
reads the path or the query: a malformed id or filter is no 422 that tells an outsider the endpoint
exists (#22's rule for every new endpoint, kept by #25's). A file of its own beside test_pages.py."""

import pytest
from django.test import Client

from comity.accounts.choices import Role
from comity.accounts.tests.factories import UserFactory
from conftest import bearer

MALFORMED = [
    ("post", "/api/v1/federation/messages/abc/retry"),
    ("post", f"/api/v1/federation/messages/{2**63}/retry"),
    ("post", "/api/v1/federation/messages/1/retry"),
    ("post", "/api/v1/federation/peers/abc/revoke"),
    ("post", "/api/v1/federation/peers/1/revoke"),
    ("get", "/api/v1/federation/messages?state=bogus"),
    ("get", "/api/v1/federation/messages?cursor=" + "x" * 201),
]


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("auth", ["token", "session"])
def test_a_malformed_call_by_a_non_administrator_is_a_404(peru, nigeria, auth):
    for user in (peru.officer, peru.head, nigeria.head):
        client = bearer(user) if auth == "token" else _session(user)
        answers = [(method, path, getattr(client, method)(path).status_code) for method, path in MALFORMED]
        assert [a for a in answers if a[2] != 404] == []


def test_an_administrator_still_hears_what_is_wrong(peru):
    admin = UserFactory(username="pe-admin", authority=peru.authority, role=Role.ADMIN, is_staff=True)
    api = bearer(admin)
    assert api.post(f"/api/v1/federation/messages/{2**63}/retry").status_code == 422
    assert api.get("/api/v1/federation/messages?state=bogus").status_code == 422
    assert api.post("/api/v1/federation/messages/1/retry").status_code == 404  # no such message
    assert api.get("/api/v1/federation/messages").status_code == 200
