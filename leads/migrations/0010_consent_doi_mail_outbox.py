"""DOI confirmation mails become an outbox on ConsentRecord (issue #10): `mail_sent_at` and
`mail_attempts`, a partial index for the re-scan, and its beat job.

Requests recorded before this migration are marked sent at their creation time: their mail
went out through the broker (or is lost without a trace), and the first re-scan must not
mail every visitor of the last days a second time.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F

from notifications import schedules

SCHEDULE = "Bestätigungsmails (Double-Opt-in) prüfen"


def mark_existing_requests_sent(apps, schema_editor):
    ConsentRecord = apps.get_model("leads", "ConsentRecord")
    ConsentRecord.objects.filter(action="requested", mail_sent_at__isnull=True).update(
        mail_sent_at=F("created_at")
    )


def add_schedule(apps, schema_editor):
    schedules.load(apps, names=(SCHEDULE,))


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0003_perf_person_name_idx"),
        ("leads", "0009_search_text_trgm"),
        ("notifications", "0002_default_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="consentrecord",
            name="mail_attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="Versandversuche"),
        ),
        migrations.AddField(
            model_name="consentrecord",
            name="mail_sent_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="Bestätigungsmail gesendet"
            ),
        ),
        migrations.RunPython(mark_existing_requests_sent, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="consentrecord",
            index=models.Index(
                condition=models.Q(("action", "requested"), ("mail_sent_at__isnull", True)),
                fields=["created_at"],
                name="consent_doi_mail_due_idx",
            ),
        ),
        migrations.RunPython(add_schedule, remove_schedule),
    ]
