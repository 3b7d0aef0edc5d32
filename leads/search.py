"""The lead list's text search: one search text per lead, one trigram index on PostgreSQL.

Each word of the query must occur in the lead's number, company, first or last name, e-mail
or city. Instead of OR-ing `icontains` over six columns (six index scans per word, merged by
a BitmapOr), the columns are joined into one text – `LeadSearchText()` – and every word is
an `icontains` on it. Migration 0009 indexes exactly `UPPER((<that text>)::text)` with
gin_trgm_ops, so all words of a query are answered by ONE GIN index scan that intersects
their trigrams (1M leads, two words: 84 ms → see bench/results/NOTES.md). SQLite runs the
same expression as a plain scan (correct, small data).
"""

from __future__ import annotations

from django.db.models import F, Func, QuerySet, TextField

# order and SQL must match the index in leads/migrations/0009_search_text_trgm.py
SEARCH_COLUMNS = ("number", "company_name", "first_name", "last_name", "email", "city")
MAX_WORDS = 8


class LeadSearchText(Func):
    """COALESCE(number, '') || ' ' || COALESCE(company_name, '') || ' ' || … (no params, so
    the SQL is byte-for-byte the indexed expression whatever the driver's binding)."""

    output_field = TextField()

    def __init__(self):
        super().__init__(*[F(column) for column in SEARCH_COLUMNS])

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, sql_params = compiler.compile(expression)
            parts.append(f"COALESCE({sql}, '')")
            params.extend(sql_params)
        return "(" + " || ' ' || ".join(parts) + ")", params


def search_leads(queryset: QuerySet, text: str) -> QuerySet:
    """Leads whose search text contains every word of `text` (case-insensitive)."""
    words = text.split()[:MAX_WORDS]
    if not words:
        return queryset
    queryset = queryset.alias(search_text=LeadSearchText())
    for word in words:
        queryset = queryset.filter(search_text__icontains=word)
    return queryset
