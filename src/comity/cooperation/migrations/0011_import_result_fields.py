"""Asset-case import jobs said `cases_created` and `cases_unchanged` where every import now says
`created` and `unchanged` (core.imports.ImportResult): their pages read the new names."""

from typing import Any

from django.db import migrations

RENAMED = {"cases_created": "created", "cases_unchanged": "unchanged"}


def _rename(apps: Any, names: dict[str, str]) -> None:
    jobs = apps.get_model("cooperation", "ImportJob")
    for job in jobs.objects.filter(kind="asset-cases").only("pk", "result"):
        if any(old in job.result for old in names):
            job.result = {names.get(key, key): value for key, value in job.result.items()}
            job.save(update_fields=["result"])


def forwards(apps: Any, schema_editor: Any) -> None:
    _rename(apps, RENAMED)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0010_import_job_kind"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
