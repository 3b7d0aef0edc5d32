"""Inbound e-mail: every received message is a row first (the outbox idea, inbound).

The raw RFC 5322 bytes are kept until the message is processed; `message_id` (the header,
or a hash of the bytes when a message has none) is unique, and so is a mailbox's
(uidvalidity, uid), so no message is stored or processed twice, whichever path (IMAP poll,
ESP webhook) delivered it.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MailSource(models.TextChoices):
    IMAP = "imap", _("IMAP-Postfach")
    WEBHOOK = "webhook", _("Webhook")


class InboundState(models.TextChoices):
    RECEIVED = "received", _("Empfangen")
    PROCESSED = "processed", _("Verarbeitet")
    IGNORED = "ignored", _("Ignoriert")
    FAILED = "failed", _("Fehlgeschlagen")


class Mailbox(models.Model):
    """The position of the IMAP poll in one mailbox folder (kept in the database)."""

    key = models.CharField(_("Postfach"), max_length=300, unique=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    last_uid = models.BigIntegerField(_("Zuletzt gelesene UID"), default=0)
    polled_at = models.DateTimeField(_("Zuletzt abgerufen"), null=True, blank=True)

    class Meta:
        verbose_name = _("Postfach")
        verbose_name_plural = _("Postfächer")

    def __str__(self) -> str:
        return self.key


class InboundMail(models.Model):
    source = models.CharField(_("Quelle"), max_length=10, choices=MailSource.choices)
    esp = models.CharField(_("Anbieter"), max_length=30, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=300, unique=True)
    mailbox = models.ForeignKey(
        Mailbox,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("Postfach"),
    )
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    uid = models.BigIntegerField(_("UID"), null=True, blank=True)
    raw = models.BinaryField(_("Rohdaten"), blank=True)
    from_address = models.CharField(_("Absender"), max_length=254, blank=True)
    subject = models.CharField(_("Betreff"), max_length=200, blank=True)
    state = models.CharField(
        _("Status"), max_length=10, choices=InboundState.choices, default=InboundState.RECEIVED
    )
    reason = models.CharField(_("Grund"), max_length=300, blank=True)
    lead = models.ForeignKey(
        "leads.Lead",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Lead"),
    )
    lead_created = models.BooleanField(_("Lead angelegt"), default=False)
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Aktivität"),
    )
    received_at = models.DateTimeField(_("Empfangen am"), auto_now_add=True)
    processed_at = models.DateTimeField(_("Verarbeitet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Eingegangene E-Mail")
        verbose_name_plural = _("Eingegangene E-Mails")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"],
                name="inboundmail_mailbox_uid",
                condition=Q(uid__isnull=False),
            )
        ]
        indexes = [
            models.Index(
                fields=["id"], name="inboundmail_pending_idx", condition=Q(state="received")
            )
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id
