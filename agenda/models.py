"""Calendar state of a user: the secret feed token and the invitations sent.

The feed token is stored hashed (like API tokens): the URL is shown once when made, a
lost one is replaced. An invitation row keeps the exact .ics that its outbox mail carries,
so a retry or the beat re-queue sends the same calendar data (activities.mail asks
`agenda.invitations.attachments_for` when the mail is built).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("Benutzer"),
    )
    token_hash = models.CharField(_("Token (Hash)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("Zuletzt abgerufen"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kalender-Abo")
        verbose_name_plural = _("Kalender-Abos")

    def __str__(self) -> str:
        return str(self.user)


class InvitationMethod(models.TextChoices):
    REQUEST = "REQUEST", _("Einladung")
    CANCEL = "CANCEL", _("Absage")


class Invitation(models.Model):
    appointment = models.ForeignKey(
        "activities.Activity",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Termin"),
    )
    mail = models.OneToOneField(
        "activities.Activity",
        on_delete=models.CASCADE,
        related_name="calendar_invitation",
        verbose_name=_("E-Mail"),
    )
    method = models.CharField(_("Art"), max_length=10, choices=InvitationMethod.choices)
    sequence = models.PositiveIntegerField(_("Sequenz"))
    ics = models.TextField(_("Kalenderdaten"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Gesendet von"),
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kalendereinladung")
        verbose_name_plural = _("Kalendereinladungen")
        indexes = [models.Index(fields=["appointment", "-created_at"], name="invitation_appt_idx")]

    def __str__(self) -> str:
        return f"{self.method} {self.appointment_id}"
