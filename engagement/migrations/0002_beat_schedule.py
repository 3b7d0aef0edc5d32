from django.db import migrations

from notifications import schedules

SCHEDULE = "Engagement-Score berechnen"


def add_schedule(apps, schema_editor):
    schedules.load(apps, names=(SCHEDULE,))


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0001_engagement_settings_events"),
        ("notifications", "0002_default_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
