"""Engagement score settings (one row, edited in the admin) and the tracking-event log.

activities keeps only a mail's latest delivery state (a click overwrites the open, and a
late open is dropped behind a click), so the opens and clicks the score counts are logged
here, one row per anymail tracking event (`engagement/receivers.py`).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from leads.models import Lead


class Signal(models.TextChoices):
    OPEN = "open", _("Mail geöffnet")
    CLICK = "click", _("Link geklickt")
    REPLY = "reply", _("Antwort")
    WEB_REQUEST = "web_request", _("Erneute Webanfrage")
    MEETING = "meeting", _("Termin")


def _points(default: int, label):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(100)]
    )


class EngagementSettings(models.Model):
    """Weights and half-life of the engagement score: the one row `current()` returns."""

    half_life_days = models.PositiveSmallIntegerField(
        _("Halbwertszeit (Tage)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Nach dieser Zeit zählt ein Signal nur noch halb so viel."),
    )
    open_points = _points(2, _("Punkte je Öffnung"))
    open_max = _points(10, _("Höchstens aus Öffnungen"))
    click_points = _points(5, _("Punkte je Klick"))
    click_max = _points(25, _("Höchstens aus Klicks"))
    reply_points = _points(15, _("Punkte je Antwort"))
    reply_max = _points(45, _("Höchstens aus Antworten"))
    web_request_points = _points(10, _("Punkte je erneuter Webanfrage"))
    web_request_max = _points(30, _("Höchstens aus Webanfragen"))
    meeting_points = _points(20, _("Punkte je Termin"))
    meeting_max = _points(40, _("Höchstens aus Terminen"))
    last_run_at = models.DateTimeField(_("Zuletzt berechnet"), null=True, blank=True)

    class Meta:
        verbose_name = _("Engagement-Einstellungen")
        verbose_name_plural = _("Engagement-Einstellungen")

    def __str__(self) -> str:
        return str(_("Engagement-Score"))

    @classmethod
    def current(cls) -> EngagementSettings:
        return cls.objects.order_by("pk").first() or cls.objects.create()

    def weights(self) -> dict[str, tuple[int, int]]:
        """{signal: (points per event, ceiling)}."""
        return {
            s.value: (getattr(self, f"{s.value}_points"), getattr(self, f"{s.value}_max"))
            for s in Signal
        }


class EngagementEvent(models.Model):
    """One open or click of a mail sent to the lead (anymail tracking)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="engagement_events")
    signal = models.CharField(_("Signal"), max_length=20, choices=Signal.choices)
    occurred_at = models.DateTimeField(_("Zeitpunkt"))
    message_id = models.CharField(_("Nachrichten-ID"), max_length=200)
    esp_event_id = models.CharField(_("Ereignis-ID"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Engagement-Ereignis")
        verbose_name_plural = _("Engagement-Ereignisse")
        constraints = [
            # the ESP retries a webhook: the same event must count once
            models.UniqueConstraint(
                fields=["lead", "signal", "message_id", "occurred_at"],
                name="engagement_event_once",
            )
        ]
        indexes = [models.Index(fields=["lead", "occurred_at"], name="engagement_event_lead_idx")]

    def __str__(self) -> str:
        return f"{self.get_signal_display()} · {self.occurred_at:%Y-%m-%d %H:%M}"
