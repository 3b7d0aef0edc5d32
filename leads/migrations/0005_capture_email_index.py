"""Index LOWER(email) of leads and persons: duplicate matching compares e-mails that way."""

from django.db import migrations

INDEXES = [
    ("lead_email_lower_idx", "leads_lead"),
    ("person_email_lower_idx", "contacts_person"),
]


def create_indexes(apps, schema_editor):
    for name, table in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} (LOWER(email))")


def drop_indexes(apps, schema_editor):
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("leads", "0004_capture_trigram")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
