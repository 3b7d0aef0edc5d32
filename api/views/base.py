"""What every API view shares: the history channel of token writes and the ETag helpers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.pagination import CursorPagination

from accounts.channel import enter_api, leave_api
from accounts.models import ApiToken
from api.errors import PreconditionFailed, PreconditionRequired
from ui.replica import enter_replica_reads, leave_replica_reads


class ApiViewMixin:
    """Writes made during the request are tagged "über die API (Tokenname)" in the history."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        token = request.auth
        self._channel = enter_api(token.name) if isinstance(token, ApiToken) else None
        # list endpoints tolerate replica lag (DATABASE_REPLICA_URL); no-op without one
        self._replica = enter_replica_reads() if getattr(self, "action", None) == "list" else None

    def finalize_response(self, request, response, *args, **kwargs):
        channel = getattr(self, "_channel", None)
        if channel is not None:
            leave_api(channel)
            self._channel = None
        if getattr(self, "_replica", None) is not None:
            leave_replica_reads(self._replica)
            self._replica = None
        return super().finalize_response(request, response, *args, **kwargs)


class ApiViewSet(ApiViewMixin, viewsets.GenericViewSet):
    pass


class NewestFirst(CursorPagination):
    """Cursor paging by id (stable under inserts; constant cost per page)."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(response, obj):
    """The response with the object's version as its ETag (what If-Match must carry)."""
    response["ETag"] = etag(obj.version)
    return response


def expected_version(request) -> int:
    """The version the client saw, from `If-Match` (428 without it, 412 if unreadable)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired(
            _("If-Match mit der Version (ETag) ist für Änderungen erforderlich.")
        )
    value = header.removeprefix("W/").strip('"')
    if not (value.isdecimal() and len(value) < 19):
        raise PreconditionFailed(_("If-Match passt zu keiner Version."))
    return int(value)
