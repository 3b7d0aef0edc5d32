"""Performance indexes of the lead screens at a million leads (PostgreSQL only).

Measured with `make bench` (bench/results/): each index matches one ORDER BY of the keyset
pages exactly, including NULLS LAST (a plain DESC index is NULLS FIRST and cannot serve
`ORDER BY created_at DESC NULLS LAST, id DESC`), so a page reads 26 index entries instead
of sorting the table. Raw SQL without model state: the models stay untouched and
makemigrations stays quiet. SQLite (tests, small data) needs none of them.
"""

from django.db import migrations

INDEXES = [
    # list default order and its last page (keyset, both directions)
    (
        "lead_perf_created_idx",
        "CREATE INDEX IF NOT EXISTS lead_perf_created_idx ON leads_lead "
        "(created_at DESC NULLS LAST, id DESC)",
    ),
    # list sorted by score
    (
        "lead_perf_score_idx",
        "CREATE INDEX IF NOT EXISTS lead_perf_score_idx ON leads_lead "
        "(score DESC NULLS LAST, id DESC)",
    ),
    # list filtered by owner (+ status) in the default order
    (
        "lead_perf_owner_status_idx",
        "CREATE INDEX IF NOT EXISTS lead_perf_owner_status_idx ON leads_lead "
        "(follow_up_by_id, status_id, created_at DESC NULLS LAST, id DESC)",
    ),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("leads", "0005_capture_email_index")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
