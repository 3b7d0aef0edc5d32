"""Who may call the API at all: a token of a user with a LeadCRM role; writing needs a
read/write token. What a user may do with one object is decided per view by the same
predicates as the HTML views (leads.permissions, opportunities.permissions, …)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from accounts.models import ApiToken
from accounts.permissions import user_has_role


class TokenScopePermission(permissions.BasePermission):
    message = _("Dieses Token hat nur Leseberechtigung.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            self.message = _("Anmeldung mit einem API-Token erforderlich.")
            return False
        if not user_has_role(request.user):
            self.message = _("Ihrem Benutzer ist keine Rolle zugewiesen.")
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if not token.can_write:
            self.message = _("Dieses Token hat nur Leseberechtigung.")
            return False
        return True
