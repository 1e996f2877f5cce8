from django.db import migrations


def create_state(apps, schema_editor):
    apps.get_model("ledger", "LedgerState").objects.get_or_create(id=1)


class Migration(migrations.Migration):
    """The lock row exists from the start, so the first two appends cannot both create it."""

    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(create_state, migrations.RunPython.noop)]
