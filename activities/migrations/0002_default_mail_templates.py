from django.db import migrations

from activities import defaults


def forwards(apps, schema_editor):
    defaults.load(apps)


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
