import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Serve Comity as in production, on plain HTTP unless COMITY_TLS says otherwise: gunicorn with "
        "Comity's settings and debug off, beside the supervised background worker (`comity worker`); "
        "the secret key is made once under the var folder and kept. What `make run` starts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, port: int, host: str, **options: Any) -> None:
        env = os.environ | {"COMITY_DEBUG": os.environ.get("COMITY_DEBUG", "false")}
        env.setdefault("COMITY_BIND", f"{host}:{port}")
        if not env.get("COMITY_SECRET_KEY"):
            env["COMITY_SECRET_KEY_FILE"] = str(self._secret_key_file())
        python = sys.executable
        worker = subprocess.Popen([python, "-m", "comity.config.cli", "worker"], env=env)
        web = subprocess.Popen(
            [python, "-m", "gunicorn", "-c", "python:comity.config.gunicorn", "comity.config.wsgi"], env=env
        )

        def stop(signum: int, _frame: object) -> None:
            for process in (web, worker):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Serving http://{host}:{port}/ (gunicorn, debug off) with the background worker.")
        code = web.wait()
        stop(signal.SIGTERM, None)
        worker.wait()
        sys.exit(code)

    @staticmethod
    def _secret_key_file() -> Path:
        """var/secret.key, made the first time (readable by its owner only) and kept: sessions and
        password reset links survive a restart."""
        path = Path(os.environ.get("COMITY_SECRET_KEY_FILE") or Path(settings.VAR_DIR) / "secret.key")
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
                out.write(secrets.token_urlsafe(50))
        return path
