from django.db import migrations

from notifications import schedules


def add_job_rescan(apps, schema_editor):
    schedules.load(apps, names=("Hintergrundaufträge prüfen",))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_webhook_disabled_kind"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_job_rescan, migrations.RunPython.noop)]
