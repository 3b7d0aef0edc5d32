"""Helpers of bench.generate: COPY column defaults, index drop/recreate, sequence reset."""

from __future__ import annotations

import datetime as dt
import json

from django.db.models import NOT_PROVIDED


def _text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def constant_columns(model, given: set[str]) -> tuple[list[str], list[str]]:
    """The columns of `model` not in `given`, each with one constant text value.

    The field default where there is one, NULL where allowed, "" for blank strings, now()
    for auto_now(_add): new fields added by other areas keep the generator working.
    """
    from django.utils import timezone

    now = timezone.now()
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.default is not NOT_PROVIDED:
            value = field.get_default()
            if hasattr(value, "pk"):
                value = value.pk
        elif field.null:
            value = None
        else:
            value = ""
        columns.append(field.column)
        values.append(_text(value))
    return columns, values


def drop_secondary_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the indexes of `tables` that back no constraint; return their CREATE statements."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef
        FROM pg_indexes i
        JOIN pg_class c ON c.relname = i.indexname
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
        """,
        [tables],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def reset_sequences(cursor, models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        cursor.execute(sql)


class Spool:
    """Rows of a second table collected while another COPY is open (one COPY at a time)."""

    def __init__(self, model, columns: list[str]):
        self.model = model
        given = list(columns)
        rest, values = constant_columns(model, set(given))
        self.columns = given + rest
        self.suffix = ("\t" + "\t".join(values)) if values else ""
        self.chunks: list[str] = []
        self.buffer: list[str] = []
        self.rows = 0

    def row(self, values) -> None:
        self.buffer.append("\t".join(values) + self.suffix)
        if len(self.buffer) >= 20000:
            self._pack()

    def _pack(self) -> None:
        if self.buffer:
            self.chunks.append("\n".join(self.buffer) + "\n")
            self.rows += len(self.buffer)
            self.buffer = []

    def copy_to(self, cursor) -> int:
        self._pack()
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with cursor.copy(f"COPY {self.model._meta.db_table} ({cols}) FROM STDIN") as copy:
            for chunk in self.chunks:
                copy.write(chunk.encode())
        self.chunks = []
        return self.rows


def _esc(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return value


class Copier:
    """COPY rows of one model: the caller gives some columns, the rest get the field default."""

    def __init__(self, cursor, model, columns: list[str]):
        self.cursor = cursor
        self.table = model._meta.db_table
        rest, values = constant_columns(model, set(columns))
        self.columns = columns + rest
        self.suffix = ("\t" + "\t".join(values)) if values else ""
        self.rows = 0

    def __enter__(self):
        cols = ", ".join(f'"{c}"' for c in self.columns)
        self._ctx = self.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN")
        self.copy = self._ctx.__enter__()
        self.buffer: list[str] = []
        return self

    def row(self, values) -> None:
        self.buffer.append("\t".join(values) + self.suffix)
        if len(self.buffer) >= 20000:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.copy.write(("\n".join(self.buffer) + "\n").encode())
            self.rows += len(self.buffer)
            self.buffer = []

    def __exit__(self, *exc):
        if exc[0] is None:
            self.flush()
        return self._ctx.__exit__(*exc)


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S+00")
