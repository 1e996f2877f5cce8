"""A consultation keeps its conversation id between deployments, and a message posted at a peer
its origin, recorded once (ADR 11)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_coordinator_role"),
        ("network", "0007_consultation_inbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="consultation",
            name="conversation_id",
            field=models.UUIDField(
                blank=True, editable=False, null=True, unique=True, verbose_name="conversation id"
            ),
        ),
        migrations.AddField(
            model_name="consultationmessage",
            name="origin_deployment",
            field=models.CharField(
                blank=True, db_default="", max_length=100, verbose_name="deployment of origin"
            ),
        ),
        migrations.AddField(
            model_name="consultationmessage",
            name="origin_message_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="consultationmessage",
            constraint=models.UniqueConstraint(
                condition=models.Q(("origin_message_id__isnull", False)),
                fields=("consultation", "origin_deployment", "origin_message_id"),
                name="consultation_message_origin_once",
                violation_error_message="This message of the peer deployment is already recorded.",
            ),
        ),
    ]
