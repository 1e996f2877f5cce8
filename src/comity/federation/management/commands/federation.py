import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from comity.federation import delivery, hubs, packages, selectors, services
from comity.federation.keys import KeysMissing, fingerprint
from comity.federation.trustlists import MAX_TRUST_LIST_BYTES, ListRefused

MAX_KEY_DOCUMENT_BYTES = 4 * 2**20


def _problems(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)


def _key_document(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_KEY_DOCUMENT_BYTES + 1)
    except OSError as error:
        raise CommandError(f"Cannot read {file}: {error.strerror}") from error
    if len(raw) > MAX_KEY_DOCUMENT_BYTES:
        raise CommandError(f"{file} is larger than a key document may be ({MAX_KEY_DOCUMENT_BYTES} bytes).")
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise CommandError(f"{file} is not JSON: {error}") from error
    if not isinstance(document, dict):
        raise CommandError(f"{file} is not a key document (a JSON object).")
    return document


class Command(BaseCommand):
    help = "Federation between Comity deployments (ADR 11): init, key, trust FILE, peers, send, export, import, rotate, hub-list, trust-hub FILE, trust-list FILE_OR_URL."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        init = actions.add_parser(
            "init", help="Name this deployment and make its keys (files, never the database)."
        )
        init.add_argument("--name", required=True, help="This deployment's name, e.g. pe.comity.example")
        init.add_argument("--url", required=True, help="The base URL peers reach it at")
        actions.add_parser("key", help="Print this deployment's key document as JSON, and nothing else.")
        trust = actions.add_parser(
            "trust", help="Trust a peer's key document (compare its fingerprint first)."
        )
        trust.add_argument("file", type=Path)
        actions.add_parser("peers", help="List the trusted peers.")
        hub_list = actions.add_parser(
            "hub-list", help="At a hub: sign an expiring trust list of the peers it trusts and its own key."
        )
        hub_list.add_argument("--output", required=True, type=Path, help="A new file for the signed list")
        hub_list.add_argument("--expires-in", required=True, type=int, metavar="DAYS")
        hub_list.add_argument(
            "--include",
            nargs="+",
            default=[],
            metavar="PEER",
            help="Only these peers (default: every trusted one)",
        )
        trust_hub = actions.add_parser(
            "trust-hub",
            help="Trust a hub's key document (compare its fingerprint first); its lists vouch for peers.",
        )
        trust_hub.add_argument("file", type=Path)
        trust_list = actions.add_parser(
            "trust-list", help="Apply a trust list signed by a trusted hub, from a file or its address."
        )
        trust_list.add_argument("source", metavar="FILE_OR_URL")
        actions.add_parser(
            "send", help="Deliver every queued outbound message now, once (the worker does it continuously)."
        )
        export = actions.add_parser("export", help="Write an outbound message's sealed package to a file.")
        export.add_argument("message_id")
        export.add_argument("--output", required=True, type=Path)
        load = actions.add_parser(
            "import",
            help="Receive a package from a file, as the inbox would; or record the receipt a peer signed "
            "for a package carried to it as a file, as a post would have brought it back.",
        )
        load.add_argument("file", type=Path)
        load.add_argument("--receipt", type=Path, help="Write the signed receipt to this file")
        actions.add_parser(
            "rotate", help="Make new keys; the old ones are kept, retired, for packages sealed before."
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"_{action.replace('-', '_')}")(**options)
        except (KeysMissing, services.NotFederated) as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(_problems(error)) from error

    def _init(self, name: str, url: str, **options: Any) -> None:
        deployment, created = services.deployment_init(actor=None, name=name, url=url)
        document = selectors.key_document()
        assert document is not None
        state = "Keys made" if created else "Keys already present"
        self.stderr.write(
            f"{state} for {deployment.name}. Give peers its key document (`comity federation key`)."
        )
        self.stdout.write(f"Fingerprint: {fingerprint(document)}")

    def _key(self, **options: Any) -> None:
        document = selectors.key_document()
        if document is None:
            raise CommandError(
                "This deployment has no federation identity: run `comity federation init` first."
            )
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))

    def _trust(self, file: Path, **options: Any) -> None:
        peer = services.peer_trust(actor=None, document=_key_document(file))
        self.stdout.write(
            f"Trusted {peer.name} ({peer.url}), fingerprint {peer.fingerprint}; "
            f"{peer.authorities.count()} authorities linked."
        )

    def _trust_hub(self, file: Path, **options: Any) -> None:
        hub = hubs.hub_trust(actor=None, document=_key_document(file))
        self.stdout.write(
            f"Trusted hub {hub.name} ({hub.url}), fingerprint {hub.fingerprint}: "
            "its signed trust lists can now be applied (`comity federation trust-list`)."
        )

    def _hub_list(self, output: Path, expires_in: int, include: list[str], **options: Any) -> None:
        try:
            handle = output.open("x", encoding="ascii")
        except FileExistsError as error:
            raise CommandError(f"{output} exists: give a new file name.") from error
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from error
        try:
            with handle:
                published = hubs.trust_list_publish(actor=None, expires_in_days=expires_in, include=include)
                handle.write(published.token + "\n")
        except BaseException:
            output.unlink()
            raise
        self.stdout.write(
            f"Trust list {published.sequence} written to {output}, "
            f"expires {published.expires_at:%Y-%m-%d %H:%M} UTC."
        )

    def _trust_list(self, source: str, **options: Any) -> None:
        if source.startswith(("https://", "http://")):
            try:
                token = hubs.fetch(source)
            except hubs.Unreachable as error:
                raise CommandError(f"Cannot fetch {source}: {error}") from error
        else:
            try:
                with Path(source).open("rb") as handle:
                    raw = handle.read(MAX_TRUST_LIST_BYTES + 1)
            except OSError as error:
                raise CommandError(f"Cannot read {source}: {error.strerror}") from error
            token = raw.decode("ascii", errors="replace").strip()
        try:
            applied = hubs.trust_list_apply(actor=None, token=token)
        except ListRefused as refusal:
            details = "".join(
                f"; {field}: {' '.join(problems)}" for field, problems in refusal.problems.items()
            )
            raise CommandError(
                f"Trust list refused ({refusal.reason.value}): {refusal.reason.label}{details}"
            ) from refusal
        self.stdout.write(
            f"Trust list {applied.sequence} of {applied.hub} applied (expires {applied.expires_at:%Y-%m-%d %H:%M} UTC): "
            f"{len(applied.trusted)} trusted, {len(applied.revoked)} revoked, {len(applied.skipped)} skipped."
        )
        for name in applied.revoked:
            self.stdout.write(f"Revoked {name}: no longer on the hub's list.")

    def _peers(self, **options: Any) -> None:
        found = list(selectors.peers())
        names = {peer.pk: peer.name for peer in found}
        for peer in found:
            # Where its trust comes from: a hub's list (only that hub's next list revokes it), or
            # the operator; and whether its own lists vouch for peers.
            source = f"via {names[peer.vouched_by_id]}" if peer.vouched_by_id else "direct"
            self.stdout.write(
                f"{peer.name}\t{peer.state}\t{peer.url}\t{peer.key_count} keys\t"  # type: ignore[attr-defined]
                f"{peer.authority_count} authorities\t{peer.fingerprint}\t{source}{', hub' if peer.hub else ''}"
            )

    def _rotate(self, **options: Any) -> None:
        services.deployment_rotate(actor=None)
        document = selectors.key_document()
        assert document is not None
        self.stderr.write("New keys made; give peers the new key document (`comity federation key`).")
        self.stdout.write(f"Fingerprint: {fingerprint(document)}")

    def _send(self, **options: Any) -> None:
        settled = delivery.outbox_deliver(due_only=False)
        waiting = selectors.outbox_waiting().count()
        self.stdout.write(f"{settled} settled, {waiting} waiting.")

    def _export(self, message_id: str, output: Path, **options: Any) -> None:
        message = selectors.outbound_message(message_id)
        if message is None:
            raise CommandError(f"No outbound message {message_id} here.")
        try:
            with output.open("x", encoding="ascii") as handle:
                handle.write(message.package)
        except FileExistsError as error:
            raise CommandError(f"{output} exists: give a new file name.") from error
        self.stdout.write(f"Package of {message.message_id} for {message.peer.name} written to {output}.")

    def _import(self, file: Path, receipt: Path | None, **options: Any) -> None:
        if selectors.deployment() is None:
            raise CommandError(
                "This deployment has no federation identity: run `comity federation init` first."
            )
        limit = settings.COMITY_FEDERATION_MAX_PACKAGE_BYTES
        try:
            with file.open("rb") as handle:
                package = handle.read(limit + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        if packages.is_receipt(package):  # the peer's receipt for a package we carried to it as a file
            if receipt is not None:
                raise CommandError("--receipt is for a package; this file is a receipt.")
            message, settled = delivery.receipt_import(package.strip().decode("ascii", "replace"))
            if not settled:
                self.stdout.write(f"Already settled: {message.message_id} is {message.state}")
                return
            self.stdout.write(f"Receipt recorded: {message.message_id} is {message.state}")
            return
        answer = services.inbox_receive(package.strip(), too_large=len(package) > limit)
        if receipt is not None:
            receipt.write_text(answer.receipt + "\n", encoding="ascii")
        if not answer.accepted:
            raise CommandError(f"Refused: {answer.reason}")
        self.stdout.write("DELIVERY")
