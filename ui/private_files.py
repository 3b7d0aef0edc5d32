"""Serving a private stored file (business card, document) after the view checked who may
see it.

On the local disk the file is streamed by Django, as before. On object storage (S3,
settings.S3_BUCKET) the app never streams: it answers with a redirect to a presigned URL
valid for `S3_URL_EXPIRES` seconds, so a web worker is not busy for the download and the
bucket stays private (no public ACL, no unsigned URL). The redirect itself is never cached:
a cached redirect would outlive its signature.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

# the sandbox keeps a stored file from running script in our origin if opened directly
_FILE_CSP = "default-src 'none'; sandbox"


def presigns_urls(storage: Storage = default_storage) -> bool:
    """True for a storage that signs its URLs (django-storages' S3 backend with
    querystring auth); the local file system storage does not."""
    return bool(getattr(storage, "querystring_auth", False))


def private_file_response(
    name: str,
    *,
    content_type: str,
    as_attachment: bool = False,
    filename: str = "",
    max_age: int = 3600,
    storage: Storage = default_storage,
) -> HttpResponse:
    """The response that delivers the stored file `name`: a presigned redirect on object
    storage, else the streamed file. Raises Http404 when a local file is missing."""
    disposition = content_disposition_header(as_attachment, filename) or "inline"
    if presigns_urls(storage):
        url = storage.url(
            name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": f"private, max-age={max_age}",
            },
            expire=settings.S3_URL_EXPIRES,
        )
        response: HttpResponse = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    try:
        handle = storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = f"private, max-age={max_age}"
    response["Content-Security-Policy"] = _FILE_CSP
    return response
