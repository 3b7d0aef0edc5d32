"""The OpenAPI schema and the docs page: the only API pages a browser session may open
(a logged-in user with a role); the API itself takes tokens only. Swagger UI's files are
vendored by drf-spectacular-sidecar; its start script is a separate request and the page
has no inline script or style (our template), so the strict CSP holds."""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication

from accounts.permissions import user_has_role


class HasRole(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user)


class SessionOnly:
    authentication_classes = [SessionAuthentication]
    permission_classes = [HasRole]
    throttle_classes: list = []


class SchemaView(SessionOnly, SpectacularAPIView):
    pass


class DocsView(SessionOnly, SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    url_name = "api:schema"
