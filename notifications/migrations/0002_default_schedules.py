from django.db import migrations

from notifications import schedules


def forwards(apps, schema_editor):
    schedules.load(apps)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
