"""The history of an opportunity as a reader sees it, and what changed between two versions.

django-simple-history keeps one record per save; the record carries `version`, so the
conflict message of `opportunity_update` can name the changes made after the version a form
was loaded with (the same rows the detail page shows). Values are shown with labels, names,
local German dates and amounts in EUR (`ui.display`), never as codes or ids.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from contacts.models import Company, Person
from leads.models import Lead
from opportunities.models import Opportunity
from ui.display import DASH, date_text, datetime_text, money_text

# the fields a history entry lists, in the order of the detail page
FIELDS = (
    "kind",
    "title",
    "status",
    "amount",
    "expected_close",
    "company",
    "person",
    "lead",
    "owner",
    "description",
    "closed_at",
)
_RELATED = {"company": Company, "person": Person, "lead": Lead, "owner": get_user_model()}


def _names(records) -> dict[str, dict[int, str]]:
    """Names of the related rows the records point at: one query per relation, not per row."""
    names: dict[str, dict[int, str]] = {}
    for name, model in _RELATED.items():
        ids = {getattr(r, f"{name}_id") for r in records} - {None}
        if name == "lead":
            rows = model.objects.filter(pk__in=ids).only("number")
            names[name] = {row.pk: row.number for row in rows}
        else:
            names[name] = {row.pk: str(row) for row in model.objects.filter(pk__in=ids)}
    return names


def _text(name: str, record, names: dict[str, dict[int, str]]) -> str:
    field = Opportunity._meta.get_field(name)
    if name in _RELATED:
        pk = getattr(record, f"{name}_id")
        return DASH if pk is None else names[name].get(pk, DASH)
    value = getattr(record, name)
    if value is None or value == "":
        return DASH
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if name == "amount":
        return money_text(value)
    if name == "expected_close":
        return date_text(value)
    if name == "closed_at":
        return datetime_text(value)
    return str(value)


def record_changes(newer, older, names) -> list[tuple[str, str, str]]:
    """(field label, before, after) for every shown field that differs between two records."""
    if older is None:
        return []
    changes = []
    for name in FIELDS:
        attname = f"{name}_id" if name in _RELATED else name
        if getattr(newer, attname) != getattr(older, attname):
            label = str(Opportunity._meta.get_field(name).verbose_name)
            changes.append((label, _text(name, older, names), _text(name, newer, names)))
    return changes


def history_rows(opportunity: Opportunity, *, limit: int = 50) -> list[dict]:
    """The newest `limit` history entries: the record (date, user, type) and its changes."""
    records = list(
        opportunity.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    names = _names(records)
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = record_changes(newer, older, names) if newer.history_type == "~" else []
        rows.append({"record": newer, "changes": changes})
    return rows[:limit]


def changes_since(opportunity_pk: int, expected_version: int):
    """(newest record, its user, changes) made after `expected_version`; for a conflict."""
    records = list(
        Opportunity.history.filter(id=opportunity_pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:50]
    )
    newer = [r for r in records if r.version > expected_version]
    if not newer:
        return None, None, []
    base = next((r for r in records if r.version <= expected_version), None)
    names = _names([newer[0], base] if base else [newer[0]])
    return newer[0], newer[0].history_user, record_changes(newer[0], base, names)
