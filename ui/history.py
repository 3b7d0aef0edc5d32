"""History entries as a reader sees them: what changed between two historical records.

One reading of django-simple-history records for every model with a history (lead,
company, person, opportunity): the changed fields with their labels, related rows by name
(one query per relation for a whole page of records, never one per entry), choices by
label, dates local and formatted, everything else through `ui.display.value_text`.
Imports no app: it works on any model's `_meta`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.db import models

from ui.display import DASH, value_text

# bookkeeping columns a reader does not need to see as a change
SKIPPED = frozenset({"id", "version", "created_at", "updated_at", "created_by", "updated_by"})
Formatter = Callable[[object], str]


def shown_fields(model: type[models.Model], only: Sequence[str] | None = None) -> list:
    """The concrete fields a history entry lists (in `only`'s order when given)."""
    if only is not None:
        return [model._meta.get_field(name) for name in only]
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED]


def related_names(records: Iterable, fields: Sequence) -> dict[str, dict[object, str]]:
    """attname → {pk: str(row)} for the foreign keys the records point at."""
    records = list(records)
    names: dict[str, dict[object, str]] = {}
    for field in fields:
        if not field.many_to_one:
            continue
        ids = {getattr(r, field.attname) for r in records} - {None}
        rows = field.related_model._default_manager.filter(pk__in=ids) if ids else []
        names[field.attname] = {row.pk: str(row) for row in rows}
    return names


def field_text(field, value, names: dict, formatters: dict[str, Formatter] | None = None) -> str:
    """One stored value of `field` as text: a related row by name, a choice by label."""
    if value is None or value == "":
        return DASH
    if formatters and field.name in formatters:
        return formatters[field.name](value)
    if field.many_to_one:
        return names.get(field.attname, {}).get(value, DASH)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return value_text(value)


def record_changes(newer, older, fields, names, formatters=None) -> list[tuple[str, str, str]]:
    """(label, before, after) for every listed field that differs between two records."""
    if older is None:
        return []
    changes = []
    for field in fields:
        before, after = getattr(older, field.attname), getattr(newer, field.attname)
        if before != after:
            changes.append(
                (
                    str(field.verbose_name),
                    field_text(field, before, names, formatters),
                    field_text(field, after, names, formatters),
                )
            )
    return changes


def history_rows(
    history_manager,
    model: type[models.Model],
    *,
    limit: int = 50,
    only: Sequence[str] | None = None,
    formatters: dict[str, Formatter] | None = None,
) -> list[dict]:
    """The newest `limit` entries of a history manager (`obj.history`): the record (date,
    user, type) and its changes against the record before it."""
    records = list(
        history_manager.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    fields = shown_fields(model, only)
    names = related_names(records, fields)
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = (
            record_changes(newer, older, fields, names, formatters)
            if newer.history_type == "~"
            else []
        )
        rows.append(
            {
                "record": newer,
                "changes": changes,
                "via_api": token_of_reason(newer.history_change_reason),
            }
        )
    return rows[:limit]


# A record written through the API names its token in the change reason: `…api=<name>`
# (set by accounts.channel for every history, after the lead's version tag).
API_REASON = "api="


def token_of_reason(reason: str | None) -> str:
    """The API token named in a historical record's change reason ("" for the UI)."""
    reason = reason or ""
    return reason.split(API_REASON, 1)[1] if API_REASON in reason else ""
