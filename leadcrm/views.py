"""Project-level views: the start page and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import role_required
from leadcrm.home import my_day
from leads.permissions import can_create_lead


@role_required()
def home(request: HttpRequest) -> HttpResponse:
    """ "Mein Tag": overdue follow-ups, upcoming appointments, best open leads, unread count."""
    context = {"day": my_day(request.user), "can_create": can_create_lead(request.user)}
    return render(request, "home.html", context)


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and docker-compose: answers 503 when the database is gone."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any driver error means "not healthy"
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})
