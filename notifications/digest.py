"""Daily digest e-mail [Tägliche Zusammenfassung] of unread priority-A notifications.

Users opt in on their profile (`User.daily_digest`). The send of a day is recorded as a
read SYSTEM notification with the dedupe key "digest:<date>", written in the same
transaction as the mail is handed to the mail backend: a rerun of the day finds the key and
sends nothing, a failed send rolls the record back so the retry sends again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.kinds import dedupe_key, default_priority, recipient_language
from notifications.models import Kind, Notification, Priority

LISTED = 50  # notifications listed in one mail; the rest is only counted


@dataclass
class DigestResult:
    day: str
    sent: int = 0
    skipped_already_sent: int = 0
    skipped_empty: int = 0


def digest_key(day: dt.date) -> str:
    return dedupe_key(Kind.DIGEST_SENT, day=day)


def _absolute(url: str) -> str:
    base = getattr(settings, "BASE_URL", "") or ""
    return f"{base.rstrip('/')}{url}" if url.startswith("/") and base else url


def digest_recipients():
    User = get_user_model()
    return User.objects.filter(daily_digest=True, is_active=True).exclude(email="").order_by("pk")


def digest_send_for_user(*, user, day: dt.date) -> bool:
    """Send `user` the digest of `day` unless it went out already; True when sent."""
    unread = (
        Notification.objects.for_user(user)
        .unread()
        .filter(priority=Priority.A)
        .order_by("-created_at", "-id")
    )
    items = list(unread[:LISTED])
    if not items:
        return False
    total = unread.count() if len(items) == LISTED else len(items)
    with transaction.atomic():
        marker = Notification(
            recipient=user,
            kind=Kind.DIGEST_SENT,
            priority=default_priority(Kind.DIGEST_SENT),
            params={"count": total},
            dedupe_key=digest_key(day),
            read_at=timezone.now(),
        )
        try:
            with transaction.atomic():
                marker.save()
        except IntegrityError:
            return False
        context = {
            "user": user,
            "day": day,
            "total": total,
            # the templates show display_title/display_text: the mail's (active) language
            "items": [(n, _absolute(n.url)) for n in items],
            "more": total - len(items),
        }
        subject = _("LeadCRM: %(count)d ungelesene wichtige Benachrichtigungen") % {"count": total}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("notifications/email/daily_digest.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("notifications/email/daily_digest.html", context), "text/html"
        )
        message.send()  # raises on failure → the marker rolls back, the retry resends
    return True


def daily_digests_send(*, day: dt.date | None = None) -> DigestResult:
    day = day or timezone.localdate()
    result = DigestResult(day=day.isoformat())
    # the key alone (older markers were kind SYSTEM): one digest per user and day
    already = set(
        Notification.objects.filter(dedupe_key=digest_key(day)).values_list(
            "recipient_id", flat=True
        )
    )
    for user in digest_recipients().iterator(chunk_size=500):
        if user.pk in already:
            result.skipped_already_sent += 1
            continue
        with translation.override(recipient_language(user)):
            sent = digest_send_for_user(user=user, day=day)
        if sent:
            result.sent += 1
        else:
            result.skipped_empty += 1
    return result
