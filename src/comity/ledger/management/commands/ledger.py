from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.ledger import integrity
from comity.ledger.services import LedgerNotInitialised, ensure_key
from comity.ledger.verifier import VerifyError, monitor, verify


class Command(BaseCommand):
    help = "The transparency log: init (make the signing key), verify URL, monitor URL --state FILE, check."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("init", help="Generate the Ed25519 signing key at COMITY_LEDGER_KEY_FILE.")
        check = actions.add_parser(
            "verify", help="Check a log from its public API, independently of its database."
        )
        check.add_argument("url", help="The Comity server, e.g. https://comity.example.org")
        check.add_argument("--key", help="The verifier key to trust (name+id+key); default: the server's own")
        check.add_argument("--all-proofs", action="store_true", help="Check every entry's inclusion proof")
        watch = actions.add_parser("monitor", help="Prove the newest checkpoint extends the last one seen.")
        watch.add_argument("url")
        watch.add_argument(
            "--state", required=True, type=Path, help="File that remembers the last checkpoint"
        )
        watch.add_argument("--key", help="The verifier key to trust on the first run")
        actions.add_parser(
            "check", help="Recompute this server's log from its database and check every head."
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except (VerifyError, LedgerNotInitialised) as error:
            raise CommandError(str(error)) from error

    def _init(self, **options: Any) -> None:
        key, created = ensure_key()
        path = settings.COMITY_LEDGER_KEY_FILE
        if created:
            self.stdout.write(
                f"Ledger key written to {path} (keep it secret). Verifier key:\n{key.verifier_key}"
            )
        else:
            self.stdout.write(f"The ledger key already exists at {path}. Verifier key:\n{key.verifier_key}")

    def _verify(self, url: str, key: str | None, all_proofs: bool, **options: Any) -> None:
        report = verify(url, key=key, all_proofs=all_proofs, progress=self.stderr.write)
        if not report.key_pinned:
            self.stderr.write("warning: trusting the server's own key; pass --key to pin the one you expect")
        self.stdout.write(
            f"OK: {report.tree_size} entries, root {report.root_hash}; signature verified; "
            f"{report.inclusion_checked} inclusion and {report.consistency_checked} consistency proofs verified."
        )

    def _monitor(self, url: str, state: Path, key: str | None, **options: Any) -> None:
        previous, current = monitor(url, state, key=key)
        if previous is None:
            self.stdout.write(f"Started: size {current.tree_size}, root {current.root_hash}.")
        elif previous.tree_size == current.tree_size:
            self.stdout.write(f"OK: unchanged at size {current.tree_size}.")
        else:
            self.stdout.write(f"OK: grew from {previous.tree_size} to {current.tree_size}, consistent.")

    def _check(self, **options: Any) -> None:
        result = integrity.check_local()
        self.stdout.write(
            f"OK: {result.tree_size} entries; {result.heads} signed tree heads verified and "
            "consistent with the entries."
        )
