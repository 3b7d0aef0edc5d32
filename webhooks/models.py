"""Outgoing webhooks: subscriptions (admin) and the delivery outbox with its log.

A delivery row is written in the transaction of the change that caused it (outbox), then
sent by a Celery task that claims the row under a lock; beat re-scans due rows, so nothing
is lost while Redis or the receiver is down and nothing is sent twice.
"""

from __future__ import annotations

import base64
import secrets

from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    LEAD_CREATED = "lead.created", _("Lead angelegt")
    LEAD_UPDATED = "lead.updated", _("Lead geändert")
    LEAD_STATUS_CHANGED = "lead.status_changed", _("Lead-Status geändert")
    LEAD_ASSIGNED = "lead.assigned", _("Lead zugewiesen")
    LEAD_CONVERTED = "lead.converted", _("Lead konvertiert")
    ACTIVITY_CREATED = "activity.created", _("Aktivität angelegt")
    OPPORTUNITY_CREATED = "opportunity.created", _("Verkaufschance angelegt")
    OPPORTUNITY_UPDATED = "opportunity.updated", _("Verkaufschance geändert")


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` + base64 of 24 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookSubscription(models.Model):
    name = models.CharField(_("Name"), max_length=100)
    url = models.URLField(
        _("Empfänger-URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    events = models.JSONField(_("Ereignisse"), default=list)
    secret = models.CharField(
        _("Signaturschlüssel"),
        max_length=100,
        default=new_secret,
        help_text=_(
            "Standard-Webhooks-Schlüssel (whsec_…); der Empfänger prüft damit die Signatur."
        ),
    )
    active = models.BooleanField(_("Aktiv"), default=True)
    failure_count = models.PositiveIntegerField(_("Fehlschläge in Folge"), default=0)
    disabled_at = models.DateTimeField(_("Automatisch deaktiviert am"), null=True, blank=True)
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Webhook-Abonnement")
        verbose_name_plural = _("Webhook-Abonnements")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return self.active and event in (self.events or [])


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Ausstehend")
    SENT = "sent", _("Zugestellt")
    FAILED = "failed", _("Fehlgeschlagen")


class WebhookDelivery(models.Model):
    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("Abonnement"),
    )
    message_id = models.CharField(_("Nachrichten-ID"), max_length=40, unique=True)
    event = models.CharField(_("Ereignis"), max_length=40, choices=Event.choices)
    payload = models.JSONField(_("Inhalt"))
    status = models.CharField(
        _("Status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    next_attempt_at = models.DateTimeField(_("Nächster Versuch"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("Letzter Versuch"), null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("Antwortcode"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("Dauer (ms)"), null=True, blank=True)
    error = models.TextField(_("Fehler"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now)
    sent_at = models.DateTimeField(_("Zugestellt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Webhook-Zustellung")
        verbose_name_plural = _("Webhook-Zustellungen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhookdelivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.get_status_display()})"
