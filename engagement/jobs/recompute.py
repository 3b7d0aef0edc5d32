"""The engagement score, recomputed for all leads in set-based batches (beat).

Each signal of a lead counts `points × exp(-ln 2 · age / half-life)` (age in days, a
future meeting counts as today), a signal gives at most its ceiling, the lead at most 100.
Signals: opens and clicks from the tracking log (EngagementEvent), replies (incoming mails
on the lead), repeated web-form requests (the note capture writes without a user: kind
note, no creator) and meetings (appointments on the lead). Signals older than ten
half-lives (< 0.1 % of their points) are not read.

One UPDATE … FROM per id range; a row is written only when its score or breakdown
changed, so a second run in a row writes nothing (safe to run twice, no table bloat).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from activities.models import ActivityKind
from engagement.models import EngagementSettings, Signal
from leads.models import Lead

logger = logging.getLogger(__name__)
BATCH = 100_000

# {age} is the age in days of a signal's time column {at}; {agg} builds the breakdown
_DIALECT = {
    "postgresql": {
        "age": "GREATEST(0, EXTRACT(EPOCH FROM (%(now)s - {at})) / 86400.0)",
        "agg": "jsonb_agg(jsonb_build_object('signal', signal, 'points', pts) ORDER BY signal)",
        "empty": "'[]'::jsonb",
        "distinct": "IS DISTINCT FROM",
    },
    "sqlite": {
        "age": "MAX(0, julianday(%(now)s) - julianday({at}))",
        "agg": "json_group_array(json_object('signal', signal, 'points', pts))",
        "empty": "'[]'",
        "distinct": "IS NOT",
    },
}

_SQL = """
WITH signals AS (
    SELECT e.lead_id, e.signal, e.occurred_at AS at
      FROM engagement_engagementevent e
     WHERE e.lead_id >= %(lo)s AND e.lead_id < %(hi)s AND e.occurred_at >= %(since)s
    UNION ALL
    SELECT la.lead_id,
           CASE a.kind WHEN %(reply_kind)s THEN 'reply'
                       WHEN %(meeting_kind)s THEN 'meeting'
                       ELSE 'web_request' END,
           COALESCE(a.start, a.created_at)
      FROM leads_lead_activities la
      JOIN activities_activity a ON a.id = la.activity_id
     WHERE la.lead_id >= %(lo)s AND la.lead_id < %(hi)s
       AND COALESCE(a.start, a.created_at) >= %(since)s
       AND (a.kind IN (%(reply_kind)s, %(meeting_kind)s)
            OR (a.kind = %(note_kind)s AND a.created_by_id IS NULL))
), weights(signal, points, ceiling) AS (VALUES {weights}),
per_signal AS (
    SELECT s.lead_id, s.signal,
           CAST(ROUND(MIN(w.ceiling, SUM(w.points * EXP(-0.6931471805599453 * {age} / %(half_life)s)))) AS INTEGER) AS pts
      FROM signals s JOIN weights w ON w.signal = s.signal
     GROUP BY s.lead_id, s.signal, w.ceiling
), per_lead AS (
    SELECT lead_id, MIN(100, SUM(pts)) AS score, {agg} AS breakdown
      FROM per_signal WHERE pts > 0 GROUP BY lead_id
), target AS (
    SELECT l.id, COALESCE(p.score, 0) AS score, COALESCE(p.breakdown, {empty}) AS breakdown
      FROM leads_lead l LEFT JOIN per_lead p ON p.lead_id = l.id
     WHERE l.id >= %(lo)s AND l.id < %(hi)s
)
UPDATE leads_lead SET engagement_score = target.score, engagement_breakdown = target.breakdown
  FROM target
 WHERE leads_lead.id = target.id
   AND (leads_lead.engagement_score <> target.score
        OR leads_lead.engagement_breakdown {distinct} target.breakdown)
"""


def _statement(vendor: str, weights: dict[str, tuple[int, int]]) -> str:
    dialect = _DIALECT[vendor]
    values = ", ".join(f"('{signal}', {int(p)}, {int(c)})" for signal, (p, c) in weights.items())
    sql = _SQL.format(
        weights=values,
        age=dialect["age"].format(at="s.at"),
        agg=dialect["agg"],
        empty=dialect["empty"],
        distinct=dialect["distinct"],
    )
    if vendor == "postgresql":
        sql = sql.replace("MIN(w.ceiling,", "LEAST(w.ceiling,").replace("MIN(100,", "LEAST(100,")
    return sql


def engagement_recompute(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Recompute every lead's engagement score; returns the number of rows changed."""
    now = now or timezone.now()
    conf = EngagementSettings.current()
    vendor = connection.vendor if connection.vendor in _DIALECT else "postgresql"
    sql = _statement(vendor, conf.weights())
    params = {
        "now": now,
        "since": now - timedelta(days=10 * conf.half_life_days),
        "half_life": float(conf.half_life_days),
        "reply_kind": ActivityKind.EMAIL_IN.value,
        "meeting_kind": ActivityKind.APPOINTMENT.value,
        "note_kind": ActivityKind.NOTE.value,
    }
    top = Lead.objects.aggregate(top=Max("id"))["top"] or 0
    changed, started = 0, time.monotonic()
    for lo in range(1, top + 1, batch):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {**params, "lo": lo, "hi": lo + batch})
            changed += max(cursor.rowcount, 0)
    type(conf).objects.filter(pk=conf.pk).update(last_run_at=now)
    logger.info(
        "engagement recompute: %s rows changed in %.1f s", changed, time.monotonic() - started
    )
    return changed


SIGNAL_LABELS = dict(Signal.choices)
