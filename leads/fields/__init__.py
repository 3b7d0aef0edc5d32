"""The lead's field catalogue: every field of `Lead`, once, with every place that uses it.

Before, one lead field sat in eight to ten hand-kept lists (mask, list columns, import,
web form, merge, export, GDPR export, erasure, admin) that drifted apart. Each row of
`CATALOGUE` now says for one model field where it appears; the screens, the import, the
web form, the merge, the exports and the admin ask the helpers below for their fields
(tests/leads/test_field_catalogue.py fails when a model field has no row, and when a
consumer's list differs from the catalogue's selection).

Order: the catalogue's own order is the mask's and the admin fieldsets' (section by
section). Consumers that show the fields in another order (export columns, import targets,
merge rows, GDPR keys, list columns, admin changelist) carry a position `at`, so that their
order stays what users and spreadsheets know.

Lengths: import and web form check the model's `max_length` (read from the field, or from
the related list's name for a relation) unless the row names an input length, for input
that is parsed before it is stored (a phone number in any notation, a country name).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models

from leads.fields.catalogue import CATALOGUE
from leads.fields.specs import (
    ADMIN_SECTIONS,
    MERGE_PICK,
    SECTIONS,
    LeadField,
    ListColumn,
    Section,
)
from leads.models import Lead

BY_NAME = {f.name: f for f in CATALOGUE}


def model_field_names() -> list[str]:
    """The names of Lead's own fields (concrete columns and many-to-many), which the
    catalogue must all classify; reverse relations belong to the other models."""
    return [
        f.name
        for f in Lead._meta.get_fields()
        if not f.auto_created or getattr(f, "primary_key", False)
    ]


def _ordered(attr: str) -> list[LeadField]:
    chosen = [f for f in CATALOGUE if getattr(f, attr) is not None]
    return sorted(chosen, key=lambda f: getattr(f, attr).at)


def fields_for(use: str) -> list[LeadField]:
    """The catalogue rows one consumer uses, in that consumer's order."""
    if use == "mask":
        return [f for f in CATALOGUE if f.mask]
    if use == "personal":
        return [f for f in CATALOGUE if f.personal]
    if use == "capture":
        return [f for f in CATALOGUE if f.capture is not None]
    if use == "merge":
        return [f for f in _ordered("merge") if f.merge.how == MERGE_PICK]
    return _ordered(use)


# --- the helpers each consumer calls -------------------------------------------------------


def mask_fields() -> tuple[str, ...]:
    """The mask form's model fields in mask order; interests (many-to-many), contacts and
    the business card (re-encoded upload) are form fields of their own."""
    return tuple(
        f.name
        for f in fields_for("mask")
        if not f.model_field.many_to_many and not isinstance(f.model_field, models.FileField)
    )


def mask_sections() -> list[tuple[Section, list[str]]]:
    """(card, field names) of the mask, in the mask's card order."""
    return [
        (section, [f.name for f in CATALOGUE if f.shown_on_mask_section is section])
        for section in SECTIONS
    ]


def _input_length(name: str, explicit: int | None) -> int:
    if explicit is not None:
        return explicit
    field = Lead._meta.get_field(name)
    if field.is_relation:
        target = field.related_model
        lookup = target.USERNAME_FIELD if target is get_user_model() else "name"
        return target._meta.get_field(lookup).max_length
    return field.max_length


def import_columns() -> dict[str, tuple[Any, int, tuple[str, ...]]]:
    """Import targets: field -> (label, max length, header aliases), in the mapping order."""
    return {
        f.name: (
            f.imports.label or f.label,
            _input_length(f.name, f.imports.input_length),
            f.imports.aliases,
        )
        for f in fields_for("imports")
    }


def capture_fields(*, hidden: bool | None = None) -> tuple[str, ...]:
    """Fields the web form fills: typed in by the visitor (hidden=False), carried from the
    embedding page (hidden=True), or both (None)."""
    return tuple(
        f.name for f in fields_for("capture") if hidden is None or f.capture.hidden is hidden
    )


def capture_max_length(name: str) -> int:
    return _input_length(name, BY_NAME[name].capture.input_length)


def merge_fields() -> tuple[str, ...]:
    """Fields whose surviving value the user picks when merging, in the form's order."""
    return tuple(f.name for f in fields_for("merge"))


def merge_relations() -> tuple[str, ...]:
    """What the merge form joins to show the picked values (plus the status)."""
    return ("status", *(f.name for f in fields_for("merge") if f.model_field.many_to_one))


def export_columns() -> list[tuple[Any, str]]:
    """(header, field name) of the CSV/XLSX export."""
    return [(f.export.header or f.label, f.name) for f in fields_for("export")]


def gdpr_fields() -> list[tuple[str, str]]:
    """(German key, field name) of the lead part of the GDPR export."""
    return [(f.gdpr.key, f.name) for f in fields_for("gdpr")]


def personal_fields() -> tuple[str, ...]:
    """Fields cleared when a lead is anonymised (erasure on request and retention)."""
    return tuple(f.name for f in fields_for("personal"))


def list_columns() -> list[tuple[LeadField, ListColumn]]:
    return [(f, f.column) for f in fields_for("column")]


def admin_fieldsets(*, form_fields: dict[str, str] | None = None) -> tuple:
    """The Lead admin's fieldsets: sections in admin order, neighbours with one row tag
    on one line, display methods where the field itself is not shown. `form_fields` puts
    a field of the admin form that is no model field (the hidden expected version) on the
    line after the named catalogue field."""
    after = form_fields or {}
    fieldsets = []
    for section in ADMIN_SECTIONS:
        lines: list = []
        last_row = None
        for f in CATALOGUE:
            if f.section is not section or not f.admin:
                continue
            name = f.admin_name or f.name
            if f.row and f.row == last_row:
                lines[-1] = (
                    (*lines[-1], name) if isinstance(lines[-1], tuple) else (lines[-1], name)
                )
            else:
                lines.append(name)
            last_row = f.row or None
            if f.name in after:
                lines.append(after[f.name])
                last_row = None
        options: dict[str, Any] = {"fields": tuple(lines)}
        if section.collapsed:
            options = {"classes": ("collapse",), **options}
        fieldsets.append((section.label, options))
    return tuple(fieldsets)


def admin_list_display() -> tuple[str, ...]:
    return tuple(f.admin_list.display or f.name for f in fields_for("admin_list"))


def admin_list_relations() -> tuple[str, ...]:
    return tuple(f.name for f in fields_for("admin_list") if f.model_field.many_to_one)


def admin_search_fields() -> tuple[str, ...]:
    return tuple(f"{f.admin_search}{f.name}" for f in CATALOGUE if f.admin_search is not None)


def admin_list_filter() -> tuple[str, ...]:
    return tuple(f.name for f in CATALOGUE if f.admin_filter)
