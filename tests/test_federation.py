"""Federation between deployments run as an operator runs them: their own processes and databases."""

import json
import os

from comity.federation.keys import fingerprint
from tests.servers import run_comity


def test_a_deployment_keeps_its_keys_in_the_folder_of_its_sqlite_file(tmp_path, database_url):
    env = os.environ | {"DATABASE_URL": database_url}
    for name in ("COMITY_FEDERATION_SIGNING_KEY_FILE", "COMITY_FEDERATION_ENCRYPTION_KEY_FILE"):
        env.pop(name, None)
    if not database_url.startswith("sqlite"):
        env["COMITY_DATA_DIR"] = str(tmp_path)
    run_comity(env, "migrate", "--no-input")
    printed = run_comity(env, "federation", "init", "--name", "b.test", "--url", "http://127.0.0.1:9")
    assert (tmp_path / "federation" / "signing.pem").exists()
    assert (tmp_path / "federation" / "encryption.pem").exists()
    document = json.loads(run_comity(env, "federation", "key").stdout)
    assert printed.stdout.strip() == f"Fingerprint: {fingerprint(document)}"
