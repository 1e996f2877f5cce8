"""Fixtures shared by every test: three States' central authorities and their people."""

import datetime
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from comity.accounts.choices import AuthorityKind, Role
from comity.accounts.models import Authority, User
from comity.accounts.services import token_create
from comity.accounts.tests.factories import AuthorityFactory, UserFactory
from comity.cooperation import services
from comity.cooperation.models import Request


@dataclass
class Side:
    authority: Authority
    officer: User
    head: User
    viewer: User


def _side(country: str, name: str) -> Side:
    authority = AuthorityFactory(country=country, name=name)
    prefix = country.lower()
    return Side(
        authority=authority,
        officer=UserFactory(username=f"{prefix}-officer", authority=authority, role=Role.OFFICER),
        head=UserFactory(username=f"{prefix}-head", authority=authority, role=Role.HEAD),
        viewer=UserFactory(username=f"{prefix}-viewer", authority=authority, role=Role.VIEWER),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Argon2 is deliberately slow; tests hash hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_second_factor_by_default(settings) -> None:
    # Most tests log heads in with force_login and test something else than the login: the second
    # factor is tested where it is the subject (accounts/tests/test_mfa.py, tests/test_browser_login.py),
    # with the roles of the production default.
    settings.COMITY_MFA_REQUIRED_ROLES = frozenset()


@pytest.fixture(autouse=True)
def _language_of_one_test_only():
    # Django's LocaleMiddleware activates a visitor's language in the thread and leaves it there
    # (the next request activates its own); a test after one in French must not start in French.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _tasks_inline(settings) -> None:
    # Background tasks run at once, in the test's process and transaction.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "fragments": settings.CACHES["fragments"],
    }


@pytest.fixture(autouse=True)
def _ledger_key_in_tmp(settings, tmp_path) -> None:
    # Never touch the developer's var/ledger.key.
    settings.COMITY_LEDGER_KEY_FILE = tmp_path / "ledger.key"
    # Nor the deployment's federation keys.
    settings.COMITY_FEDERATION_SIGNING_KEY_FILE = tmp_path / "federation" / "signing.pem"
    settings.COMITY_FEDERATION_ENCRYPTION_KEY_FILE = tmp_path / "federation" / "encryption.pem"


@pytest.fixture
def peru(db) -> Side:
    return _side("PE", "Fiscalía de la Nación")


@pytest.fixture
def switzerland(db) -> Side:
    return _side("CH", "Federal Office of Justice")


@pytest.fixture
def nigeria(db) -> Side:
    return _side("NG", "Federal Ministry of Justice")


@pytest.fixture
def secretariat_user(db) -> User:
    authority = AuthorityFactory(country="AT", name="UNODC", kind=AuthorityKind.SECRETARIAT)
    return UserFactory(username="analyst", authority=authority, role=Role.SECRETARIAT)


def bearer(user: User) -> Client:
    """A client that authenticates to the API with a fresh token of `user`."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(actor=None, user=user)}")


def make_request(requesting: Side, requested: Side, **overrides) -> Request:
    """A request from `requesting` to `requested`, registered by the requesting officer."""
    actor = overrides.pop("actor", requesting.officer)
    fields = {
        "type": "mla",
        "legal_basis": "uncac",
        "proceeding": "criminal",
        "offences": ["uncac-23"],
        "measures": ["bank-records"],
        "summary": "Bribes laundered through accounts abroad.",
        "subjects": [
            services.SubjectInput(kind="natural", name="Alberto Quispe", identifiers="born 1961-04-02")
        ],
        "requesting_reference": f"{requesting.authority.country}-{Request.objects.count() + 1:04d}",
        "sent_on": datetime.date(2025, 3, 3),
    } | overrides
    return services.request_create(
        actor=actor,
        requesting_authority=requesting.authority,
        requested_authority=requested.authority,
        **fields,
    )


def planned_rows() -> int | None:
    """How many requests the database's query planner believes there are (None: it was never told)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'request_requested_idx'")
            row = cursor.fetchone()
            return int(row[0].split()[0]) if row else None
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'cooperation_request'")
        return int(cursor.fetchone()[0])
