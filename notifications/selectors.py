"""Reads for the bell and the notification list."""

from __future__ import annotations

from notifications.models import Notification

BELL_SIZE = 10


def bell_for_user(user) -> dict:
    """Unread count (one COUNT over the partial unread index) and the newest entries."""
    qs = Notification.objects.for_user(user)
    return {
        "unread_count": qs.unread().count(),
        "items": list(qs.order_by("-created_at", "-id")[:BELL_SIZE]),
    }


def notifications_for_list(user, *, unread: bool = False, kind: str = ""):
    """The user's notifications for the list page, newest first, optionally filtered."""
    qs = Notification.objects.for_user(user)
    if unread:
        qs = qs.unread()
    if kind:
        qs = qs.of_kind(kind)
    return qs.order_by("-created_at", "-id")
