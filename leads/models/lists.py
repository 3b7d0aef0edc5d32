"""The admin-maintained lists of the lead mask: sources, types, interests, scoring, campaigns."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contacts.models import RankedQuerySet


class LeadSource(models.Model):
    name = models.CharField(_("Name"), max_length=80, unique=True)
    rank = models.PositiveSmallIntegerField(_("Rang"), default=0)
    active = models.BooleanField(_("Aktiv"), default=True)

    objects = RankedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Quelle")
        verbose_name_plural = _("Quellen")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class LeadType(models.Model):
    name = models.CharField(_("Name"), max_length=80, unique=True)
    description = models.CharField(_("Beschreibung"), max_length=300, blank=True)
    rank = models.PositiveSmallIntegerField(_("Rang"), default=0)
    active = models.BooleanField(_("Aktiv"), default=True)

    objects = RankedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Typ")
        verbose_name_plural = _("Typen")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Interest(models.Model):
    name = models.CharField(_("Name"), max_length=80, unique=True)
    rank = models.PositiveSmallIntegerField(_("Rang"), default=0)
    active = models.BooleanField(_("Aktiv"), default=True)

    objects = RankedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Interessensschwerpunkt")
        verbose_name_plural = _("Interessensschwerpunkte")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class ScoringCriterion(models.Model):
    """One criterion of "Bewertung des Leadpotenzials" with its weight in the score.

    The criterion whose `uses_source` is set takes its option from the lead's source
    (one input, not two): its options each name the LeadSource they stand for.
    """

    name = models.CharField(_("Name"), max_length=80, unique=True)
    description = models.CharField(_("Beschreibung"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("Gewichtung"), default=1, validators=[MaxValueValidator(100)]
    )
    uses_source = models.BooleanField(
        _("Aus der Quelle des Leads"),
        default=False,
        help_text=_("Die Bewertung ergibt sich aus dem Feld „Quelle“ des Leads."),
    )
    rank = models.PositiveSmallIntegerField(_("Rang"), default=0)
    active = models.BooleanField(_("Aktiv"), default=True)

    objects = RankedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Bewertungskriterium")
        verbose_name_plural = _("Bewertungskriterien")
        ordering = ["rank", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["uses_source"], condition=Q(uses_source=True), name="criterion_one_source"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ScoringOption(models.Model):
    criterion = models.ForeignKey(
        ScoringCriterion,
        on_delete=models.CASCADE,
        related_name="options",
        verbose_name=_("Kriterium"),
    )
    label = models.CharField(_("Bezeichnung"), max_length=80)
    points = models.PositiveSmallIntegerField(
        _("Punkte"), default=0, validators=[MaxValueValidator(100)]
    )
    source = models.OneToOneField(
        LeadSource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scoring_option",
        verbose_name=_("Quelle"),
    )
    rank = models.PositiveSmallIntegerField(_("Rang"), default=0)

    class Meta:
        verbose_name = _("Bewertungsoption")
        verbose_name_plural = _("Bewertungsoptionen")
        ordering = ["criterion__rank", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "label"], name="option_label_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.points})"


class Campaign(models.Model):
    name = models.CharField(_("Name"), max_length=150, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True, max_length=2000)
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    active = models.BooleanField(_("Aktiv"), default=True)
    web_form_enabled = models.BooleanField(_("Webformular aktiv"), default=False)
    default_source = models.ForeignKey(
        LeadSource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Standardquelle"),
    )
    consent_text = models.TextField(_("Einwilligungstext"), blank=True, max_length=4000)
    consent_version = models.CharField(
        _("Version des Einwilligungstexts"), max_length=20, blank=True
    )
    allowed_origins = models.TextField(
        _("Erlaubte Ursprünge (CORS)"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Websites, deren Seiten Anfragen per JSON an die Erfassungs-API senden dürfen, "
            "eine pro Zeile, z. B. https://www.example.de"
        ),
    )

    objects = RankedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kampagne")
        verbose_name_plural = _("Kampagnen")
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name

    def allows_origin(self, origin: str) -> bool:
        """Whether a browser page from `origin` may send leads to the JSON capture API."""
        wanted = (origin or "").strip().rstrip("/").lower()
        if not wanted or wanted == "null":
            return False
        allowed = {line.strip().rstrip("/").lower() for line in self.allowed_origins.splitlines()}
        return wanted in allowed


class LostReason(models.Model):
    """Verlustgrund: why a lead became Disqualifiziert or Geschlossen (issue #17)."""

    name = models.CharField(_("Name"), max_length=80, unique=True)
    rank = models.PositiveSmallIntegerField(_("Rang"), default=0)
    active = models.BooleanField(_("Aktiv"), default=True)

    objects = RankedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Verlustgrund")
        verbose_name_plural = _("Verlustgründe")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name
