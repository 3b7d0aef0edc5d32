"""Distribution rules of new leads [Neue Leads verteilen] and their members."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from contacts.models import RankedQuerySet
from leads.models.lists import Campaign, Interest, LeadSource, LeadType


class AssignmentStrategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Reihum (gewichtet)")
    FEWEST_OPEN = "fewest_open", _("Wenigste offene Leads")


class AssignmentRule(models.Model):
    """Distribution of new leads [Neue Leads verteilen]; the first matching rule by rank wins.

    An empty condition matches everything.
    """

    name = models.CharField(_("Name"), max_length=100, unique=True)
    rank = models.PositiveSmallIntegerField(_("Rang"), default=0)
    active = models.BooleanField(_("Aktiv"), default=True)
    sources = models.ManyToManyField(LeadSource, blank=True, verbose_name=_("Quellen"))
    types = models.ManyToManyField(LeadType, blank=True, verbose_name=_("Typen"))
    interests = models.ManyToManyField(Interest, blank=True, verbose_name=_("Interessen"))
    campaigns = models.ManyToManyField(Campaign, blank=True, verbose_name=_("Kampagnen"))
    countries = models.CharField(
        _("Länder"), max_length=200, blank=True, help_text=_("ISO-Codes, kommagetrennt: DE,AT,CH")
    )
    postal_code_prefixes = models.CharField(
        _("PLZ-Präfixe"), max_length=300, blank=True, help_text=_("Kommagetrennt, z. B. 80,81,82")
    )
    strategy = models.CharField(
        _("Verteilung"),
        max_length=20,
        choices=AssignmentStrategy.choices,
        default=AssignmentStrategy.ROUND_ROBIN,
    )
    member_role = models.CharField(
        _("Mitglieder: alle mit der Rolle"),
        max_length=50,
        blank=True,
        choices=Role.choices,
        help_text=_(
            "Leer: die unten eingetragenen Mitglieder. Mit Rolle: alle aktiven Benutzer "
            "dieser Rolle (Gewicht und Position stehen bei den Mitgliedern)."
        ),
    )
    fallback_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Ersatz, wenn alle abwesend"),
    )

    objects = RankedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Verteilregel")
        verbose_name_plural = _("Verteilregeln")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class AssignmentMember(models.Model):
    rule = models.ForeignKey(AssignmentRule, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Benutzer"),
    )
    weight = models.PositiveSmallIntegerField(
        _("Gewicht"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    assigned_count = models.PositiveIntegerField(_("Zugewiesen"), default=0)

    class Meta:
        verbose_name = _("Mitglied")
        verbose_name_plural = _("Mitglieder")
        constraints = [
            models.UniqueConstraint(fields=["rule", "user"], name="assignmentmember_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ×{self.weight}"
