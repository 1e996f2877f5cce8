"""Two deployments from one checkout (#25, 'Two deployments on one machine'): with only DATABASE_URL
differing, each keeps what it writes on disk in the folder of its own SQLite file, and one browser
can hold a session of each (the cookies carry the deployment's name)."""

import os
import re

from tests.servers import run_comity


def _settings(env: dict[str, str]) -> dict[str, str]:
    printed = run_comity(env, "diffsettings", "--all").stdout
    return dict(re.findall(r"^([A-Z_]+) = (.*?)(?:  ###)?$", printed, re.MULTILINE))


def _env(**given: str) -> dict[str, str]:
    # As an operator starts it: none of the suite's own settings of folders and keys.
    return {k: v for k, v in os.environ.items() if not k.startswith("COMITY_")} | given


def test_two_deployments_differ_only_by_their_database_url(tmp_path):
    seen = {}
    for name in ("pe", "ch"):
        folder = tmp_path / name
        folder.mkdir()
        env = _env(DATABASE_URL=f"sqlite:///{folder / 'comity.sqlite3'}")
        run_comity(env, "ledger", "init")
        assert (folder / "ledger.key").exists()
        found = _settings(env)
        assert found["VAR_DIR"] == found["COMITY_DATA_DIR"] == f"PosixPath('{folder}')"
        assert f"'LOCATION': '{folder / 'cache'}'" in found["CACHES"]
        seen[name] = (found["SESSION_COOKIE_NAME"], found["CSRF_COOKIE_NAME"])
        assert all(f"-{name}-" in cookie for cookie in seen[name])
    assert not set(seen["pe"]) & set(seen["ch"])
    assert not (tmp_path / "ledger.key").exists()


def test_a_named_data_folder_and_deployment_name_win(tmp_path):
    data = tmp_path / "data"
    env = _env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}",
        COMITY_DATA_DIR=str(data),
        COMITY_DEPLOYMENT_NAME="pe.comity.example",
    )
    found = _settings(env)
    assert found["VAR_DIR"] == f"PosixPath('{data}')"
    assert found["SESSION_COOKIE_NAME"].startswith("'comity-pe-comity-example-")


def test_the_cookies_carry_the_name_given_to_federation_init(tmp_path):
    # a data folder named after nothing in particular, as /srv/a/comity.sqlite3 would be
    folder = tmp_path / "a"
    folder.mkdir()
    env = _env(DATABASE_URL=f"sqlite:///{folder / 'comity.sqlite3'}")
    before = _settings(env)["SESSION_COOKIE_NAME"]
    assert before.startswith("'comity-a-")
    run_comity(env, "migrate", "--no-input")
    run_comity(env, "federation", "init", "--name", "pe.comity.example", "--url", "http://127.0.0.1:8123")
    found = _settings(env)
    assert found["COMITY_DEPLOYMENT_NAME"] == "'pe.comity.example'"
    assert found["SESSION_COOKIE_NAME"].startswith("'comity-pe-comity-example-")
    assert found["CSRF_COOKIE_NAME"].startswith("'comity-pe-comity-example-")
    # the name an operator sets still wins
    named = _settings(env | {"COMITY_DEPLOYMENT_NAME": "peru"})
    assert named["SESSION_COOKIE_NAME"].startswith("'comity-peru-")
