"""The personal iCal feed (no login, a secret token) and its management page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import role_required
from agenda import feeds
from agenda.models import CalendarFeed


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    subscription = feeds.feed_for_token(token)
    if subscription is None:
        raise Http404
    response = HttpResponse(
        feeds.feed_render(feed=subscription), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="leadcrm.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def _page(request: HttpRequest, *, secret: str = "") -> HttpResponse:
    context = {
        "subscription": CalendarFeed.objects.filter(user=request.user).first(),
        "feed_url": request.build_absolute_uri(reverse("agenda:feed", args=[secret]))
        if secret
        else "",
    }
    return render(request, "agenda/subscription.html", context)


@role_required()
def subscription(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@role_required()
def subscription_create(request: HttpRequest) -> HttpResponse:
    """Make or replace the token; the URL is shown in this response only."""
    return _page(request, secret=feeds.feed_token_create(user=request.user))


@require_POST
@role_required()
def subscription_revoke(request: HttpRequest) -> HttpResponse:
    feeds.feed_token_revoke(user=request.user)
    return redirect("agenda:subscription")
