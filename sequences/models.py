"""Nurture sequences [Nachfass-Sequenzen]: the steps an admin defines, the leads enrolled
in them and the log of every step that ran.

The database is the schedule: an active enrolment carries its next step and when it is
due (`next_run_at`), the beat job (`sequences/jobs/steps.py`) claims due rows with
SELECT … FOR UPDATE SKIP LOCKED, and `StepRun` is unique per (enrolment, step), so a
step runs once however often or however concurrently the job runs. A broker outage only
delays the job; nothing is held in Redis.

The stop rules (reply, booked appointment, terminal status, unsubscribe) are defined
once, in `EnrolmentQuerySet.with_stop_flags` (SQL, what the job and the lead section
read) and `Enrolment.stop_reason_from_flags` (the order in which they win).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, ActivityKind, MailTemplate
from contacts.models import TERMINAL_PHASES, LeadStatus
from leads.models import Campaign, ConsentAction, ConsentRecord, Lead, LeadSource, LeadType


class SequenceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def with_rule(self):
        """Sequences that enrol new leads by themselves (the rule job)."""
        return self.active().filter(auto_enrol=True)


class Sequence(models.Model):
    name = models.CharField(_("Name"), max_length=120, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True, max_length=2000)
    active = models.BooleanField(
        _("Aktiv"),
        default=True,
        help_text=_("Inaktive Sequenzen nehmen keine Leads auf und führen keine Schritte aus."),
    )
    # Enrolment rule: new leads matching every filter that is set are enrolled by beat
    auto_enrol = models.BooleanField(
        _("Automatisch aufnehmen"),
        default=False,
        help_text=_("Neue Leads, die zu allen gesetzten Filtern passen, werden aufgenommen."),
    )
    auto_enrol_from = models.DateTimeField(
        _("Aufnehmen ab"),
        default=timezone.now,
        help_text=_("Nur Leads, die ab diesem Zeitpunkt angelegt wurden."),
    )
    rule_source = models.ForeignKey(
        LeadSource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Quelle"),
    )
    rule_type = models.ForeignKey(
        LeadType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Typ"),
    )
    rule_campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kampagne"),
    )
    rule_status = models.ForeignKey(
        LeadStatus,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Status"),
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)

    objects = SequenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("Nachfass-Sequenz")
        verbose_name_plural = _("Nachfass-Sequenzen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def rule_q(self) -> Q:
        """The leads the rule enrols (the job adds "new" and "not yet enrolled")."""
        q = Q(created_at__gte=self.auto_enrol_from)
        for field in ("source", "type", "campaign", "status"):
            value = getattr(self, f"rule_{field}_id")
            if value is not None:
                q &= Q(**{f"{field}_id": value})
        return q


class StepKind(models.TextChoices):
    MAIL = "mail", _("E-Mail aus Vorlage")
    WAIT = "wait", _("Warten (Werktage)")
    TASK = "task", _("Aufgabe für den Zuständigen")
    CALL = "call", _("Anruf-Erinnerung für den Zuständigen")


class SequenceStep(models.Model):
    sequence = models.ForeignKey(
        Sequence, on_delete=models.CASCADE, related_name="steps", verbose_name=_("Sequenz")
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=1)
    kind = models.CharField(_("Art"), max_length=10, choices=StepKind.choices)
    template = models.ForeignKey(
        MailTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Mailvorlage"),
        limit_choices_to={"active": True},
    )
    wait_days = models.PositiveSmallIntegerField(
        _("Werktage warten"),
        default=0,
        validators=[MaxValueValidator(365)],
    )
    subject = models.CharField(
        _("Betreff der Aufgabe"),
        max_length=200,
        blank=True,
        help_text=_("Für Aufgaben und Anruf-Erinnerungen."),
    )

    class Meta:
        verbose_name = _("Schritt")
        verbose_name_plural = _("Schritte")
        ordering = ["sequence", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sequence", "position"], name="seqstep_position"),
            models.CheckConstraint(
                condition=~Q(kind="mail") | Q(template__isnull=False), name="seqstep_mail_template"
            ),
            models.CheckConstraint(
                condition=~Q(kind="wait") | Q(wait_days__gte=1), name="seqstep_wait_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.describe()}"

    def describe(self) -> str:
        if self.kind == StepKind.MAIL:
            return _("E-Mail „%(name)s“") % {"name": self.template.name if self.template else "?"}
        if self.kind == StepKind.WAIT:
            return _("%(days)s Werktage warten") % {"days": self.wait_days}
        label = _("Anruf") if self.kind == StepKind.CALL else _("Aufgabe")
        return f"{label}: {self.subject}" if self.subject else str(label)

    def clean(self) -> None:
        errors = {}
        if self.kind == StepKind.MAIL and self.template_id is None:
            errors["template"] = _("Ein Mail-Schritt braucht eine Mailvorlage.")
        if self.kind == StepKind.WAIT and not self.wait_days:
            errors["wait_days"] = _("Bitte mindestens einen Werktag angeben.")
        if self.kind in (StepKind.TASK, StepKind.CALL) and not self.subject.strip():
            errors["subject"] = _("Bitte einen Betreff für die Aufgabe angeben.")
        if errors:
            raise ValidationError(errors)


class EnrolmentState(models.TextChoices):
    ACTIVE = "active", _("Aktiv")
    STOPPED = "stopped", _("Beendet")
    FINISHED = "finished", _("Abgeschlossen")


class StopReason(models.TextChoices):
    NONE = "", _("—")
    REPLY = "reply", _("Antwort erhalten")
    APPOINTMENT = "appointment", _("Termin vereinbart")
    TERMINAL = "terminal", _("Lead abgeschlossen")
    UNSUBSCRIBED = "unsubscribed", _("Abgemeldet")
    MANUAL = "manual", _("Von Hand beendet")
    ERROR = "error", _("Fehler")


def latest_consent_action(lead_id, email):
    """The latest marketing consent action recorded for the lead or for its e-mail address
    (an opt-out given on another lead with the same address counts): confirmed (double
    opt-in), withdrawn (opt-out, objection to advertising) or requested; None without any.
    A subquery: `lead_id` and `email` may be OuterRef()s."""
    return (
        ConsentRecord.objects.filter(Q(lead_id=lead_id) | (Q(email__iexact=email) & ~Q(email="")))
        .filter(purpose=MARKETING)
        .order_by("-created_at", "-id")
        .values("action")[:1]
    )


def consent_refusal(action: str | None) -> str:
    """Why no marketing mail may go out under the latest consent `action`, or ""."""
    if action == ConsentAction.CONFIRMED:
        return ""
    if action == ConsentAction.WITHDRAWN:
        return str(_("Der Empfänger hat der Werbung widersprochen bzw. sich abgemeldet."))
    return str(_("Keine bestätigte Einwilligung (Double-Opt-in)."))


MARKETING = "marketing"  # ConsentRecord.purpose of advertising consent (capture/doi.py)


class EnrolmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=EnrolmentState.ACTIVE)

    def due(self, now):
        return self.active().filter(next_run_at__lte=now)

    def with_stop_flags(self):
        """Annotate the stop rules in SQL (one place; `Enrolment.stop_reason_from_flags`
        decides the order): a reply or an appointment on the lead since enrolment, a
        terminal status, a withdrawal of consent as the lead's latest consent action."""
        since = OuterRef("started_at")
        lead_activities = Activity.objects.filter(leads=OuterRef("lead_id"), created_at__gte=since)
        return self.annotate(
            has_reply=Exists(lead_activities.filter(kind=ActivityKind.EMAIL_IN)),
            has_appointment=Exists(lead_activities.filter(kind=ActivityKind.APPOINTMENT)),
            is_terminal=Exists(
                Lead.objects.filter(pk=OuterRef("lead_id"), status__phase__in=TERMINAL_PHASES)
            ),
            consent_action=Subquery(
                latest_consent_action(OuterRef("lead_id"), OuterRef("lead__email"))
            ),
        )


