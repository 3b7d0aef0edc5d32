"""History of a lead: version tags on historical records, readable changes, conflicts.

Every lead write bumps `Lead.version` and tags its historical record with the version in
`history_change_reason`, so a conflict can tell which changes the other user made.
A write through the API adds the token's name after the tag (`v=3;api=Zapier`, see
accounts/channel.py), shown as "über die API (Zapier)".
"""

from __future__ import annotations

from accounts.channel import api_token_name
from leads.errors import ConflictError
from leads.models import Lead
from ui.display import value_text
from ui.history import API_REASON, field_text, related_names, token_of_reason

VERSION_TAG = "v="
API_TAG = f";{API_REASON}"

# --- helpers -------------------------------------------------------------------------


def tag_version(lead: Lead, user) -> None:
    reason = f"{VERSION_TAG}{lead.version}"
    token_name = api_token_name()
    if token_name:
        reason = f"{reason}{API_TAG}{token_name}"[:100]
    lead._change_reason = reason
    if user is not None and getattr(user, "is_authenticated", False):
        lead._history_user = user


def _version_of(record) -> int | None:
    reason = (record.history_change_reason or "").split(API_TAG, 1)[0]
    if reason.startswith(VERSION_TAG):
        try:
            return int(reason[len(VERSION_TAG) :])
        except ValueError:
            return None
    return None


def api_token_of(record) -> str:
    """The name of the API token a historical record was written through ("" for the UI)."""
    return token_of_reason(record.history_change_reason)


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
            changes.append((str(model_field.verbose_name), value_text(old), value_text(new)))
            continue
        names = related_names([new_record, old_record], [model_field])
        changes.append(
            (
                str(model_field.verbose_name),
                field_text(model_field, old, names),
                field_text(model_field, new, names),
            )
        )
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
