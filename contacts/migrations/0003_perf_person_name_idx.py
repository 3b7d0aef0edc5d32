"""Person lists in their default order (last name, first name, id) from one index (PostgreSQL).

Dynamic selections, the person list and Find page persons in this order with OFFSET
paging; with only `last_name` indexed PostgreSQL sorted every name group (incremental
sort, 80-180 ms at 500,000 persons, bench/results/). Raw SQL, no model state change.
"""

from django.db import migrations

SQL = (
    "CREATE INDEX IF NOT EXISTS person_perf_name_idx ON contacts_person (last_name, first_name, id)"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_perf_name_idx")


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_default_lists")]

    operations = [migrations.RunPython(create_index, drop_index)]
