from django.db import migrations

from notifications import schedules

NAMES = ("Nachfass-Sequenzen: fällige Schritte", "Nachfass-Sequenzen: Aufnahme per Regel")


def load(apps, schema_editor):
    schedules.load(apps, names=NAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("sequences", "0001_initial"),
        ("notifications", "0002_default_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
