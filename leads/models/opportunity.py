"""Opportunities [Verkaufschancen]: Anfrage or Angebot, created by the conversion."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from contacts.models import Company, Person
from leads.models.lead import Lead


class OpportunityKind(models.TextChoices):
    INQUIRY = "inquiry", _("Anfrage")
    OFFER = "offer", _("Angebot")


class Opportunity(models.Model):
    kind = models.CharField(_("Art"), max_length=10, choices=OpportunityKind.choices)
    title = models.CharField(_("Titel"), max_length=200)
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("Firma")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("Ansprechpartner"),
    )
    lead = models.ForeignKey(
        Lead,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("Lead"),
    )
    amount = models.DecimalField(
        _("Betrag (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    expected_close = models.DateField(_("Voraussichtlicher Abschluss"), null=True, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True, max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("Zuständig"),
    )
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="opportunities", verbose_name=_("Aktivitäten")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Verkaufschance")
        verbose_name_plural = _("Verkaufschancen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
