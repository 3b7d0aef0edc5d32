"""The history of an opportunity as a reader sees it, and what changed between two versions.

django-simple-history keeps one record per save; the record carries `version`, so the
conflict message of `opportunity_update` can name the changes made after the version a form
was loaded with (the same rows the detail page shows). The reading itself is the shared
`ui.history` (labels, names, local dates); amounts show in EUR, the lead by its number.
"""

from __future__ import annotations

from opportunities.models import Opportunity
from ui import history
from ui.display import money_text

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
FORMATTERS = {"amount": money_text}


def history_rows(opportunity: Opportunity, *, limit: int = 50) -> list[dict]:
    """The newest `limit` history entries: the record (date, user, type) and its changes."""
    return history.history_rows(
        opportunity.history, Opportunity, limit=limit, only=FIELDS, formatters=FORMATTERS
    )


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
    fields = history.shown_fields(Opportunity, FIELDS)
    names = history.related_names([newer[0], base] if base else [newer[0]], fields)
    changes = history.record_changes(newer[0], base, fields, names, FORMATTERS)
    return newer[0], newer[0].history_user, changes
