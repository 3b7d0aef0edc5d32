"""The public one-click unsubscribe page (no login; the signed token is the proof).

GET shows a confirmation with one button (link scanners and previews follow GETs and
must not unsubscribe anyone); POST unsubscribes, also straight from a mail client's
RFC 8058 button, which sends `List-Unsubscribe=One-Click` without our CSRF token. A bad
or unknown token gets a 400 page, never a 500."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sequences.unsubscribe import UnsubscribeError, enrolment_for_token, lead_unsubscribe
from ui.client_ip import client_ip

TEMPLATE = "sequences/unsubscribe.html"


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        enrolment = enrolment_for_token(token[:200])
    except UnsubscribeError:
        return render(request, TEMPLATE, {"invalid": True}, status=400)
    if request.method == "POST":
        lead_unsubscribe(
            enrolment=enrolment,
            ip_address=client_ip(request) or None,
            user_agent=request.headers.get("User-Agent", ""),
        )
        return render(request, TEMPLATE, {"done": True})
    return render(request, TEMPLATE, {"token": token})
