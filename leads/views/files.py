"""Business cards are served only through this view: logged-in users with a role."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.permissions import role_required
from leads.models import Lead
from leads.permissions import can_view_lead
from leads.services import uploads


@role_required()
def business_card(request: HttpRequest, pk: int) -> FileResponse:
    lead = get_object_or_404(Lead.objects.only("id", "business_card"), pk=pk)
    if not can_view_lead(request.user, lead):
        raise PermissionDenied
    if not lead.business_card:
        raise Http404
    name = lead.business_card.name
    if request.GET.get("thumb"):
        name = uploads.thumbnail_name(name)
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=uploads.content_type_for(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
