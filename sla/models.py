"""SLA policies (Reaktionszeiten) and the working hours their clock runs in.

A policy says how many working hours a new lead may wait for its first response; it
matches on source, type and campaign (a blank criterion matches every lead). The first
matching policy by `priority` (then the more specific one) decides. Working hours belong
to a policy, or else the global calendar (`is_default`) applies; public holidays come
from the `holidays` package for the chosen Bundesland.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from leads.models import Campaign, LeadSource, LeadType


class Bundesland(models.TextChoices):
    BW = "BW", _("Baden-Württemberg")
    BY = "BY", _("Bayern")
    BE = "BE", _("Berlin")
    BB = "BB", _("Brandenburg")
    HB = "HB", _("Bremen")
    HH = "HH", _("Hamburg")
    HE = "HE", _("Hessen")
    MV = "MV", _("Mecklenburg-Vorpommern")
    NI = "NI", _("Niedersachsen")
    NW = "NW", _("Nordrhein-Westfalen")
    RP = "RP", _("Rheinland-Pfalz")
    SL = "SL", _("Saarland")
    SN = "SN", _("Sachsen")
    ST = "ST", _("Sachsen-Anhalt")
    SH = "SH", _("Schleswig-Holstein")
    TH = "TH", _("Thüringen")


WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class WorkingHours(models.Model):
    name = models.CharField(_("Name"), max_length=80, unique=True)
    monday = models.BooleanField(_("Montag"), default=True)
    tuesday = models.BooleanField(_("Dienstag"), default=True)
    wednesday = models.BooleanField(_("Mittwoch"), default=True)
    thursday = models.BooleanField(_("Donnerstag"), default=True)
    friday = models.BooleanField(_("Freitag"), default=True)
    saturday = models.BooleanField(_("Samstag"), default=False)
    sunday = models.BooleanField(_("Sonntag"), default=False)
    start = models.TimeField(_("Von"), default=dt.time(8, 0))
    end = models.TimeField(_("Bis"), default=dt.time(17, 0))
    state = models.CharField(
        _("Bundesland (Feiertage)"),
        max_length=2,
        choices=Bundesland.choices,
        blank=True,
        help_text=_("Leer: nur die bundesweiten Feiertage."),
    )
    is_default = models.BooleanField(
        _("Standard"),
        default=False,
        help_text=_("Gilt für alle Richtlinien ohne eigene Arbeitszeiten."),
    )

    class Meta:
        verbose_name = _("Arbeitszeit")
        verbose_name_plural = _("Arbeitszeiten")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="sla_one_default_hours"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="sla_hours_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weekdays(self) -> tuple[int, ...]:
        """Python weekday numbers (Monday = 0) that are working days."""
        return tuple(i for i, name in enumerate(WEEKDAY_FIELDS) if getattr(self, name))

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("„Bis“ muss nach „Von“ liegen.")})
        if not self.weekdays:
            raise ValidationError(_("Bitte mindestens einen Arbeitstag auswählen."))


class SlaPolicy(models.Model):
    name = models.CharField(_("Name"), max_length=100, unique=True)
    source = models.ForeignKey(
        LeadSource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Quelle"),
        help_text=_("Leer: jede Quelle."),
    )
    type = models.ForeignKey(
        LeadType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Typ"),
        help_text=_("Leer: jeder Typ."),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kampagne"),
        help_text=_("Leer: jede Kampagne."),
    )
    response_hours = models.DecimalField(
        _("Reaktionszeit (Arbeitsstunden)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("500"))],
    )
    warning_minutes = models.PositiveIntegerField(
        _("Warnung vorher (Minuten)"),
        default=60,
        validators=[MaxValueValidator(10080)],
        help_text=_("So viele Minuten vor Ablauf wird „Nachbetreuung durch“ gewarnt."),
    )
    priority = models.PositiveSmallIntegerField(
        _("Priorität"),
        default=100,
        help_text=_("Kleinere Zahl zuerst; bei Gleichstand gewinnt die genauere Richtlinie."),
    )
    working_hours = models.ForeignKey(
        WorkingHours,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("Arbeitszeiten"),
        help_text=_("Leer: die Standard-Arbeitszeiten."),
    )
    active = models.BooleanField(_("Aktiv"), default=True)

    class Meta:
        verbose_name = _("SLA-Richtlinie")
        verbose_name_plural = _("SLA-Richtlinien")
        ordering = ["priority", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return sum(1 for pk in (self.source_id, self.type_id, self.campaign_id) if pk)

    def matches(self, *, source_id, type_id, campaign_id) -> bool:
        """Does this policy apply to a lead with these list values? Its SQL twin is
        `matching_q`."""
        return all(
            own is None or own == value
            for own, value in (
                (self.source_id, source_id),
                (self.type_id, type_id),
                (self.campaign_id, campaign_id),
            )
        )

    def matching_q(self) -> Q:
        q = Q()
        for name in ("source_id", "type_id", "campaign_id"):
            value = getattr(self, name)
            if value is not None:
                q &= Q(**{name: value})
        return q
