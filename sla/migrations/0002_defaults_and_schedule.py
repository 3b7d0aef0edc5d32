"""The global working hours (Mon–Fri 08:00–17:00, nationwide holidays) and the beat job."""

import datetime as dt

from django.db import migrations

from notifications import schedules

SCHEDULE = "Reaktionszeiten (SLA) prüfen"


def add_defaults(apps, schema_editor):
    WorkingHours = apps.get_model("sla", "WorkingHours")
    if not WorkingHours.objects.filter(is_default=True).exists():
        WorkingHours.objects.get_or_create(
            name="Standard (Mo–Fr 8–17 Uhr)",
            defaults={"start": dt.time(8, 0), "end": dt.time(17, 0), "is_default": True},
        )
    schedules.load(apps, names=(SCHEDULE,))


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_policies"),
        ("notifications", "0002_default_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_defaults, remove_schedule)]
