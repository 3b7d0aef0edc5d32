"""Notifications shown in the bell menu (seed 002 "Benachrichtigungen")."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.kinds import Kind, Priority

__all__ = ["Kind", "Notification", "NotificationQuerySet", "Priority"]


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def of_kind(self, kind: str):
        return self.filter(kind=kind)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("Empfänger"),
    )
    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices, default=Kind.ENTITY)
    priority = models.CharField(
        _("Priorität"), max_length=1, choices=Priority.choices, default=Priority.B
    )
    # title/text: only for the free-text kinds and rows from before `params` (kinds.render)
    title = models.CharField(_("Titel"), max_length=200, blank=True)
    text = models.TextField(_("Text"), blank=True, max_length=2000)
    params = models.JSONField(_("Parameter"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("Entitätstyp")
    )
    object_id = models.PositiveBigIntegerField(_("Entitäts-ID"), null=True, blank=True)
    entity = GenericForeignKey("content_type", "object_id")
    url = models.CharField(_("Link"), max_length=500, blank=True)
    # Jobs that may run twice pass a key ("overdue:<lead>:<date>"); the unique constraint
    # makes the second insert a no-op instead of a second notification.
    dedupe_key = models.CharField(_("Eindeutigkeitsschlüssel"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("Erstellt am"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("Gelesen am"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_dedupe_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notif_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_idx"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the reader's (active) language."""
        return kinds.render(self)[0]

    @property
    def display_text(self) -> str:
        return kinds.render(self)[1]

    @property
    def priority_help(self) -> str:
        return str(kinds.PRIORITY_HELP.get(self.priority, ""))

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
