"""Object permissions on leads for layers below `leads` (activities, contacts).

`user.has_perm("leads.change_lead", lead)` answers with `leads.permissions.can_edit_lead`,
the predicate of the lead mask, so a lower layer checks the same rule without importing
the leads app. Authentication is left to the other backends (this one never logs in).
"""

from __future__ import annotations

from leads.models import Lead
from leads.permissions import can_edit_lead

CHANGE_LEAD = "leads.change_lead"


class LeadObjectPermissionBackend:
    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        return None

    def has_perm(self, user, perm, obj=None) -> bool:
        return perm == CHANGE_LEAD and isinstance(obj, Lead) and can_edit_lead(user, obj)
