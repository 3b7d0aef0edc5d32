"""Domain errors of the opportunity services; views turn them into form errors or messages.

They are `LeadError`s, so the conversion (which creates an opportunity inside its own
transaction) reports them like its own refusals.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from leads.errors import ConflictError as LeadConflictError
from leads.errors import LeadError


class OpportunityError(LeadError):
    """A business rule refused the change; `message` is German and shown to the user."""


class ConflictError(LeadConflictError, OpportunityError):
    """Someone saved the opportunity since the form was opened (optimistic locking);
    `changes` lists (field, old, new) of what they changed, `changed_by` who it was."""

    def _build_message(self) -> str:
        who = str(self.changed_by) if self.changed_by else _("ein anderer Benutzer")
        text = _("Die Verkaufschance wurde inzwischen von %(who)s geändert") % {"who": who}
        if self.changed_at:
            when = date_format(timezone.localtime(self.changed_at), "SHORT_DATETIME_FORMAT")
            text += _(" (am %(date)s)") % {"date": when}
        if self.changes:
            fields = ", ".join(dict.fromkeys(name for name, _old, _new in self.changes))
            text += _(". Geänderte Felder: %(fields)s") % {"fields": fields}
        return text + _(
            ". Ihre Eingaben sind erhalten geblieben; bitte prüfen Sie sie und speichern Sie erneut."
        )
