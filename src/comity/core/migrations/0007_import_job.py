"""The import job moves from cooperation to core, which runs every kind of import (core.jobs): its
rows are kept, its table renamed from cooperation_importjob to core_importjob."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("cooperation", "0011_import_result_fields"),
        ("core", "0006_audit_actions_admin_and_dead"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("rows_total", models.PositiveIntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("interrupted", models.BooleanField(default=False)),
                        ("stored_path", models.CharField(blank=True, max_length=500)),
                        ("kind", models.CharField(max_length=32)),
                        ("file_name", models.CharField(max_length=255)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("checking", "Checking"),
                                    ("ready", "Checked, ready to import"),
                                    ("importing", "Importing"),
                                    ("done", "Imported"),
                                    ("rejected", "Rejected"),
                                    ("failed", "Failed"),
                                ],
                                default="checking",
                                max_length=16,
                            ),
                        ),
                        ("result", models.JSONField(blank=True, default=dict)),
                        ("problems", models.JSONField(blank=True, default=list)),
                        ("more_problems", models.PositiveIntegerField(default=0)),
                        (
                            "authority",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.authority",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "cooperation_importjob"},
                ),
            ],
        ),
        migrations.AlterModelTable(name="importjob", table=None),
    ]
