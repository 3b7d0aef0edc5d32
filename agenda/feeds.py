"""The personal iCal feed: a secret, revocable URL per user (hashed like API tokens)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.tokens import hash_secret
from activities.ical import calendar_for
from agenda.models import CalendarFeed
from agenda.selectors import feed_appointments

# how often a poll may write last_used_at (Outlook polls every few hours, Google more)
_TOUCH_EVERY = timedelta(hours=1)


@transaction.atomic
def feed_token_create(*, user) -> str:
    """Make (or replace) the user's feed token; returns the secret, shown once."""
    secret = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": hash_secret(secret), "last_used_at": None}
    )
    return secret


def feed_token_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def feed_for_token(secret: str) -> CalendarFeed | None:
    if not secret or len(secret) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_secret(secret), user__is_active=True)
        .first()
    )


def feed_render(*, feed: CalendarFeed) -> bytes:
    """The VCALENDAR of the feed's user (bounded window, see selectors)."""
    now = timezone.now()
    if feed.last_used_at is None or feed.last_used_at < now - _TOUCH_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return calendar_for(feed_appointments(user=feed.user, now=now), name="LeadCRM")
