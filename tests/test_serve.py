"""`comity serve`, which `make run` starts: Comity as in production on plain HTTP (#20 item 9):
debug off and so no traceback nor URL list, the background worker beside gunicorn, its own
secret key under var/ made once and kept, cookies that work over HTTP on loopback; and the
headers every page carries."""

import os
import secrets
import signal
import subprocess
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.test import Client

from tests.servers import COMITY, free_port, run_comity, wait_until_served


def _start(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [COMITY, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_until_served(server, f"http://127.0.0.1:{port}/healthz")
    return server


def _stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0


@pytest.mark.django_db(transaction=True)
def test_serve_runs_as_production_on_plain_http_and_keeps_its_secret_key(tmp_path, migrated_database_url):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMITY_")} | {
        "DATABASE_URL": migrated_database_url,
        "COMITY_VAR_DIR": str(tmp_path),
        "COMITY_MFA_REQUIRED_ROLES": "",
    }
    server = _start(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        key = tmp_path / "secret.key"
        assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"
        first_key = key.read_text()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/no-such-page/", timeout=10)
        body = missing.value.read().decode()
        assert missing.value.code == 404 and "Traceback" not in body and "URLconf" not in body
        # A browser on loopback gets its session and CSRF cookies over plain HTTP.
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/login/", timeout=10)
        assert page.status == 200 and page.url == f"{base}/login/"  # no redirection to HTTPS
        assert "Strict-Transport-Security" not in page.headers
        assert [(c.name.endswith("-csrf"), c.secure) for c in jar] == [(True, False)]
        workers = subprocess.run(["pgrep", "-f", "comity.config.cli worker"], capture_output=True, text=True)
        assert workers.stdout.strip(), "the background worker runs beside the web server"
    finally:
        _stop(server)
    server = _start(env, port)
    _stop(server)
    assert (tmp_path / "secret.key").read_text() == first_key  # kept: sessions survive a restart


def test_every_page_has_a_content_security_policy_without_inline_scripts(client):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"] and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


def test_the_api_documentation_comes_from_comity_not_a_cdn(peru):
    client = Client()
    client.force_login(peru.officer)
    page = client.get("/api/docs").content.decode()
    assert "cdn." not in page and "/static/ninja/swagger-ui-bundle.js" in page


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    # Nor the flag the browser tests set for Playwright in this process, which the check refuses.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in inherited.items() if not k.startswith("COMITY_")} | {
        "COMITY_DEBUG": "false",
        "COMITY_TLS": "true",
        "COMITY_SECRET_KEY": secrets.token_urlsafe(50),
        "COMITY_ALLOWED_HOSTS": "comity.example.org",
        "COMITY_VAR_DIR": str(tmp_path),
    }
    result = run_comity(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    # Without TLS, the same check names what is missing for production.
    plain = run_comity(
        env | {"COMITY_TLS": "false"}, "check", "--deploy", "--fail-level", "WARNING", check=False
    )
    assert plain.returncode != 0 and "SECURE_HSTS_SECONDS" in plain.stderr + plain.stdout


def test_the_tls_setting_turns_on_https_redirect_hsts_and_secure_cookies(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMITY_")} | {
        "COMITY_VAR_DIR": str(tmp_path)
    }
    show = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    assert run_comity(env | {"COMITY_TLS": "true"}, "shell", "-c", show).stdout.split()[-4:] == [
        "True",
        "31536000",
        "True",
        "True",
    ]
    assert run_comity(env, "shell", "-c", show).stdout.split()[-4:] == ["False", "0", "False", "False"]
