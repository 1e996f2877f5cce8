"""The secretariat imports a State's submission on a page and through the API, not only on the
command line (#24 'Bad input'): the same checks, each refusal naming the path at fault, nothing
imported on any; to anyone but the secretariat and the State's coordinator, neither exists (404)."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from comity.accounts.choices import Role
from comity.accounts.tests.factories import UserFactory
from comity.statistics.models import Submission
from comity.statistics.submissions import build_submission
from conftest import bearer

PAGE = "/statistics/submission/import/"
API = "/api/v1/statistics/submissions"
ROLE_ROW = {
    "role": "origin",
    "cases": 2,
    "frozen_usd": "0.00",
    "confiscated_usd": "0.00",
    "returned_usd": "0.00",
}


def _with(payload, change):
    changed = copy.deepcopy(payload)
    change(changed)
    return changed


def _future(p):
    p["period"] = timezone.localdate().year + 1


def _roles_above_cases(p):
    p["assets"].update(cases=1, no_case=False, by_role=[ROLE_ROW])


def _negative(p):
    p["assets"]["frozen_usd"] = "-5.00"


def _unknown_barrier(p):
    p["assets"]["barriers"] = [{"barrier": "a-bribed-clerk", "cases": 0}]


def _old_version(p):
    p["version"] = 1


# (what is wrong, how, the path the refusal names)
BAD = [
    ("another version", _old_version, "format"),
    ("a period in the future", _future, "period"),
    ("counts that do not add up", _roles_above_cases, "assets.by_role[0].cases"),
    ("a negative amount", _negative, "assets.frozen_usd"),
    ("a barrier not in the vocabulary", _unknown_barrier, "assets.barriers[0].barrier"),
]


@pytest.fixture
def swiss_file(switzerland):
    return build_submission("CH", timezone.localdate().year - 1, threshold=1)


def _upload(client, payload):
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(PAGE, {"file": SimpleUploadedFile("submission.json", data, "application/json")})


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("what", "change", "path"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_is_refused_on_the_page_and_by_the_api_naming_the_path(
    what, change, path, swiss_file, secretariat_user
):
    bad = _with(swiss_file, change)
    page = _upload(_logged_in(secretariat_user), bad)
    assert page.status_code == 422
    assert f"{path}: " in page.content.decode()
    answer = bearer(secretariat_user).post(API, bad, content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert path in {error["field"] for error in answer.json()["errors"]}, answer.json()
    assert not Submission.objects.exists()


def test_a_file_that_is_not_json_is_refused_naming_the_file(secretariat_user):
    page = _upload(_logged_in(secretariat_user), b"state,period\nCH,2025\n")
    assert page.status_code == 422 and "file: " in page.content.decode()
    missing = _logged_in(secretariat_user).post(PAGE, {})
    assert missing.status_code == 422 and "file: " in missing.content.decode()
    assert not Submission.objects.exists()


def test_a_coordinator_sends_their_own_states_file_only(peru, swiss_file):
    coordinator = UserFactory(authority=peru.authority, role=Role.COORDINATOR)
    page = _upload(_logged_in(coordinator), swiss_file)
    assert page.status_code == 422 and "state: " in page.content.decode()
    answer = bearer(coordinator).post(API, swiss_file, content_type="application/json")
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["state"]
    assert not Submission.objects.exists()
    own = build_submission("PE", swiss_file["period"], threshold=1)
    assert bearer(coordinator).post(API, own, content_type="application/json").status_code == 201
    assert Submission.objects.get().state == "PE"


def test_the_secretariat_imports_a_file_then_only_corrections(swiss_file, secretariat_user):
    client = _logged_in(secretariat_user)
    received = _upload(client, swiss_file)
    assert received.status_code == 302
    assert "was imported" in client.get(received["Location"]).content.decode()
    api = bearer(secretariat_user)
    again = api.post(API, swiss_file, content_type="application/json")
    assert again.status_code == 422 and [e["field"] for e in again.json()["errors"]] == ["correction"]
    corrected = api.post(API, swiss_file | {"correction": True}, content_type="application/json")
    assert corrected.status_code == 201
    assert corrected.json() == {
        "state": "CH",
        "period": swiss_file["period"],
        "version": 2,
        "correction": True,
    }
    submission = Submission.objects.get()
    assert [v.number for v in submission.versions.all()] == [1, 2]


def test_outsiders_find_no_import(peru, swiss_file):
    for user in (peru.officer, peru.viewer):
        client = _logged_in(user)
        assert client.get(PAGE).status_code == 404
        assert _upload(client, swiss_file).status_code == 404
        assert bearer(user).post(API, swiss_file, content_type="application/json").status_code == 404
    assert Client().post(API, swiss_file, content_type="application/json").status_code == 401
    assert Client().get(PAGE).status_code == 302  # to the login page
    assert not Submission.objects.exists()
