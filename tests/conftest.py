import contextlib
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

from comity.accounts.tests.factories import TEST_PASSWORD
from tests.servers import run_comity

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Browser:
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class MigratedTemplate:
    """A database migrated once per test session, copied for each server process that needs a
    migrated database: `comity migrate --no-input` on an empty database takes ten seconds and more,
    a copy a fraction of one (pytest runs the suite in one process, so once per run and engine).
    It is migrated at its first use, as an operator's `comity migrate` would, and dropped at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = f"comity_template_{uuid.uuid4().hex[:8]}"
        self.created = self.migrated = False

    def copy_to(self, folder: Path, name: str) -> None:
        """Database `name` (SQLite's file in `folder`) as the migrations leave it; no process has
        the template open while it is copied, as PostgreSQL's CREATE DATABASE ... TEMPLATE asks."""
        if not self.migrated:
            self._migrate()
        if _sqlite():
            shutil.copyfile(self.folder / f"{self.name}.sqlite3", folder / f"{name}.sqlite3")
        else:
            _admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')

    def _migrate(self) -> None:
        if not _sqlite():
            _admin(f'CREATE DATABASE "{self.name}"')
            self.created = True
        env = {k: v for k, v in os.environ.items() if not k.startswith("COMITY_")} | {
            "DATABASE_URL": _url(self.folder, self.name),
            "COMITY_VAR_DIR": str(self.folder),
        }
        run_comity(env, "migrate", "--no-input")
        if _sqlite():
            # The file alone is the database: nothing left in a write-ahead log beside it.
            with contextlib.closing(sqlite3.connect(self.folder / f"{self.name}.sqlite3")) as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.migrated = True

    def drop(self) -> None:
        if self.created:
            _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _sqlite() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def _admin(sql: str) -> None:
    db = settings.DATABASES["default"]
    params = {"user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"], "port": db["PORT"] or 5432}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(sql)


def _url(folder: Path, name: str) -> str:
    if _sqlite():
        return f"sqlite:///{folder / name}.sqlite3"
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Iterator[MigratedTemplate]:
    template = MigratedTemplate(tmp_path_factory.mktemp("template"))
    try:
        yield template
    finally:
        template.drop()


@contextlib.contextmanager
def server_databases(folder: Path, template: MigratedTemplate) -> Iterator[Callable[..., str]]:
    """Makes databases of their own for server processes, of the engine the suite runs on:
    `make()` is a DATABASE_URL of an empty one, `make(migrated=True)` of one as
    `comity migrate --no-input` leaves it, copied from `template` (SQLite files go in `folder`);
    they are dropped on leaving."""
    made: list[str] = []

    def make(migrated: bool = False) -> str:
        name = f"comity_server_{uuid.uuid4().hex[:8]}"
        if migrated:
            template.copy_to(folder, name)
        elif not _sqlite():
            _admin(f'CREATE DATABASE "{name}"')
        if not _sqlite():
            made.append(name)
        return _url(folder, name)

    try:
        yield make
    finally:
        for name in made:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def new_database(tmp_path, migrated_template):
    """`new_database()` is a DATABASE_URL of an empty database of its own, `new_database(migrated=True)`
    of a migrated one, dropped after the test."""
    with server_databases(tmp_path, migrated_template) as make:
        yield make


@pytest.fixture
def migrated_database_url(new_database):
    """A migrated database of its own for server processes, of the engine the suite runs on."""
    return new_database(migrated=True)


@pytest.fixture
def page_as(live_server, browser: Browser):
    """Opens a browser page logged in as a test user: `page_as("pe-officer", width=800)`."""
    pages: list[Page] = []

    def open_as(username: str, width: int = 1280) -> Page:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        pages.append(page)
        return page

    yield open_as
    for page in pages:
        page.close()