class Enrolment(models.Model):
    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("Lead")
    )
    sequence = models.ForeignKey(
        Sequence, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("Sequenz")
    )
    state = models.CharField(
        _("Stand"), max_length=10, choices=EnrolmentState.choices, default=EnrolmentState.ACTIVE
    )
    stop_reason = models.CharField(
        _("Grund"), max_length=12, choices=StopReason.choices, blank=True
    )
    stop_detail = models.CharField(_("Hinweis"), max_length=300, blank=True)
    next_step = models.ForeignKey(
        SequenceStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Nächster Schritt"),
    )
    next_run_at = models.DateTimeField(_("Nächster Schritt am"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Aufgenommen von"),
    )
    started_at = models.DateTimeField(_("Aufgenommen am"), default=timezone.now)
    ended_at = models.DateTimeField(_("Beendet am"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        ordering = ["-started_at", "-id"]
        constraints = [
            # a lead is in one sequence at a time: two would double the mails
            models.UniqueConstraint(
                fields=["lead"], condition=Q(state="active"), name="enrolment_one_active"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_run_at"], condition=Q(state="active"), name="enrolment_due_idx"
            ),
            models.Index(fields=["sequence", "state"], name="enrolment_sequence_idx"),
            models.Index(fields=["lead", "-started_at"], name="enrolment_lead_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} in {self.sequence_id}"

    @property
    def is_active(self) -> bool:
        return self.state == EnrolmentState.ACTIVE

    def stop_reason_from_flags(self) -> str:
        """The stop reason the annotations of `with_stop_flags` give, or ""."""
        if getattr(self, "consent_action", "") == ConsentAction.WITHDRAWN:
            return StopReason.UNSUBSCRIBED
        if getattr(self, "is_terminal", False):
            return StopReason.TERMINAL
        if getattr(self, "has_reply", False):
            return StopReason.REPLY
        if getattr(self, "has_appointment", False):
            return StopReason.APPOINTMENT
        return ""


class StepOutcome(models.TextChoices):
    SENT = "sent", _("E-Mail in den Versand gegeben")
    TASK = "task", _("Aufgabe angelegt")
    WAITED = "waited", _("Wartezeit begonnen")
    NO_CONSENT = "no_consent", _("Übersprungen: keine Einwilligung")
    NO_ADDRESS = "no_address", _("Übersprungen: keine E-Mail-Adresse")


class StepRun(models.Model):
    """One step that ran for one enrolment: the unique pair is the exactly-once guarantee."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="runs")
    step = models.ForeignKey(SequenceStep, on_delete=models.CASCADE, related_name="runs")
    outcome = models.CharField(_("Ergebnis"), max_length=12, choices=StepOutcome.choices)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Aktivität"),
    )
    ran_at = models.DateTimeField(_("Ausgeführt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Ausgeführter Schritt")
        verbose_name_plural = _("Ausgeführte Schritte")
        ordering = ["ran_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "step"], name="steprun_once"),
        ]
        indexes = [models.Index(fields=["activity"], name="steprun_activity_idx")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.step_id}: {self.outcome}"
