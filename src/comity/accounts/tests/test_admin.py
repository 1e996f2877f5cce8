import pytest
from django.test import Client

from comity.accounts.choices import Role
from comity.accounts.models import User
from comity.accounts.tests.factories import UserFactory


@pytest.fixture
def peru_admin(peru) -> User:
    return UserFactory(username="pe-admin", authority=peru.authority, role=Role.ADMIN, is_staff=True)


def test_an_authority_admin_manages_only_its_own_users(peru, switzerland, peru_admin):
    client = Client()
    client.force_login(peru_admin)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "pe-officer" in listing and "ch-officer" not in listing
    assert (
        client.get(f"/admin/accounts/user/{switzerland.officer.pk}/change/").status_code == 302
    )  # not found
    response = client.post(
        f"/admin/accounts/user/{peru.viewer.pk}/change/",
        {
            "username": "pe-viewer",
            "authority": peru.authority.pk,
            "role": "officer",
            "is_active": "on",
            "first_name": "",
            "last_name": "",
            "email": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302
    peru.viewer.refresh_from_db()
    assert peru.viewer.role == "officer"
    moved = client.post(
        f"/admin/accounts/user/{peru.officer.pk}/change/",
        {
            "username": "pe-officer",
            "authority": switzerland.authority.pk,
            "role": "officer",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert moved.status_code == 200  # refused: another authority is not a valid choice
    peru.officer.refresh_from_db()
    assert peru.officer.authority == peru.authority


def test_other_roles_are_refused_the_admin(peru):
    for user in (peru.officer, peru.head):
        client = Client()
        client.force_login(user)
        assert client.get("/admin/accounts/user/").status_code == 302
    assert Client().get("/admin/").status_code == 302
