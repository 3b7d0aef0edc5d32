"""Companies, persons and the lists that classify them (seeds 000 and 001).

The lead status lives on persons and is gated by the company's category: it applies only
when the category is in a prospect group and has "Lead-Status aktivieren" ticked. The
rules are in `contacts/rules.py` (reads) and `contacts/services.py` (writes).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from contacts.rules import lead_status_applies
from ui.object_urls import object_url


class GroupKind(models.TextChoices):
    CUSTOMER = "customer", _("Kunde")
    PROSPECT = "prospect", _("Potenzieller Kunde")
    PARTNER = "partner", _("Partner")
    SUPPLIER = "supplier", _("Lieferant")
    OTHER = "other", _("Sonstige")


class Phase(models.TextChoices):
    OPEN = "open", _("Offen")
    WORKING = "working", _("In Bearbeitung")
    QUALIFIED = "qualified", _("Qualifiziert")
    REVISIT = "revisit", _("Erneut bearbeiten")
    DISQUALIFIED = "disqualified", _("Disqualifiziert")
    CLOSED = "closed", _("Geschlossen")
    CONVERTED = "converted", _("Konvertiert")


TERMINAL_PHASES = frozenset({Phase.DISQUALIFIED, Phase.CLOSED, Phase.CONVERTED})


class RankedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class CategoryGroup(models.Model):
    name = models.CharField(_("Name"), max_length=80, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=GroupKind.choices)
    rank = models.PositiveSmallIntegerField(_("Rang"), default=0)

    class Meta:
        verbose_name = _("Kategoriengruppe")
        verbose_name_plural = _("Kategoriengruppen")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField(_("Name"), max_length=80, unique=True)
    group = models.ForeignKey(
        CategoryGroup,
        on_delete=models.PROTECT,
        related_name="categories",
        verbose_name=_("Kategoriengruppe"),
    )
    lead_status_enabled = models.BooleanField(
        _("Lead-Status für diese Kategorie aktivieren"),
        default=False,
        help_text=_("Nur für Kategorien der Gruppe „Potenzieller Kunde“ möglich."),
    )
    rank = models.PositiveSmallIntegerField(_("Rang"), default=0)
    active = models.BooleanField(_("Aktiv"), default=True)

    objects = RankedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Firma – Kategorie")
        verbose_name_plural = _("Firma – Kategorien")
        ordering = ["group__rank", "rank", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.lead_status_enabled and self.group_id:
            if self.group.kind != GroupKind.PROSPECT:
                raise ValidationError(
                    {
                        "lead_status_enabled": _(
                            "Der Lead-Status kann nur für Kategorien der Gruppe "
                            "„Potenzieller Kunde“ aktiviert werden."
                        )
                    }
                )

    # The person lead-status gate (seed 000), once in Python and once in SQL, side by side
    # (tests/contacts/test_contacts_rules.py checks that both agree on every category).
    @property
    def uses_lead_status(self) -> bool:
        """A person of this category has a lead status: a prospect category with it enabled."""
        return self.lead_status_enabled and self.group.kind == GroupKind.PROSPECT

    @staticmethod
    def uses_lead_status_q(prefix: str = "") -> Q:
        """`uses_lead_status` as a filter on the category reached by `prefix`
        (e.g. "company__category__")."""
        return Q(
            **{f"{prefix}lead_status_enabled": True, f"{prefix}group__kind": GroupKind.PROSPECT}
        )


class LeadStatusQuerySet(RankedQuerySet):
    def default(self):
        return self.get(is_default=True)

    def terminal(self):
        return self.filter(phase__in=TERMINAL_PHASES)

    def non_terminal(self):
        return self.exclude(phase__in=TERMINAL_PHASES)


class LeadStatus(models.Model):
    name = models.CharField(_("Name"), max_length=60, unique=True)
    description = models.CharField(_("Beschreibung"), max_length=300, blank=True)
    phase = models.CharField(_("Phase"), max_length=20, choices=Phase.choices)
    rank = models.PositiveSmallIntegerField(_("Rang"), default=0)
    colour = models.CharField(
        _("Farbe"),
        max_length=7,
        default="#6c757d",
        help_text=_("Hex-Farbe, z. B. #0d6efd"),
    )
    active = models.BooleanField(_("Aktiv"), default=True)
    is_default = models.BooleanField(_("Standard"), default=False)

    objects = LeadStatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("Lead-Status")
        verbose_name_plural = _("Lead-Status")
        ordering = ["rank", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="leadstatus_one_default"
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"), name="leadstatus_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_terminal(self) -> bool:
        return self.phase in TERMINAL_PHASES


class Salutation(models.TextChoices):
    NONE = "", _("—")
    MR = "Herr", _("Herr")
    MS = "Frau", _("Frau")
    DIVERSE = "divers", _("Divers")


class CompanyQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("category__group", "owner")


class Company(models.Model):
    name = models.CharField(_("Name"), max_length=200, db_index=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companies",
        verbose_name=_("Kategorie"),
    )
    street = models.CharField(_("Straße"), max_length=200, blank=True)
    postal_code = models.CharField(_("PLZ"), max_length=12, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    country = CountryField(_("Land"), default="DE", blank=True)
    phone = PhoneNumberField(_("Telefon"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    website = models.URLField(_("Webseite"), blank=True, max_length=300)
    industry = models.CharField(_("Branche"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_companies",
        verbose_name=_("Zuständig"),
    )
    version = models.PositiveIntegerField(_("Version"), default=1)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])
    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Firma")
        verbose_name_plural = _("Firmen")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["owner", "name"], name="company_owner_name_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The company's page (Geschäftspartner)."""
        return object_url("contacts:company_detail", self.pk)


class PersonQuerySet(models.QuerySet):
    def with_lead_status_applicable(self):
        """The persons whose `lead_status_applicable` is true."""
        return self.filter(Category.uses_lead_status_q("company__category__"))

    def for_list(self):
        return self.select_related("company__category__group", "lead_status", "owner")


class Person(models.Model):
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("Firma"),
    )
    salutation = models.CharField(
        _("Anrede"), max_length=10, choices=Salutation.choices, blank=True
    )
    title = models.CharField(_("Titel"), max_length=40, blank=True)
    first_name = models.CharField(_("Vorname"), max_length=100, blank=True)
    last_name = models.CharField(_("Nachname"), max_length=100, db_index=True)
    function = models.CharField(_("Funktion"), max_length=120, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True, db_index=True)
    phone = PhoneNumberField(_("Telefon"), blank=True)
    mobile = PhoneNumberField(_("Mobil"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_persons",
        verbose_name=_("Zuständig"),
    )
    lead_status = models.ForeignKey(
        LeadStatus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("Lead-Status"),
    )
    lead_status_changed_at = models.DateTimeField(_("Lead-Status geändert"), null=True, blank=True)
    version = models.PositiveIntegerField(_("Version"), default=1)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["company", "last_name"], name="person_company_name_idx"),
            models.Index(fields=["lead_status", "id"], name="person_status_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        """The person's page (Personenmaske)."""
        return object_url("contacts:person_detail", self.pk)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def category(self):
        """Persons inherit the category of their company; it is never set on the person."""
        return self.company.category if self.company_id else None

    @property
    def lead_status_applicable(self) -> bool:
        """Shown and editable only when the company's category uses the lead status."""
        return lead_status_applies(self.category)
