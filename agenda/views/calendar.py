"""Mein Kalender: the week and the month of the logged-in user's appointments and tasks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import role_required
from agenda import periods
from agenda.models import CalendarFeed
from agenda.selectors import MAX_ENTRIES, days_with_entries, user_entries


def _context(request: HttpRequest, period: periods.Period, *, month: int | None) -> dict:
    start, end = period.bounds()
    entries = list(user_entries(user=request.user, start=start, end=end))
    days = days_with_entries(entries, period.first, period.last, month=month)
    return {
        "period": period,
        "days": days,
        "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
        "truncated": len(entries) >= MAX_ENTRIES,
        "has_feed": CalendarFeed.objects.filter(user=request.user).exists(),
    }


@role_required()
def week_view(request: HttpRequest) -> HttpResponse:
    period = periods.week_of(request.GET)
    context = _context(request, period, month=None) | {
        "view": "week",
        "previous_param": periods.week_param(period.previous),
        "following_param": periods.week_param(period.following),
        "month_param": periods.month_param(period.anchor),
        "week_number": period.anchor.isocalendar()[1],
    }
    return render(request, "agenda/week.html", context)


@role_required()
def month_view(request: HttpRequest) -> HttpResponse:
    period = periods.month_of(request.GET)
    context = _context(request, period, month=period.anchor.month) | {
        "view": "month",
        "previous_param": periods.month_param(period.previous),
        "following_param": periods.month_param(period.following),
        "week_param": periods.week_param(period.anchor),
    }
    return render(request, "agenda/month.html", context)
