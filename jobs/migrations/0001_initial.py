"""Job moves here from the notifications app: state only, the table stays `notifications_job`.

The table is created by `notifications.0001_initial` (fresh database) or exists already;
this migration only tells Django's model state that `jobs.Job` owns it. The foreign keys
to it are re-pointed (state only) by `leads.0012`, then `notifications.0003` removes the old
model from the state.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("notifications", "0002_default_schedules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Job",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(max_length=40, verbose_name="Art")),
                        ("title", models.CharField(max_length=200, verbose_name="Titel")),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("pending", "Wartet"),
                                    ("running", "Läuft"),
                                    ("done", "Fertig"),
                                    ("failed", "Fehlgeschlagen"),
                                    ("cancelled", "Abgebrochen"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="Zustand",
                            ),
                        ),
                        (
                            "params",
                            models.JSONField(blank=True, default=dict, verbose_name="Parameter"),
                        ),
                        ("total", models.PositiveIntegerField(default=0, verbose_name="Gesamt")),
                        ("done", models.PositiveIntegerField(default=0, verbose_name="Erledigt")),
                        (
                            "result",
                            models.JSONField(blank=True, default=dict, verbose_name="Ergebnis"),
                        ),
                        ("error", models.TextField(blank=True, verbose_name="Fehler")),
                        (
                            "cancel_requested",
                            models.BooleanField(default=False, verbose_name="Abbruch angefordert"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="Gestartet am"),
                        ),
                        (
                            "finished_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="Beendet am"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="jobs",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="Gestartet von",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Hintergrundauftrag",
                        "verbose_name_plural": "Hintergrundaufträge",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "notifications_job",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
