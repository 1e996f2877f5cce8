"""The Django admin's saves go through accounts.services and are audited (#19 item 1)."""

from django.test import Client

from comity.accounts.models import Authority
from comity.core.models import AuditEntry


def test_a_user_and_an_authority_changed_in_the_admin_are_audited(peru, admin_user):
    client = Client()
    client.force_login(admin_user)
    officer = peru.officer
    response = client.post(
        f"/admin/accounts/user/{officer.pk}/change/",
        {
            "username": officer.username,
            "first_name": "Rosa",
            "last_name": "",
            "email": "",
            "authority": peru.authority.pk,
            "role": "head",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="user.update", object_id=str(officer.pk))
    assert entry.fields == ["first_name", "role"] and entry.actor_id == admin_user.pk
    response = client.post(
        "/admin/accounts/authority/add/", {"name": "Court of Lima", "country": "PE", "kind": "court"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Authority.objects.get(name="Court of Lima")
    assert AuditEntry.objects.filter(action="authority.create", object_id=str(created.pk)).exists()
