"""Stale leads [Veraltete Leads]: no change and no activity for a configurable time.

`stale_leads_flag` keeps `Lead.is_stale` in step with the rule in two set-based UPDATEs
(flag the new ones, unflag those that moved again); the dashboard tile only counts the flag.
`stale_digests_send` gives each owner one notification per ISO week with their count.
Both are safe to run any number of times.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from contacts.models import LeadStatus
from leads.models import Lead
from notifications.kinds import dedupe_key
from notifications.models import Kind, Notification
from notifications.services import NotificationItem, notification_rows


def stale_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    return now - dt.timedelta(days=settings.LEADCRM["STALE_AFTER_DAYS"])


def stale_condition(cutoff: dt.datetime) -> Q:
    """Q for leads that may be stale: untouched and without activity since `cutoff`."""
    return Q(updated_at__lt=cutoff) & (
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=cutoff)
    )


def _open_status_ids() -> list[int]:
    return list(LeadStatus.objects.non_terminal().values_list("pk", flat=True))


def stale_leads_flag(*, now: dt.datetime | None = None) -> dict:
    """Flag leads that became stale, unflag those that are no longer; returns both counts.

    `QuerySet.update()` does not touch `updated_at` (auto_now only applies to save()), so
    flagging a lead does not make it fresh again.
    """
    cutoff = stale_cutoff(now)
    open_ids = _open_status_ids()
    flagged = Lead.objects.filter(
        stale_condition(cutoff),
        is_stale=False,
        status_id__in=open_ids,
        merged_into__isnull=True,
        anonymised_at__isnull=True,
    ).update(is_stale=True)
    unflagged = (
        Lead.objects.filter(is_stale=True)
        .filter(
            Q(updated_at__gte=cutoff)
            | Q(last_activity_at__gte=cutoff)
            | ~Q(status_id__in=open_ids)
            | Q(merged_into__isnull=False)
            | Q(anonymised_at__isnull=False)
        )
        .update(is_stale=False)
    )
    return {"flagged": flagged, "unflagged": unflagged}


def stale_digest_key(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return dedupe_key(Kind.STALE_DIGEST, week=f"{year}-W{week:02d}")


def stale_digests_send(*, today: dt.date | None = None) -> dict:
    """One notification per owner of stale leads and ISO week (reruns add nothing)."""
    today = today or timezone.localdate()
    key = stale_digest_key(today)
    url = reverse("leads:list") + "?follow_up_by=me&stale=on"  # the owner's stale leads
    per_owner = (
        Lead.objects.filter(is_stale=True, follow_up_by__isnull=False, follow_up_by__is_active=True)
        .values("follow_up_by_id")
        .annotate(n=Count("pk"))
        .order_by("follow_up_by_id")
    )
    days = settings.LEADCRM["STALE_AFTER_DAYS"]
    rows = notification_rows(
        NotificationItem(
            recipient=row["follow_up_by_id"],
            kind=Kind.STALE_DIGEST,
            params={"count": row["n"], "days": days},
            url=url,
            dedupe_key=key,
        )
        for row in per_owner
    )
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return {"owners": len(rows), "week": key}
