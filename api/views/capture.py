"""POST /api/v1/capture/<campaign>/: the web form as JSON, for websites and form tools.

The web form's rules, through its own pieces: the same form class without the signed
render timestamp (there is no rendered form), the same honeypot field (`homepage`: a hit
answers like success and creates nothing), the same per-address rate limits and the same
service (`capture_web_lead`: validation, UTM, double opt-in, an open lead with the same
e-mail gets a note instead of a second lead). The answer never tells whether a lead with
that address existed.

CORS: a browser page may call it only from an origin listed on the campaign
(`Campaign.allowed_origins`); the preflight is answered here. Requests without `Origin`
(server-to-server, e.g. a form tool) are not a CORS matter and are accepted.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from api.errors import error_body
from capture.ratelimit import visitor_ip, visitor_limited
from capture.views.webform import HONEYPOT, WebLeadForm
from capture.webform import capture_web_lead
from leads.models import Campaign

MAX_BODY_BYTES = 32 * 1024


class JsonLeadForm(WebLeadForm):
    ts = None  # no rendered form, so no signed render timestamp


def _cors(response: HttpResponse, origin: str) -> HttpResponse:
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "600"
    response["Vary"] = "Origin"
    return response


def _error(code: str, message: str, status: int, fields: dict | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, fields), status=status)


def _parse(request: HttpRequest) -> dict | None:
    """The JSON object of the body, or None (not JSON, too big, not an object)."""
    if request.content_type != "application/json":
        return None
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if declared > MAX_BODY_BYTES:
        return None
    try:
        body = request.body
    except RawPostDataException:  # something read the stream as a form already
        return None
    if len(body) > MAX_BODY_BYTES:
        return None
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _form_data(payload: dict):
    """JSON values as the form expects them (lists for interests, text for the rest)."""
    data = QueryDict(mutable=True)
    for key, value in payload.items():
        if key == "interests" and isinstance(value, list):
            data.setlist(key, [str(v) for v in value[:50]])
        elif isinstance(value, bool):
            data[key] = "on" if value else ""
        elif isinstance(value, str | int | float):
            data[key] = str(value)
    return data


@login_not_required
@csrf_exempt  # cross-site by design; no cookie is read, nothing but a new lead is written
def capture(request: HttpRequest, key: str) -> HttpResponse:
    campaign = Campaign.objects.filter(slug=key, active=True, web_form_enabled=True).first()
    if campaign is None:
        return _error("not_found", _("Unbekannte Kampagne."), 404)
    origin = request.headers.get("Origin", "")
    if origin and not campaign.allows_origin(origin):
        return _cors(_error("origin_refused", _("Dieser Ursprung ist nicht freigegeben."), 403), "")
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204), origin)
    if request.method != "POST":
        response = _error("method_not_allowed", _("Nur POST ist erlaubt."), 405)
        response["Allow"] = "POST, OPTIONS"
        return _cors(response, origin)
    if visitor_limited(request, group="api.capture"):
        response = _error("throttled", _("Zu viele Anfragen. Bitte später erneut versuchen."), 429)
        response["Retry-After"] = "60"
        return _cors(response, origin)
    payload = _parse(request)
    if payload is None:
        return _cors(
            _error(
                "invalid_json",
                _(
                    "Erwartet wird ein JSON-Objekt (Content-Type application/json, höchstens 32 KB)."
                ),
                400,
            ),
            origin,
        )
    accepted = JsonResponse({"status": "accepted"}, status=202)
    if payload.get(HONEYPOT):
        return _cors(accepted, origin)
    form = JsonLeadForm(_form_data(payload), campaign=campaign)
    if not form.is_valid():
        fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        return _cors(
            _error("validation_error", _("Bitte die markierten Felder korrigieren."), 400, fields),
            origin,
        )
    data = dict(form.cleaned_data)
    data["interests"] = [i.pk for i in data.get("interests") or []]
    capture_web_lead(
        campaign=campaign,
        data=data,
        ip_address=visitor_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        base_url=request.build_absolute_uri("/"),
    )
    return _cors(accepted, origin)
