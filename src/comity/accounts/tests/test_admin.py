import pytest
from django.contrib import admin as django_admin
from django.test import Client

from comity.accounts.choices import Role
from comity.accounts.models import Authority, User
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


@pytest.mark.parametrize("who", ["authority admin", "superuser"])
def test_every_admin_page_opens(peru, peru_admin, who):
    """Each registered model's list, add form (where allowed) and an object's page answer without
    an error, for the authority's administrator and for a superuser (Admin → Authorities was a 500)."""
    user = (
        peru_admin
        if who == "authority admin"
        else UserFactory(username="root", authority=None, is_superuser=True, is_staff=True, role=Role.ADMIN)
    )
    client = Client()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    opened = 0
    for model, model_admin in django_admin.site._registry.items():
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        if not model_admin.has_module_permission(client.get("/admin/").wsgi_request):
            continue
        assert client.get(base).status_code == 200, base
        add = client.get(base + "add/")
        assert add.status_code in (200, 403), base
        some = model._default_manager.filter(
            pk=peru.authority.pk if model is Authority else peru.officer.pk
        ).first()
        if some is not None and model in (Authority, User):
            assert client.get(f"{base}{some.pk}/change/").status_code == 200, base
        opened += 1
    assert opened >= 2
