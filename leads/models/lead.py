"""The lead (seed 002 "Die Lead-Maske im Detail") with its contacts, ratings, status changes and number counter.

A lead is an early-stage prospect captured with loose data (company name, contact name)
that a rep qualifies, scores and eventually converts into a company, a person and an
opportunity. Writes go through `leads/services/`; reads through the querysets here and
`leads/selectors.py`.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from activities.models import Activity
from contacts.models import TERMINAL_PHASES, Company, LeadStatus, Person, Phase
from leads.models.lists import (
    Campaign,
    Interest,
    LeadSource,
    LeadType,
    LostReason,
    ScoringCriterion,
    ScoringOption,
)
from ui.dates import sane_date_range, validate_sane_date
from ui.object_urls import object_url

# The minimum a lead needs to be worth a number (issue #15): someone to talk to and a way to
# reach them. The mask's form, the services (every channel: web form, import, admin, API)
# and the bulk path all call this one function.
IDENTITY_FIELDS = ("company_name", "first_name", "last_name", "email", "phone")


def lead_identity_errors(
    *, company_name="", first_name="", last_name="", email="", phone=""
) -> dict[str, str]:
    """Field → German error for a lead without company or name, or without e-mail or phone."""
    errors: dict[str, str] = {}
    if not any(str(v or "").strip() for v in (company_name, first_name, last_name)):
        message = str(_("Bitte ein Unternehmen oder einen Namen angeben."))
        errors["company_name"] = errors["last_name"] = message
    if not any(str(v or "").strip() for v in (email, phone)):
        message = str(_("Bitte eine E-Mail-Adresse oder eine Telefonnummer angeben."))
        errors["email"] = errors["phone"] = message
    return errors


# A lead in one of these phases is lost and needs a Verlustgrund (issue #17): the rule is
# `Lead.lost_reason_error()`, its SQL twins `LeadQuerySet.lost()` / `.lacking_lost_reason()`,
# enforced on every write by `leads.services.lifecycle.settle_lost_reason`.
LOST_PHASES = frozenset({Phase.DISQUALIFIED, Phase.CLOSED})


def is_lost_status(status: LeadStatus | None) -> bool:
    return status is not None and status.phase in LOST_PHASES


class CaptureChannel(models.TextChoices):
    MANUAL = "manual", _("Manuell")
    WEB_FORM = "web_form", _("Webformular")
    IMPORT = "import", _("Import")
    EMAIL = "email", _("E-Mail")
    PHONE = "phone", _("Telefon")
    FAIR = "fair", _("Messe")


class LeadQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__phase__in=TERMINAL_PHASES)

    @staticmethod
    def overdue_condition(today: dt.date) -> Q:
        """SQL twin of `Lead.follow_up_overdue(today)`, as a Q for aggregates (tiles)."""
        return Q(follow_up_until__lt=today, status__in=LeadStatus.objects.non_terminal())

    def overdue(self, today: dt.date):
        """Nachbetreuung überfällig; the same rule as `Lead.follow_up_overdue(today)`."""
        return self.filter(self.overdue_condition(today))

    def terminal(self):
        return self.filter(status__phase__in=TERMINAL_PHASES)

    def lost(self):
        """Disqualifiziert or Geschlossen: the leads `Lead.is_lost` names."""
        return self.filter(status__phase__in=LOST_PHASES)

    def lacking_lost_reason(self):
        """Lost leads without an active reason: the SQL twin of `Lead.lost_reason_error()`
        (leads lost before the reason was asked for, or whose reason was deactivated)."""
        return self.lost().filter(Q(lost_reason__isnull=True) | Q(lost_reason__active=False))

    def active(self):
        """Leads that are not merged into another one and not anonymised."""
        return self.filter(merged_into__isnull=True)

    def for_list(self):
        return self.select_related("status", "source", "type", "follow_up_by", "customer")

    def for_board(self):
        return self.select_related("status", "follow_up_by")

    def for_board_cards(self):
        """What a board card shows, and nothing else (a board renders ~100 cards; the
        lead's other 60 columns cost more to load than the query to find them)."""
        return self.for_board().only(
            "number",
            "company_name",
            "first_name",
            "last_name",
            "status",
            "version",
            "score",
            "follow_up_until",
            "follow_up_by",
            "appointment_with",  # with follow_up_by and created_by: may the user move it
            "created_by",
            "created_at",
            "follow_up_by__first_name",
            "follow_up_by__last_name",
            "follow_up_by__username",
        )


class Lead(models.Model):
    number = models.CharField(_("Leadnummer"), max_length=20, unique=True, editable=False)

    # Allgemeine Informationen
    company_name = models.CharField(_("Unternehmen"), max_length=200, blank=True)
    salutation = models.CharField(_("Anrede"), max_length=10, blank=True)
    first_name = models.CharField(_("Vorname"), max_length=100, blank=True)
    last_name = models.CharField(_("Nachname"), max_length=100, blank=True)
    # no single-column indexes where a composite one starts with the column (the lead table
    # is written by every import: each index costs, bench/results/import.md)
    status = models.ForeignKey(
        LeadStatus,
        on_delete=models.PROTECT,
        related_name="leads",
        verbose_name=_("Status"),
        db_index=False,  # lead_status_created_idx
    )
    source = models.ForeignKey(
        LeadSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("Quelle"),
    )
    type = models.ForeignKey(
        LeadType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("Typ"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("Kampagne"),
    )

    # Organisation und Zuständigkeiten
    appointment_with = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_appointments",
        verbose_name=_("Termin mit"),
    )
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads_to_follow_up",
        verbose_name=_("Nachbetreuung durch"),
        db_index=False,  # lead_owner_created_idx
    )
    follow_up_until = models.DateField(
        _("Nachbetreuung bis"), null=True, blank=True, validators=[validate_sane_date]
    )
    planned_start = models.DateTimeField(
        _("Termin von (geplant)"), null=True, blank=True, validators=[validate_sane_date]
    )
    planned_end = models.DateTimeField(
        _("Termin bis (geplant)"), null=True, blank=True, validators=[validate_sane_date]
    )

    # Detailinformationen
    function = models.CharField(_("Funktion"), max_length=120, blank=True)
    street = models.CharField(_("Straße"), max_length=200, blank=True)
    postal_code = models.CharField(_("PLZ"), max_length=12, blank=True)
    city = models.CharField(_("Ort"), max_length=100, blank=True)
    country = CountryField(_("Land"), default="DE", blank=True)
    phone = PhoneNumberField(_("Telefon"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    website = models.URLField(_("Webseite"), max_length=300, blank=True)
    business_card = models.ImageField(
        _("Visitenkarte"), upload_to="business_cards/", blank=True, max_length=200
    )

    # Bewertung des Leadpotenzials
    score = models.PositiveSmallIntegerField(
        _("Lead-Score"), default=0, validators=[MaxValueValidator(100)]
    )  # sorted through lead_perf_score_idx (PostgreSQL, leads/migrations/0006)
    score_breakdown = models.JSONField(_("Score-Aufschlüsselung"), default=list, blank=True)
    interests = models.ManyToManyField(
        Interest, blank=True, related_name="leads", verbose_name=_("Interessensschwerpunkte")
    )
    # Engagement (issue #17): points for opens, clicks, replies, repeated requests and
    # meetings, decayed by a half-life; sorted through lead_perf_engagement_idx (PostgreSQL)
    engagement_score = models.PositiveSmallIntegerField(
        _("Engagement-Score"), default=0, validators=[MaxValueValidator(100)]
    )
    engagement_breakdown = models.JSONField(
        _("Engagement-Aufschlüsselung"), default=list, blank=True
    )

    # Folgeaktionen und Sonstiges
    send_info_material = models.BooleanField(_("Infomaterial senden"), default=False)
    request_opt_in = models.BooleanField(_("Opt-in anfragen"), default=False)
    arrange_appointment = models.BooleanField(_("Termin vereinbaren"), default=False)
    next_appointment = models.DateField(
        _("Nachfolgetermin"), null=True, blank=True, validators=[validate_sane_date]
    )
    notes = models.TextField(_("Notizen"), blank=True, max_length=10000)

    # Links to the customer side
    customer = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("Geschäftspartner"),
    )
    contacts = models.ManyToManyField(
        Person,
        through="LeadContact",
        blank=True,
        related_name="leads",
        verbose_name=_("Ansprechpartner"),
    )
    appointment = models.OneToOneField(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_of_appointment",
        verbose_name=_("Termin-Aktivität"),
    )
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="leads", verbose_name=_("Aktivitäten")
    )

    # Capture
    capture_channel = models.CharField(
        _("Erfassungskanal"),
        max_length=20,
        choices=CaptureChannel.choices,
        default=CaptureChannel.MANUAL,
    )
    utm_source = models.CharField(_("UTM-Quelle"), max_length=100, blank=True)
    utm_medium = models.CharField(_("UTM-Medium"), max_length=100, blank=True)
    utm_campaign = models.CharField(_("UTM-Kampagne"), max_length=100, blank=True)
    utm_term = models.CharField(_("UTM-Begriff"), max_length=100, blank=True)
    utm_content = models.CharField(_("UTM-Inhalt"), max_length=100, blank=True)
    landing_page = models.URLField(_("Landingpage"), max_length=500, blank=True)
    referrer = models.URLField(_("Verweis"), max_length=500, blank=True)

    # Conversion and lifecycle
    converted_at = models.DateTimeField(_("Konvertiert am"), null=True, blank=True)
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Konvertiert von"),
    )
    status_changed_at = models.DateTimeField(_("Status geändert am"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Abgeschlossen am"), null=True, blank=True)
    # Why a lead became Disqualifiziert or Geschlossen (required then; issue #17)
    lost_reason = models.ForeignKey(
        LostReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name=_("Verlustgrund"),
    )
    lost_note = models.TextField(_("Notiz zum Verlust"), blank=True, max_length=2000)
    # Response SLA (issue #17; computed by the sla app): created → first outgoing activity
    # or logged call; the due time from the matching policy; set when the SLA was breached
    first_response_at = models.DateTimeField(_("Erste Reaktion am"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("Reaktion fällig bis"), null=True, blank=True)
    response_breached_at = models.DateTimeField(_("SLA verletzt am"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("Letzte Aktivität"), null=True, blank=True)
    is_stale = models.BooleanField(_("Veraltet"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_leads",
        verbose_name=_("Zusammengeführt in"),
    )
    anonymised_at = models.DateTimeField(_("Anonymisiert am"), null=True, blank=True)

    version = models.PositiveIntegerField(_("Version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Angelegt von"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Geändert von"),
    )
    # ordered and ranged through lead_perf_created_idx (PostgreSQL, leads/migrations/0006)
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[
            "version",
            "updated_at",
            "score_breakdown",
            "engagement_score",
            "engagement_breakdown",
            "first_response_at",
            "response_due_at",
            "response_breached_at",
            "is_stale",
            "last_activity_at",
        ],
        m2m_fields=[interests],
    )
    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("Lead")
        verbose_name_plural = _("Leads")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at", "-id"], name="lead_status_created_idx"),
            models.Index(fields=["follow_up_by", "-created_at"], name="lead_owner_created_idx"),
            models.Index(
                fields=["follow_up_until"],
                name="lead_follow_up_open_idx",
                condition=Q(closed_at__isnull=True),
            ),
            # the SLA beat job: leads still waiting for their first response
            models.Index(
                fields=["response_due_at"],
                name="lead_response_due_idx",
                condition=Q(first_response_at__isnull=True, response_due_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="lead_score_range"),
            models.CheckConstraint(
                condition=Q(engagement_score__lte=100), name="lead_engagement_score_range"
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="lead_planned_end_after_start",
            ),
            # ui/dates.py: a date the database cannot give back to Python is never stored
            models.CheckConstraint(
                condition=sane_date_range("follow_up_until"), name="lead_follow_up_until_range"
            ),
            models.CheckConstraint(
                condition=sane_date_range("next_appointment"),
                name="lead_next_appointment_range",
            ),
            models.CheckConstraint(
                condition=sane_date_range("planned_start", datetime=True),
                name="lead_planned_start_range",
            ),
            models.CheckConstraint(
                condition=sane_date_range("planned_end", datetime=True),
                name="lead_planned_end_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.display_name}".strip()

    def get_absolute_url(self) -> str:
        """The lead mask; a cached reverse() (ui.object_urls), cheap for lists of many."""
        return object_url("leads:detail", self.pk)

    @property
    def contact_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def display_name(self) -> str:
        return self.company_name or self.contact_name

    @property
    def is_terminal(self) -> bool:
        return self.status.phase in TERMINAL_PHASES

    @property
    def is_lost(self) -> bool:
        return self.status_id is not None and is_lost_status(self.status)

    def lost_reason_error(self, *, kept_reason_id: int | None = None) -> str | None:
        """German refusal when the lead is lost without an active Verlustgrund, else None.
        `kept_reason_id`: the reason the lead had already, still accepted when it has been
        deactivated since (a save that does not touch it must not fail on it)."""
        if not self.is_lost:
            return None
        if self.lost_reason_id is None:
            return str(_("Bitte einen Verlustgrund angeben."))
        if not self.lost_reason.active and self.lost_reason_id != kept_reason_id:
            return str(_("Dieser Verlustgrund ist nicht mehr aktiv. Bitte einen anderen wählen."))
        return None

    def identity_errors(self) -> dict[str, str]:
        """`lead_identity_errors` for this lead's values."""
        return lead_identity_errors(**{name: getattr(self, name) for name in IDENTITY_FIELDS})

    def follow_up_overdue(self, today: dt.date) -> bool:
        """Nachbetreuung überfällig: the follow-up date passed and the lead is still open.
        Its SQL twin is `LeadQuerySet.overdue(today)`; tests/leads/test_overdue_rule.py
        proves they agree."""
        until = self.follow_up_until
        return until is not None and until < today and not self.is_terminal


class LeadContact(models.Model):
    """A person linked to a lead; exactly one may be the main contact [Hauptansprechpartner]."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="lead_contacts")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="lead_links")
    is_main = models.BooleanField(_("Hauptansprechpartner"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Ansprechpartner des Leads")
        verbose_name_plural = _("Ansprechpartner des Leads")
        constraints = [
            models.UniqueConstraint(fields=["lead", "person"], name="leadcontact_unique"),
            models.UniqueConstraint(
                fields=["lead"], condition=Q(is_main=True), name="leadcontact_one_main"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead} – {self.person}"


class LeadRating(models.Model):
    """The option a rep picked for one scoring criterion of one lead."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(ScoringCriterion, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(ScoringOption, on_delete=models.CASCADE, related_name="ratings")

    class Meta:
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")
        constraints = [
            models.UniqueConstraint(fields=["lead", "criterion"], name="leadrating_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.option}"


class LeadStatusChange(models.Model):
    """Every status transition, for durations per status and the sales funnel."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.ForeignKey(
        LeadStatus, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_status = models.ForeignKey(LeadStatus, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("Geändert am"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Statuswechsel")
        verbose_name_plural = _("Statuswechsel")
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(fields=["lead", "changed_at"], name="statuschange_lead_idx"),
            models.Index(fields=["to_status", "changed_at"], name="statuschange_to_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.from_status_id} → {self.to_status_id}"


class LeadNumberCounter(models.Model):
    """A single counter row; incremented inside the creating transaction (race-free)."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("Nummernkreis")
        verbose_name_plural = _("Nummernkreise")

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
