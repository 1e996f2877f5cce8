"""The documented schema of a profile file is the one imports check: the JSON Schema in docs/ is
generated from guidance.schemas (regenerate it with COMITY_WRITE_SCHEMA=1 after a change)."""

import json
import os
from pathlib import Path

from comity.guidance.schemas import ProfileDocument

SCHEMA_FILE = Path(__file__).parents[4] / "docs" / "guidance-profile.schema.json"


def test_the_documented_schema_is_the_one_checked():
    generated = ProfileDocument.model_json_schema()
    generated["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    text = json.dumps(generated, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("COMITY_WRITE_SCHEMA"):
        SCHEMA_FILE.write_text(text, encoding="utf-8")
    assert SCHEMA_FILE.read_text(encoding="utf-8") == text
