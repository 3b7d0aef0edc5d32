"""Prometheus metrics (django-prometheus) at /metrics: request counts and latencies by
view, status and method, responses by status, exceptions by type — from its two
middlewares only (its database and cache backends are not used: DATABASES and CACHES
stay as they are).

Who may scrape: a staff user's session (for a look in the browser), or a scraper with
`Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set. Anyone else: the login
page (anonymous) or 403. With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (an
empty directory per start, docker/gunicorn.conf.py) so one scrape sums all workers.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView


def _has_scrape_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    sent = request.headers.get("Authorization", "")
    return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


@login_not_required  # the scraper has a token, not a session; staff come with a session
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    # the order of every other page: anonymous → login page, wrong method → 405, then the role
    scraper = _has_scrape_token(request)
    if not scraper and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not scraper and not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied
    return ExportToDjangoView(request)
