"""Index the leads' phone: the import looks up a batch's phone numbers (duplicate check,
`LeadIndex`) with `phone IN (…)`, which otherwise scans every lead once per batch."""

from django.db import migrations


def create_index(apps, schema_editor):
    schema_editor.execute("CREATE INDEX IF NOT EXISTS lead_phone_idx ON leads_lead (phone)")


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS lead_phone_idx")


class Migration(migrations.Migration):
    dependencies = [("leads", "0007_perf_search_trgm")]

    operations = [migrations.RunPython(create_index, drop_index)]
