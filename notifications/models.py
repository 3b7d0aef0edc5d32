"""Notifications shown in the bell menu (seed 002 "Benachrichtigungen")."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    A = "A", _("A – hoch")
    B = "B", _("B – mittel")
    C = "C", _("C – niedrig")


class Kind(models.TextChoices):
    ENTITY = "entity", _("Entität")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("Nachbetreuung überfällig")
    APPOINTMENT_CREATED = "appointment_created", _("Neuer Termin")
    APPOINTMENT_CHANGED = "appointment_changed", _("Termin geändert")
    APPOINTMENT_REMINDER = "appointment_reminder", _("Terminerinnerung")
    LEAD_ASSIGNED = "lead_assigned", _("Lead zugewiesen")
    STALE_DIGEST = "stale_digest", _("Veraltete Leads")
    SYSTEM = "system", _("System")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


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
    title = models.CharField(_("Titel"), max_length=200)
    text = models.TextField(_("Text"), blank=True, max_length=2000)
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
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
