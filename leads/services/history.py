"""History of a lead: version tags on historical records, readable changes, conflicts.

Every lead write bumps `Lead.version` and tags its historical record with the version in
`history_change_reason`, so a conflict can tell which changes the other user made.
"""

from __future__ import annotations

from leads.errors import ConflictError
from leads.models import Lead
from ui.display import value_text

VERSION_TAG = "v="

# --- helpers -------------------------------------------------------------------------


def tag_version(lead: Lead, user) -> None:
    lead._change_reason = f"{VERSION_TAG}{lead.version}"
    if user is not None and getattr(user, "is_authenticated", False):
        lead._history_user = user


def _version_of(record) -> int | None:
    reason = record.history_change_reason or ""
    if reason.startswith(VERSION_TAG):
        try:
            return int(reason[len(VERSION_TAG) :])
        except ValueError:
            return None
    return None


def history_changes(new_record, old_record) -> list[tuple[str, str, str]]:
    """(verbose name, old, new) between two historical records of a lead."""
    if old_record is None:
        return []
    delta = new_record.diff_against(old_record)
    changes = []
    for change in delta.changes:
        try:
            model_field = Lead._meta.get_field(change.field)
        except LookupError:
            continue
        old, new = change.old, change.new
        if model_field.many_to_many:
            ids_old = {row[model_field.m2m_reverse_field_name()] for row in old or []}
            ids_new = {row[model_field.m2m_reverse_field_name()] for row in new or []}
            names = dict(
                model_field.related_model.objects.filter(pk__in=ids_old | ids_new).values_list(
                    "pk", "name"
                )
            )
            old = sorted(names.get(i, str(i)) for i in ids_old)
            new = sorted(names.get(i, str(i)) for i in ids_new)
        elif model_field.is_relation:
            rel = model_field.related_model
            objs = rel._default_manager.in_bulk([v for v in (old, new) if v is not None])
            old, new = objs.get(old, old), objs.get(new, new)
        elif model_field.choices:
            labels = dict(model_field.flatchoices)
            old, new = labels.get(old, old), labels.get(new, new)
        changes.append((str(model_field.verbose_name), value_text(old), value_text(new)))
    return changes


def conflict_error(lead_pk: int, expected_version: int, current_version: int) -> ConflictError:
    """Describe what happened on the lead after `expected_version`."""
    records = list(
        Lead.history.filter(id=lead_pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:50]
    )
    if not records:
        return ConflictError(current_version=current_version)
    newer, base = [], None
    for record in records:
        version = _version_of(record)
        if version is not None and version <= expected_version:
            base = record
            break
        newer.append(record)
    if not newer:
        newer = records[:1]
    if base is None:
        idx = records.index(newer[-1])
        base = records[idx + 1] if idx + 1 < len(records) else None
    newest = newer[0]
    users = [r.history_user for r in newer if r.history_user is not None]
    return ConflictError(
        changed_by=users[0] if users else None,
        changed_at=newest.history_date,
        changes=history_changes(newest, base),
        current_version=current_version,
    )
