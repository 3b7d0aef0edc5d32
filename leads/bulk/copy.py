"""Fast inserts for bulk creation on PostgreSQL: COPY with ids reserved from the sequence.

`QuerySet.bulk_create` prepares every value through the field (≈ 2–3 µs a value in
Python) – for a lead (55 columns) plus its history row that is most of an import's time.
COPY takes rows of plain Python values; the ids come from the table's sequence first
(one `nextval` query for the whole batch), so the caller knows them before the insert,
as it would after `bulk_create`. Values of simple types (str, int, bool, dates, None)
go to the database as they are; everything else (JSON, phone numbers, countries, files,
decimals …) through the field's own `get_db_prep_save`, so the stored values are the
same as with `bulk_create`. Signals are not sent (neither does `bulk_create`).

Only for PostgreSQL (`available()`); other databases use `bulk_create`.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import phonenumbers
from django.conf import settings
from django.db import connection, models
from phonenumber_field.phonenumber import PhoneNumber

_SIMPLE = frozenset({str, int, bool, float, type(None), dt.datetime, dt.date, dt.time})


def available() -> bool:
    return connection.vendor == "postgresql"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys of `model` from its sequence, ascending."""
    if count <= 0:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def reserve_ids_many(requests: Sequence[tuple[type[models.Model], int]]) -> list[list[int]]:
    """`reserve_ids` for several models in one query: [(model, count), …] -> id lists."""
    parts, params = [], []
    for model, count in requests:
        parts.append(
            "ARRAY(SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s))"
        )
        params += [model._meta.db_table, model._meta.pk.column, max(count, 0)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)  # noqa: S608 - constant SQL
        row = cursor.fetchone()
    return [sorted(ids) for ids in row]


def db_value(field: models.Field, value: Any) -> Any:
    """The value as COPY wants it: simple types as they are, the rest prepared by the field."""
    if type(value) in _SIMPLE and not isinstance(field, models.JSONField):
        return value
    if isinstance(value, PhoneNumber) and _db_format() == "E164":
        # PhoneNumberField stores E.164 when the number is valid, else the raw input; when
        # both are the same string the (slow) validity check cannot change the answer
        raw = value.raw_input
        if raw and value.format_as(phonenumbers.PhoneNumberFormat.E164) == raw:
            return raw
    return field.get_db_prep_save(value, connection)


def _db_format() -> str:
    return getattr(settings, "PHONENUMBER_DB_FORMAT", "E164")


def row_maker(fields: Sequence[models.Field]) -> Callable[[models.Model], list[Any]]:
    """A function giving an instance's values of `fields` as COPY wants them (one C-level
    attribute fetch for all fields, the field's preparation only where needed)."""
    fields = list(fields)
    if not fields:
        return lambda obj: []
    names = [f.attname for f in fields]
    # the raw values from the instance's __dict__ (what the descriptors stored: a country
    # code rather than a Country, a file name rather than a FieldFile); attributes when
    # one is missing there
    raw = operator.itemgetter(*names)
    attributes = operator.attrgetter(*names)
    if len(fields) == 1:
        raw_one, attribute_one = raw, attributes
        raw = lambda d: (raw_one(d),)  # noqa: E731
        attributes = lambda obj: (attribute_one(obj),)  # noqa: E731

    def getter(obj: models.Model) -> tuple:
        try:
            return raw(obj.__dict__)
        except KeyError:
            return attributes(obj)

    json_fields = {i for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
    dumped: dict[int, tuple[Any, str]] = {}  # id(value) -> (value, JSON text)

    def as_json(field: models.JSONField, value: Any) -> Any:
        if value is None:
            return None
        # one object shared by many rows (a score breakdown) is encoded once
        hit = dumped.get(id(value))
        if hit is None or hit[0] is not value:
            hit = dumped[id(value)] = (value, json.dumps(value, cls=field.encoder))
        return hit[1]

    def make(obj: models.Model) -> list[Any]:
        values = list(getter(obj))
        for i, value in enumerate(values):
            if i in json_fields:
                values[i] = as_json(fields[i], value)
            elif type(value) not in _SIMPLE:
                values[i] = db_value(fields[i], value)
        return values

    return make


def row_values(obj: models.Model, fields: Sequence[models.Field]) -> list[Any]:
    return row_maker(fields)(obj)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY `rows` (tuples in `columns` order) into `table` in the current transaction."""
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(quote(table), ", ".join(quote(c) for c in columns))
    connection.ensure_connection()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def copy_models(objs: Sequence[models.Model]) -> list[list[Any]]:
    """Insert unsaved instances of one model like `bulk_create` does on PostgreSQL: ids are
    set on the objects (reserved first), `auto_now`/`auto_now_add` fields filled, the
    instances marked as saved. Returns the rows written (values in `concrete_fields`
    order), for callers that write derived rows (history) from the same values."""
    if not objs:
        return []
    model = type(objs[0])
    meta = model._meta
    fields = list(meta.concrete_fields)
    without_pk = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(without_pk, reserve_ids(model, len(without_pk)), strict=True):
        obj.pk = pk
    auto = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj in objs:
        for field in auto:
            field.pre_save(obj, add=True)
    make = row_maker(fields)
    rows: list[list[Any]] = []

    def produce():
        # made while the server already stores the rows sent before (COPY streams)
        for obj in objs:
            row = make(obj)
            rows.append(row)
            yield row

    copy_rows(meta.db_table, [f.column for f in fields], produce())
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return rows
