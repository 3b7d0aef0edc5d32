"""Domain errors of the lead services; views turn them into form errors or messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from ui.display import datetime_text


class LeadError(Exception):
    """A business rule refused the change; `message` is German and shown to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field

    def __str__(self) -> str:
        return self.message


class ConflictError(LeadError):
    """Another user saved the lead since the form was opened (optimistic locking).

    `changes` lists (field verbose name, old value, new value) of what the other user
    changed after `expected_version`; `changed_by` is that user (or None if unknown).
    """

    def __init__(
        self,
        *,
        changed_by: Any = None,
        changed_at: datetime | None = None,
        changes: list[tuple[str, str, str]] | None = None,
        current_version: int | None = None,
        message: str | None = None,
    ) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.changes = list(changes or [])
        self.current_version = current_version
        super().__init__(message or self._build_message())

    def _build_message(self) -> str:
        who = str(self.changed_by) if self.changed_by else _("ein anderer Benutzer")
        text = _("Der Lead wurde inzwischen von %(who)s geändert") % {"who": who}
        if self.changed_at:
            text += _(" (am %(date)s)") % {"date": datetime_text(self.changed_at)}
        if self.changes:
            fields = ", ".join(dict.fromkeys(name for name, _old, _new in self.changes))
            text += _(". Geänderte Felder: %(fields)s") % {"fields": fields}
        return text + _(
            ". Ihre Eingaben sind erhalten geblieben; bitte prüfen Sie sie und speichern Sie erneut."
        )
