"""Opportunities [Verkaufschancen]: an Anfrage or Angebot to a Geschäftspartner.

Created by the conversion of a lead or later from a converted lead's page; worked on its
own screens (list, detail, edit) with a status offen → gewonnen | verloren. The table is
still `leads_opportunity`: the model moved here from the leads app without moving data
(opportunities/migrations/0001_initial.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.models import Activity
from contacts.models import Company, Person
from leads.models import Lead
from ui.object_urls import object_url


class OpportunityKind(models.TextChoices):
    INQUIRY = "inquiry", _("Anfrage")
    OFFER = "offer", _("Angebot")


class OpportunityStatus(models.TextChoices):
    OPEN = "open", _("Offen")
    WON = "won", _("Gewonnen")
    LOST = "lost", _("Verloren")


CLOSED_STATUSES = frozenset({OpportunityStatus.WON, OpportunityStatus.LOST})


class OpportunityQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=OpportunityStatus.OPEN)

    def for_list(self):
        """What a row of the list, the lead section and the company section shows."""
        return self.select_related("company", "person", "owner", "lead")


class Opportunity(models.Model):
    kind = models.CharField(_("Art"), max_length=10, choices=OpportunityKind.choices)
    title = models.CharField(_("Titel"), max_length=200)
    status = models.CharField(
        _("Status"),
        max_length=10,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.OPEN,
    )
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
    closed_at = models.DateTimeField(_("Abgeschlossen am"), null=True, blank=True)
    # optimistic locking: every write bumps it; kept in the history to name a conflict's changes
    version = models.PositiveIntegerField(_("Version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Angelegt von"),
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Geändert von"),
    )
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = OpportunityQuerySet.as_manager()

    class Meta:
        db_table = "leads_opportunity"
        verbose_name = _("Verkaufschance")
        verbose_name_plural = _("Verkaufschancen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="opportunity_created_idx"),
            models.Index(fields=["status", "expected_close"], name="opportunity_status_close_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self) -> str:
        """The opportunity's page; a cached reverse() (ui.object_urls)."""
        return object_url("opportunities:detail", self.pk)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES
