"""The unfiltered dashboard, precomputed by a beat job (every 5 minutes).

At a million leads the dashboard's ten grouped queries each scan the lead table (1-3 s
together on a 2-core machine, bench/results/). The view opened without filters - the usual
case - shows this summary instead, with its age on the page; any filter (owner, campaign,
period) is still computed live. The summary lives in the cache (Redis in production, so
web and worker processes share it). It is written only by `refresh_summary` (the beat
task), never on a miss: without a summary, e.g. in tests or without Redis, the page is
computed live as before.

The figures are those of `boards_leads` of a user with a role: all leads not merged. That
is what every role sees today (`leads.permissions.visible_leads`); if visibility ever
depends on the user, the summary has to be keyed by it.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

CACHE_KEY = "boards:dashboard-summary:v1"
MAX_AGE = dt.timedelta(minutes=15)  # beat refreshes every 5; older summaries are ignored


def build_summary() -> dict:
    from boards import dashboard
    from leads.models import Lead

    leads = Lead.objects.filter(merged_into__isnull=True)
    return {
        "built_at": timezone.now(),
        "tiles": dashboard.tiles(leads),
        "charts": dashboard.all_charts(leads),
    }


def refresh_summary() -> dt.datetime:
    summary = build_summary()
    cache.set(CACHE_KEY, summary, timeout=int(MAX_AGE.total_seconds()))
    return summary["built_at"]


def cached_summary() -> dict | None:
    """The precomputed figures, or None (missing, unreadable or too old)."""
    try:
        summary = cache.get(CACHE_KEY)
    except Exception:  # noqa: BLE001 - a cache outage must not break the page
        return None
    if not isinstance(summary, dict) or "built_at" not in summary:
        return None
    if timezone.now() - summary["built_at"] > MAX_AGE:
        return None
    return summary
