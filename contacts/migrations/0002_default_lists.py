from django.db import migrations

from contacts import defaults


def forwards(apps, schema_editor):
    defaults.load(apps)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
