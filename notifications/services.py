"""Writes for notifications: create (deduplicated), mark read.

`notify()` is the one way to put something into a user's bell. A notification of a kind
in `notifications.kinds` stores that kind and its parameters; its title and text are
rendered when read, in the reader's language, so whoever creates it writes the same row.
Jobs that may run twice pass a `dedupe_key` (built with `kinds.dedupe_key`); the partial
unique constraint (recipient, dedupe_key) then turns a repeat into a no-op instead of a
second notification. Free-text kinds (ENTITY, SYSTEM) still store a title and text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import kinds
from notifications.models import Kind, Notification


@dataclass
class NotificationItem:
    """One notification to create in bulk (see `notify_many`)."""

    recipient: Any
    title: str = ""
    text: str = ""
    kind: str = Kind.ENTITY
    priority: str | None = None
    entity: Any = None
    url: str = ""
    dedupe_key: str = ""
    extra: dict = field(default_factory=dict)
    params: dict | None = None


def _build(
    *, recipient, title, text, kind, priority, entity, url, dedupe_key, params=None
) -> Notification:
    if kinds.spec(kind) is not None:
        if params is None:
            raise ValueError(f"notification kind {kind!r} needs params, not a text")
        title = text = ""  # rendered from kind and params when read (kinds.render)
    notification = Notification(
        title=str(title)[:200],
        text=str(text)[:2000],
        kind=kind,
        priority=priority or kinds.default_priority(kind),
        params=params,
        url=url or "",
        dedupe_key=dedupe_key or "",
    )
    if isinstance(recipient, int):  # set-based jobs pass user ids
        notification.recipient_id = recipient
    else:
        notification.recipient = recipient
    if entity is not None:
        notification.content_type = ContentType.objects.get_for_model(entity)
        notification.object_id = entity.pk
    return notification


def notify(
    *,
    recipient,
    kind: str = Kind.ENTITY,
    params: dict | None = None,
    title: str = "",
    text: str = "",
    priority: str | None = None,
    entity=None,
    url: str = "",
    dedupe_key: str = "",
) -> Notification | None:
    """Create a notification for `recipient`; None when the dedupe key was already used.

    A kind of `notifications.kinds` takes `params` (its priority is the kind's unless
    given); the free-text kinds take `title` and `text`.
    """
    if recipient is None:
        return None
    notification = _build(
        recipient=recipient,
        title=title,
        text=text,
        kind=kind,
        priority=priority,
        entity=entity,
        url=url,
        dedupe_key=dedupe_key,
        params=params,
    )
    if not dedupe_key:
        notification.save()
        return notification
    try:
        # a savepoint, so a duplicate does not break the caller's transaction
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return None
    return notification


def notification_rows(items: Iterable[NotificationItem]) -> list[Notification]:
    """Unsaved notifications for `items` (an item without a recipient gives none): what
    notify_many inserts, and what a bulk writer (the lead import's COPY) writes itself."""
    return [
        _build(
            recipient=item.recipient,
            title=item.title,
            text=item.text,
            kind=item.kind,
            priority=item.priority,
            entity=item.entity,
            url=item.url,
            dedupe_key=item.dedupe_key,
            params=item.params,
        )
        for item in items
        if item.recipient is not None
    ]


def notify_many(items: Iterable[NotificationItem]) -> int:
    """Bulk variant for jobs; duplicates (same recipient + dedupe key) are skipped.

    Returns the number of rows handed to the database (on some backends conflicts are
    skipped silently, so this is an upper bound of the rows created).
    """
    rows = notification_rows(items)
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one notification of `user` read (no-op when already read or not theirs)."""
    if notification.recipient_id != user.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of `user` read; returns how many changed."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())
