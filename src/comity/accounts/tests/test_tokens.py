"""API tokens: hashed, refused when revoked, and their last use kept without a write per call."""

import datetime

import pytest
from django.test import Client

from comity.accounts.models import ApiToken
from comity.accounts.services import TOKEN_TOUCH_INTERVAL, token_create

pytestmark = pytest.mark.django_db


def test_last_use_is_recorded_at_most_once_per_interval(peru):
    token = token_create(actor=None, user=peru.officer)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/requests").status_code == 200
    stored = ApiToken.objects.get()
    first = stored.last_used_at
    assert first is not None and stored.key_hash != token and token.startswith(stored.prefix)
    assert client.get("/api/v1/requests").status_code == 200
    assert ApiToken.objects.get().last_used_at == first  # no write on the second call
    ApiToken.objects.update(last_used_at=first - TOKEN_TOUCH_INTERVAL - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/requests").status_code == 200
    assert ApiToken.objects.get().last_used_at > first - datetime.timedelta(seconds=1)


def test_a_revoked_or_unknown_token_is_refused(peru):
    token = token_create(actor=None, user=peru.officer)
    ApiToken.objects.update(revoked=True)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/requests").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer nonsense").get("/api/v1/requests").status_code == 401
