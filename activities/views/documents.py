"""Downloading a document attached to an activity (a mail's attachment, an inbound
mail's file). Anyone who may open the activity card may download its documents; the file
comes as an attachment (never rendered in our origin), on object storage through a
short-lived presigned redirect (ui/private_files.py)."""

from __future__ import annotations

import mimetypes
import posixpath

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts.permissions import role_required
from activities.models import Document
from ui.private_files import private_file_response


@require_GET
@role_required()
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = get_object_or_404(
        Document.objects.only("id", "file", "title"), pk=document_pk, activities__pk=pk
    )
    if not document.file:
        raise Http404
    name = document.file.name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return private_file_response(
        name,
        content_type=content_type,
        as_attachment=True,
        filename=posixpath.basename(name),
    )
