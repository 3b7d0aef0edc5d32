"""Trigram indexes for the lead list's text search, and the board count index (PostgreSQL).

The list's search (`LeadFilter.filter_text`) ORs `icontains` over six columns, which Django
writes as `UPPER(col::text) LIKE UPPER('%word%')`; a GIN index on exactly that expression
with gin_trgm_ops turns each word into a BitmapOr of index scans instead of a scan of a
million rows (6 s → see bench/results/). SQLite keeps the plain LIKE scan (correct, small).
"""

from django.db import migrations

COLUMNS = ["number", "company_name", "first_name", "last_name", "email", "city"]


def _name(column: str) -> str:
    return f"lead_perf_{column}_trgm_idx"


# The board's column counts: one grouped COUNT(id) over the leads not merged; with this
# partial index it is an index-only scan (no heap visits): 790 → 245 ms at 1M leads.
BOARD_COUNT_SQL = (
    "CREATE INDEX IF NOT EXISTS lead_perf_board_count_idx ON leads_lead (status_id, id) "
    "WHERE merged_into_id IS NULL"
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BOARD_COUNT_SQL)
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_name(column)} ON leads_lead "
            f"USING gin ((UPPER(({column})::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS lead_perf_board_count_idx")
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(column)}")


class Migration(migrations.Migration):
    dependencies = [("leads", "0006_perf_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
