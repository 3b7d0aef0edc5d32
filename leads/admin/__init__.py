"""Admin for the lead lists (sources, types, interests, scoring, campaigns, distribution)
and, for support cases, the leads themselves.

The Lead admin writes through `leads.services` like the lead mask does: adding a lead
numbers, distributes and records it (`lead_create`); saving checks the version and the
status rules (`lead_update`: Konvertiert only through the conversion, no inactive status,
status history); deleting is `lead_delete`. Fields only the services write are read-only
here, and restoring an old version from the history is refused.

The Lead changelist must stay usable at a million rows: no full COUNT, only filters on
small lists, related rows joined up front, autocomplete/raw-id widgets for big tables.
"""

from leads.admin import leads, lists  # noqa: F401  (registers the model admins)
