"""Assets imported before the import wrote through assets.services lack the day they were
identified and, where their confiscation named one, the proceeding their steps give (the figures
compensated for both). Give them what the services give an asset: the first dated step's day (else
the day the case was opened) and the last confiscation's proceeding."""

from django.db import migrations
from django.db.models import Min


def backfill(apps, schema_editor):
    Asset = apps.get_model("assets", "Asset")
    AssetStep = apps.get_model("assets", "AssetStep")
    unidentified = Asset.objects.filter(identified_on__isnull=True).annotate(first=Min("steps__on"))
    for asset in unidentified.select_related("case").iterator(chunk_size=2000):
        asset.identified_on = asset.first or asset.case.created_at.date()
        asset.save(update_fields=["identified_on"])
    blank = Asset.objects.filter(proceeding="")
    for step in (
        AssetStep.objects.filter(asset__in=blank, kind="confiscated")
        .exclude(proceeding="")
        .order_by("asset_id", "pk")
        .values("asset_id", "proceeding")
        .iterator(chunk_size=2000)
    ):
        Asset.objects.filter(pk=step["asset_id"]).update(proceeding=step["proceeding"])


class Migration(migrations.Migration):
    dependencies = [("assets", "0003_provisional_rates")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
