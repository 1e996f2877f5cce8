"""The import job is core's now (core 0007 keeps its rows and renames its table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0011_import_result_fields"),
        ("core", "0007_import_job"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ImportJob")]),
    ]
