import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client

from comity.accounts.models import ApiToken, Authority, User
from comity.accounts.services import user_permission_set
from comity.core.models import AuditEntry


def run(*args, stdin: str = "", monkeypatch=None) -> str:
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_authority_user_and_token_from_the_command_line(monkeypatch):
    authority_id = run(
        "authority",
        "add",
        "--country",
        "pe",
        "--kind",
        "central-authority",
        "--name",
        "Fiscalía de la Nación",
    )
    authority = Authority.objects.get(pk=int(authority_id))
    assert (authority.country, authority.kind) == ("PE", "central-authority")

    user_id = run(
        "user",
        "add",
        "maria",
        "--authority",
        authority_id,
        "--role",
        "officer",
        "--password-stdin",
        stdin="a-long-enough-secret\n",
        monkeypatch=monkeypatch,
    )
    user = User.objects.get(pk=int(user_id))
    assert user.check_password("a-long-enough-secret") and user.role == "officer"

    token = run("token", "add", "maria")
    assert len(token) >= 40
    assert not ApiToken.objects.filter(key_hash=token).exists()  # only the hash is stored
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/requests").status_code == 200
    assert (
        AuditEntry.objects.filter(action__in=["authority.create", "user.create", "token.create"]).count() == 3
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "XX", "--kind", "court", "--name", "A"], "country: Unknown country code “XX”"),
        (["--country", "PE", "--kind", "court", "--name", "  "], "name: This field is required"),
    ],
)
def test_authority_add_explains_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        run("authority", "add", *args)
    assert not Authority.objects.exists()


@pytest.mark.django_db
def test_user_add_explains_bad_input(monkeypatch):
    authority_id = run("authority", "add", "--country", "CH", "--kind", "central-authority", "--name", "FOJ")
    with pytest.raises(CommandError, match="password:"):
        run(
            "user",
            "add",
            "bob",
            "--authority",
            authority_id,
            "--role",
            "viewer",
            "--password-stdin",
            stdin="short\n",
            monkeypatch=monkeypatch,
        )
    with pytest.raises(CommandError, match="no authority with id 999"):
        run(
            "user",
            "add",
            "bob",
            "--authority",
            "999",
            "--role",
            "viewer",
            "--password-stdin",
            stdin="a-long-enough-secret\n",
            monkeypatch=monkeypatch,
        )
    with pytest.raises(CommandError, match="no active user 'nobody'"):
        run("token", "add", "nobody")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_permissions_are_granted_beside_the_role_and_audited(peru):
    assert run("user", "grant", "pe-officer", "directory-editor") == "pe-officer: directory-editor granted"
    assert run("user", "grant", "pe-officer", "directory-editor").endswith("(already)")
    officer = User.objects.get(username="pe-officer")
    assert officer.has_perm("network.edit_directory") and officer.role == "officer"
    assert run("user", "revoke", "pe-officer", "directory-editor") == "pe-officer: directory-editor withdrawn"
    assert not User.objects.get(pk=officer.pk).has_perm("network.edit_directory")
    run("user", "grant", "pe-head", "network-administrator")
    assert User.objects.get(username="pe-head").has_perm("network.administer_network")
    details = list(
        AuditEntry.objects.filter(action="user.permission").order_by("pk").values_list("detail", flat=True)
    )
    assert details == [
        {"permission": "directory-editor", "granted": "yes"},
        {"permission": "directory-editor", "granted": "no"},
        {"permission": "network-administrator", "granted": "yes"},
    ]
    with pytest.raises(CommandError, match="no user nobody"):
        run("user", "grant", "nobody", "directory-editor")
    with pytest.raises(CommandError):
        run("user", "grant", "pe-officer", "superpowers")


@pytest.mark.django_db
def test_only_an_administrator_grants_a_permission(peru):
    with pytest.raises(PermissionDenied):
        user_permission_set(actor=peru.head, user=peru.officer, permission="directory-editor", granted=True)
    assert not AuditEntry.objects.filter(action="user.permission").exists()
