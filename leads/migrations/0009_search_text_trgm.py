"""One trigram index over the lead's search text (leads.search.LeadSearchText) on PostgreSQL,
replacing the six per-column indexes of 0007: a query's words are matched by one GIN scan
that intersects their trigrams instead of a BitmapOr of six scans per word, and an insert
updates one GIN index instead of six (import throughput)."""

from django.db import migrations

COLUMNS = ["number", "company_name", "first_name", "last_name", "email", "city"]
OLD = [f"lead_perf_{column}_trgm_idx" for column in COLUMNS]
TEXT = " || ' ' || ".join(f'COALESCE("leads_lead"."{column}", \'\')' for column in COLUMNS)
CREATE = (
    "CREATE INDEX IF NOT EXISTS lead_search_text_trgm_idx ON leads_lead "
    f"USING gin ((UPPER(({TEXT})::text)) gin_trgm_ops)"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)
    for name in OLD:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS lead_search_text_trgm_idx")
    for column, name in zip(COLUMNS, OLD, strict=True):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON leads_lead "
            f"USING gin ((UPPER(({column})::text)) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("leads", "0008_import_phone_index")]

    operations = [migrations.RunPython(forward, backward)]
