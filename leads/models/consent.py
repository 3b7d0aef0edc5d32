"""The consent log and the access log of personal data (GDPR)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contacts.models import Person
from leads.models.lead import Lead


class ConsentAction(models.TextChoices):
    REQUESTED = "requested", _("Angefragt")
    CONFIRMED = "confirmed", _("Bestätigt")
    WITHDRAWN = "withdrawn", _("Widerrufen")


class ConsentRecord(models.Model):
    """The consent log (GDPR): each request, confirmation and withdrawal with its proof."""

    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, null=True, blank=True, related_name="consents"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="consents"
    )
    action = models.CharField(_("Aktion"), max_length=12, choices=ConsentAction.choices)
    purpose = models.CharField(_("Zweck"), max_length=40, default="marketing")
    email = models.EmailField(_("E-Mail"), blank=True)
    text_version = models.CharField(_("Textversion"), max_length=20, blank=True)
    text = models.TextField(_("Einwilligungstext"), blank=True, max_length=4000)
    ip_address = models.GenericIPAddressField(_("IP-Adresse"), null=True, blank=True)
    user_agent = models.CharField(_("Browser"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)
    # capture: the confirmation of a double opt-in request; one-to-one so a link confirms once
    confirms = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="confirmation",
        verbose_name=_("Bestätigt die Anfrage"),
    )
    # DOI outbox: a request's confirmation mail is due until it is sent (leads/doi.py);
    # the broker only carries the id, a beat job re-scans what is still due
    mail_sent_at = models.DateTimeField(_("Bestätigungsmail gesendet"), null=True, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(_("Versandversuche"), default=0)

    class Meta:
        verbose_name = _("Einwilligung")
        verbose_name_plural = _("Einwilligungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead__isnull=False) | Q(person__isnull=False),
                name="consent_has_subject",
            )
        ]
        indexes = [
            # the re-scan reads only the few requests whose mail is still due
            models.Index(
                fields=["created_at"],
                condition=Q(action="requested", mail_sent_at__isnull=True),
                name="consent_doi_mail_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.created_at:%d.%m.%Y}"


class DataAccessAction(models.TextChoices):
    VIEWED = "viewed", _("Angesehen")
    EXPORTED = "exported", _("Exportiert")
    ERASED = "erased", _("Gelöscht/anonymisiert")


class PersonalDataAccess(models.Model):
    """Who viewed, exported or erased the personal data of a lead or person, and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Benutzer"),
    )
    action = models.CharField(_("Aktion"), max_length=12, choices=DataAccessAction.choices)
    lead = models.ForeignKey(
        Lead,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_accesses",
        verbose_name=_("Lead"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_accesses",
        verbose_name=_("Person"),
    )
    subject = models.CharField(_("Betroffener Datensatz"), max_length=120)
    reason = models.CharField(_("Anlass"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-Adresse"), null=True, blank=True)
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Zugriff auf personenbezogene Daten")
        verbose_name_plural = _("Zugriffe auf personenbezogene Daten")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.subject}"
