"""The dashboard without owner/campaign filter, precomputed by a beat job (every 5 minutes).

At a million leads the dashboard's grouped queries each scan the lead table (1-3 s together
on a 2-core machine, bench/results/). The view opened without filters - the usual case -
or with only a period ("Letzte 30 Tage", …) shows the summary of that period instead, with
its age on the page; a filter by owner or campaign is computed live (it narrows the leads).
The summaries live in the cache (Redis in production, so web and worker processes share
them). They are written only by `refresh_summary` (the beat task), never on a miss: without
a summary, e.g. in tests or without Redis, the page is computed live as before.

The figures are those of `boards_leads` of a user with a role: all leads not merged. That
is what every role sees today (`leads.permissions.visible_leads`); if visibility ever
depends on the user, the summary has to be keyed by it.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

from boards import dashboard
from leads.models import Lead

CACHE_KEY = "boards:dashboard-summary:v2"
MAX_AGE = dt.timedelta(minutes=15)  # beat refreshes every 5; older summaries are ignored


def cache_key(period: str = "") -> str:
    return f"{CACHE_KEY}:{period or 'all'}"


def build_summary(period: str = "", *, tiles: list | None = None) -> dict:
    """The figures of the dashboard filtered by `period` only; `tiles` when already built
    (they do not depend on the period)."""

    leads = Lead.objects.filter(merged_into__isnull=True)
    since = dashboard.period_since(period)
    current = leads.filter(created_at__gte=since) if since else leads
    return {
        "built_at": timezone.now(),
        "tiles": tiles if tiles is not None else dashboard.tiles(leads),
        "charts": dashboard.all_charts(current, closed=leads),
    }


def refresh_summary() -> dt.datetime:
    """Every period's summary; the tiles are the same for all and computed once."""

    first = build_summary()
    cache.set(cache_key(), first, timeout=int(MAX_AGE.total_seconds()))
    for period in dashboard.PERIOD_KEYS[1:]:
        summary = build_summary(period, tiles=first["tiles"])
        cache.set(cache_key(period), summary, timeout=int(MAX_AGE.total_seconds()))
    return first["built_at"]


def cached_summary(period: str = "") -> dict | None:
    """The precomputed figures of `period`, or None (missing, unreadable or too old)."""
    try:
        summary = cache.get(cache_key(period))
    except Exception:  # noqa: BLE001 - a cache outage must not break the page
        return None
    if not isinstance(summary, dict) or "built_at" not in summary:
        return None
    if timezone.now() - summary["built_at"] > MAX_AGE:
        return None
    return summary
