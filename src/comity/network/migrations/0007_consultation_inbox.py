"""Each participant's row carries its consultation's last activity and closing, in the index the
inbox is read from (see models.ConsultationParticipant)."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def copy_from_consultations(apps, schema_editor) -> None:
    Consultation = apps.get_model("network", "Consultation")
    ConsultationParticipant = apps.get_model("network", "ConsultationParticipant")
    own = Consultation.objects.filter(pk=OuterRef("consultation_id"))
    ConsultationParticipant.objects.update(
        last_activity_at=Subquery(own.values("last_activity_at")[:1]),
        closed=Exists(own.filter(closed_at__isnull=False)),
    )


class Migration(migrations.Migration):
    dependencies = [("network", "0006_meeting_consultations")]

    operations = [
        migrations.AddField(
            model_name="consultationparticipant",
            name="last_activity_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="consultationparticipant",
            name="closed",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(copy_from_consultations, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="consultationparticipant",
            name="last_activity_at",
            field=models.DateTimeField(),
        ),
        migrations.AddIndex(
            model_name="consultationparticipant",
            index=models.Index(
                fields=["authority", "closed", "last_activity_at", "id"], name="consultation_inbox_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="consultationparticipant",
            index=models.Index(
                fields=["authority", "last_activity_at", "id"], name="consultation_inbox_all_idx"
            ),
        ),
    ]
