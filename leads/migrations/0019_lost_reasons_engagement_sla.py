"""Lost reasons (Verlustgründe, with the defaults of issue #17), the engagement score and
the response-SLA columns.

The engagement sort gets its index like the fit score (0006): PostgreSQL only.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DEFAULT_LOST_REASONS = (
    "Kein Bedarf",
    "Kein Budget",
    "Wettbewerber",
    "Nicht erreichbar",
    "Falscher Ansprechpartner",
    "Dublette",
    "Sonstiges",
)

ENGAGEMENT_INDEX = (
    "CREATE INDEX IF NOT EXISTS lead_perf_engagement_idx ON leads_lead "
    "(engagement_score DESC NULLS LAST, id DESC)"
)


def add_defaults(apps, schema_editor):
    LostReason = apps.get_model("leads", "LostReason")
    for rank, name in enumerate(DEFAULT_LOST_REASONS, start=1):
        LostReason.objects.get_or_create(name=name, defaults={"rank": rank * 10})


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ENGAGEMENT_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS lead_perf_engagement_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0006_activity_date_range"),
        ("contacts", "0003_perf_person_name_idx"),
        ("leads", "0018_company_sort_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LostReason",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80, unique=True, verbose_name="Name")),
                ("rank", models.PositiveSmallIntegerField(default=0, verbose_name="Rang")),
                ("active", models.BooleanField(default=True, verbose_name="Aktiv")),
            ],
            options={
                "verbose_name": "Verlustgrund",
                "verbose_name_plural": "Verlustgründe",
                "ordering": ["rank", "name"],
            },
        ),
        migrations.AddField(
            model_name="historicallead",
            name="lost_note",
            field=models.TextField(blank=True, max_length=2000, verbose_name="Notiz zum Verlust"),
        ),
        migrations.AddField(
            model_name="lead",
            name="engagement_breakdown",
            field=models.JSONField(
                blank=True, default=list, verbose_name="Engagement-Aufschlüsselung"
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="engagement_score",
            field=models.PositiveSmallIntegerField(
                default=0,
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="Engagement-Score",
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="first_response_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="Erste Reaktion am"),
        ),
        migrations.AddField(
            model_name="lead",
            name="lost_note",
            field=models.TextField(blank=True, max_length=2000, verbose_name="Notiz zum Verlust"),
        ),
        migrations.AddField(
            model_name="lead",
            name="response_breached_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="SLA verletzt am"),
        ),
        migrations.AddField(
            model_name="lead",
            name="response_due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="Reaktion fällig bis"),
        ),
        migrations.AddField(
            model_name="historicallead",
            name="lost_reason",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="leads.lostreason",
                verbose_name="Verlustgrund",
            ),
        ),
        migrations.AddField(
            model_name="lead",
            name="lost_reason",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="leads",
                to="leads.lostreason",
                verbose_name="Verlustgrund",
            ),
        ),
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(
                condition=models.Q(
                    ("first_response_at__isnull", True), ("response_due_at__isnull", False)
                ),
                fields=["response_due_at"],
                name="lead_response_due_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="lead",
            constraint=models.CheckConstraint(
                condition=models.Q(("engagement_score__lte", 100)),
                name="lead_engagement_score_range",
            ),
        ),
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
