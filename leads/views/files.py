"""Business cards are served only through this view: logged-in users with a role who may
see the lead. On object storage the answer is a short-lived presigned redirect
(ui/private_files.py), on the local disk the streamed file."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts.permissions import role_required
from leads.models import Lead
from leads.permissions import can_view_lead
from leads.services import uploads
from ui.private_files import private_file_response


@role_required()
def business_card(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(Lead.objects.only("id", "business_card"), pk=pk)
    if not can_view_lead(request.user, lead):
        raise PermissionDenied
    if not lead.business_card:
        raise Http404
    name = lead.business_card.name
    if request.GET.get("thumb"):
        name = uploads.thumbnail_name(name)
    return private_file_response(name, content_type=uploads.content_type_for(name))
