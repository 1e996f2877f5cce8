import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

from comity.accounts.tests.factories import TEST_PASSWORD

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


@contextlib.contextmanager
def server_databases(folder: Path) -> Iterator[Callable[[], str]]:
    """Makes empty databases of their own for server processes, of the engine the suite runs on:
    `make()` is a DATABASE_URL (SQLite files go in `folder`); they are dropped on leaving."""
    db = settings.DATABASES["default"]
    params = {"user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"], "port": db["PORT"] or 5432}
    made: list[str] = []

    def make() -> str:
        name = f"comity_server_{uuid.uuid4().hex[:8]}"
        if db["ENGINE"] == "django.db.backends.sqlite3":
            return f"sqlite:///{folder / name}.sqlite3"
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{params['port']}/{name}"

    try:
        yield make
    finally:
        for name in made:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def new_database(tmp_path):
    """`new_database()` is a DATABASE_URL of a database of its own, dropped after the test."""
    with server_databases(tmp_path) as make:
        yield make


@pytest.fixture
def database_url(new_database):
    """A database of its own for server processes, of the engine the suite runs on."""
    return new_database()


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
