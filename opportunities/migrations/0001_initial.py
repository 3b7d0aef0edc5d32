"""Opportunity moves here from the leads app: state only, the table stays `leads_opportunity`.

The table (and its activities table `leads_opportunity_activities`) is created by
`leads.0001_initial` (fresh database) or exists already; this migration only tells Django's
model state that `opportunities.Opportunity` owns it, and moves the content type so admin
log entries and permissions stay attached. `leads.0013` then removes the old model from
the leads state.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="opportunities", model="opportunity").exists():
        content_type.objects.filter(app_label="leads", model="opportunity").update(
            app_label="opportunities"
        )


def move_content_type_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="leads", model="opportunity").exists():
        content_type.objects.filter(app_label="opportunities", model="opportunity").update(
            app_label="leads"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("activities", "0001_initial"),
        ("contacts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("leads", "0012_lead_import_job_in_jobs_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Opportunity",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("inquiry", "Anfrage"), ("offer", "Angebot")],
                                max_length=10,
                                verbose_name="Art",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="Titel")),
                        (
                            "amount",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=12,
                                null=True,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="Betrag (EUR)",
                            ),
                        ),
                        (
                            "expected_close",
                            models.DateField(
                                blank=True, null=True, verbose_name="Voraussichtlicher Abschluss"
                            ),
                        ),
                        (
                            "description",
                            models.TextField(
                                blank=True, max_length=5000, verbose_name="Beschreibung"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="Angelegt am"),
                        ),
                        (
                            "activities",
                            models.ManyToManyField(
                                blank=True,
                                related_name="opportunities",
                                to="activities.activity",
                                verbose_name="Aktivitäten",
                            ),
                        ),
                        (
                            "company",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="opportunities",
                                to="contacts.company",
                                verbose_name="Firma",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "lead",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="opportunities",
                                to="leads.lead",
                                verbose_name="Lead",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="opportunities",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="Zuständig",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="opportunities",
                                to="contacts.person",
                                verbose_name="Ansprechpartner",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Verkaufschance",
                        "verbose_name_plural": "Verkaufschancen",
                        "ordering": ["-created_at"],
                        "db_table": "leads_opportunity",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back, elidable=True),
    ]
