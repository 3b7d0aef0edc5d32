"""The one error shape of the API (documented in the README, "Integrationen"):

    {"error": {"code": "validation_error", "message": "…", "fields": {"email": ["…"]}}}

`message` is German or English after `Accept-Language` (LocaleMiddleware activates the
language before the view runs). Domain errors of the services become 400 (or 412 for an
optimistic-locking conflict); DRF's own errors keep their status and headers (401 with
`WWW-Authenticate`, 429 with `Retry-After`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.tokens import TokenError
from contacts.errors import ConflictError as ContactConflictError
from contacts.errors import ContactError
from leads.errors import ConflictError, LeadError


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _domain_response(exc: Exception) -> Response | None:
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, ConflictError | ContactConflictError):
        current = getattr(exc, "current_version", None)
        response = Response(error_body("conflict", message), status=412)
        if current is not None:
            response["ETag"] = f'"{current}"'
        return response
    if isinstance(exc, LeadError | ContactError | TokenError):
        field = getattr(exc, "field", None)
        fields = {field: [message]} if field else {}
        return Response(error_body("invalid", message, fields), status=400)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        text = " ".join(exc.messages)
        return Response(error_body("invalid", text, fields), status=400)
    return None


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {
            key: [str(item) for item in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    domain = _domain_response(exc)
    if domain is not None:
        return domain
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        non_field = fields.pop("non_field_errors", [])
        if isinstance(exc.detail, list):
            non_field = [str(item) for item in exc.detail]
        message = " ".join(non_field) or _("Bitte die markierten Felder korrigieren.")
        response.data = error_body("validation_error", message, fields)
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else code
    detail = getattr(exc, "detail", "") or exc
    response.data = error_body(code, str(detail))
    return response
