from django.db import migrations

from accounts import roles


def forwards(apps, schema_editor):
    roles.sync(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("contacts", "0001_initial"), ("leads", "0001_initial"), ("activities", "0001_initial"), ("notifications", "0001_initial"), ("boards", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
