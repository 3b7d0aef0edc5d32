"""Engagement score (issue #17): tracking events are logged once, the recompute decays
them by the half-life, caps each signal and the lead, and a second run changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from anymail.signals import AnymailTrackingEvent
from django.utils import timezone

from activities.models import ActivityKind
from engagement.jobs.recompute import engagement_recompute
from engagement.models import EngagementEvent, EngagementSettings, Signal
from engagement.receivers import engagement_record_tracking
from tests.factories import LeadFactory
from tests.factories.activities import ActivityFactory

pytestmark = pytest.mark.django_db


def mailed_lead(message_id: str = "msg-1"):
    lead = LeadFactory()
    mail = ActivityFactory(kind=ActivityKind.EMAIL_OUT, esp_message_id=message_id)
    lead.activities.add(mail)
    return lead


def tracking(kind: str, message_id: str = "msg-1", when=None, event_id="e1"):
    return AnymailTrackingEvent(
        event_type=kind,
        message_id=message_id,
        timestamp=when or timezone.now(),
        event_id=event_id,
    )


def test_a_click_is_logged_once_and_scores_after_the_recompute():
    lead = mailed_lead()
    when = timezone.now()
    assert engagement_record_tracking(tracking("clicked", when=when)) == 1
    assert engagement_record_tracking(tracking("clicked", when=when)) == 0  # the ESP retried
    assert engagement_record_tracking(tracking("delivered")) == 0  # not a signal
    assert engagement_recompute() == 1
    lead.refresh_from_db()
    assert lead.engagement_score == 5
    assert lead.engagement_breakdown == [{"signal": "click", "points": 5}]
    assert engagement_recompute() == 0  # a second run writes nothing


def test_half_life_halves_an_old_open_and_ceilings_hold():
    conf = EngagementSettings.current()
    lead = mailed_lead()
    now = timezone.now()
    EngagementEvent.objects.create(
        lead=lead,
        signal=Signal.OPEN,
        occurred_at=now - timedelta(days=conf.half_life_days * 2),
        message_id="msg-1",
    )
    engagement_recompute(now=now)
    lead.refresh_from_db()
    assert lead.engagement_score == 1  # two half-lives: a quarter of 2 points, 0.5 rounded up
    for i in range(12):  # 12 fresh clicks of 5 points: capped at the click ceiling
        when = now - timedelta(seconds=i)
        engagement_record_tracking(tracking("clicked", when=when, event_id=f"c{i}"))
    engagement_recompute(now=now)
    lead.refresh_from_db()
    clicks = [row for row in lead.engagement_breakdown if row["signal"] == "click"]
    assert clicks == [{"signal": "click", "points": 25}]
    assert lead.engagement_score <= 100


def test_meetings_and_replies_count_and_other_leads_stay_at_zero():
    lead = mailed_lead()
    other = LeadFactory()
    lead.activities.add(ActivityFactory(kind=ActivityKind.APPOINTMENT))
    lead.activities.add(ActivityFactory(kind=ActivityKind.EMAIL_IN))
    engagement_recompute()
    lead.refresh_from_db()
    other.refresh_from_db()
    signals = {row["signal"]: row["points"] for row in lead.engagement_breakdown}
    assert signals == {"meeting": 20, "reply": 15}
    assert lead.engagement_score == 35
    assert other.engagement_score == 0
