"""Activities (appointments, outgoing mails, calls, tasks, notes), mail templates, documents.

An outgoing mail is an Activity of kind email_out (MAILAUS). Its `mail_state` makes the
database the outbox: a mail marked `queued` is sent by a task, and a beat job re-queues
any that a lost broker message left behind.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contacts.models import Company, Person
from ui.dates import sane_date_range, validate_sane_date
from ui.object_urls import object_url


class ActivityKind(models.TextChoices):
    APPOINTMENT = "appointment", _("Termin")
    EMAIL_OUT = "email_out", _("E-Mail ausgehend")
    EMAIL_IN = "email_in", _("E-Mail eingehend")
    CALL = "call", _("Anruf")
    TASK = "task", _("Aufgabe")
    NOTE = "note", _("Notiz")


class ActivityStatus(models.TextChoices):
    OPEN = "open", _("Offen")
    DONE = "done", _("Erledigt")
    # an appointment called off (agenda: the attendees invited before get a CANCEL)
    CANCELLED = "cancelled", _("Abgesagt")


class MailState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    QUEUED = "queued", _("In Versand")
    SENT = "sent", _("Versendet")
    FAILED = "failed", _("Fehlgeschlagen")


class DeliveryStatus(models.TextChoices):
    UNKNOWN = "", _("—")
    QUEUED = "queued", _("Beim Anbieter eingereiht")
    DELIVERED = "delivered", _("Zugestellt")
    OPENED = "opened", _("Geöffnet")
    CLICKED = "clicked", _("Angeklickt")
    BOUNCED = "bounced", _("Unzustellbar")
    DEFERRED = "deferred", _("Verzögert")
    REJECTED = "rejected", _("Abgelehnt")
    COMPLAINED = "complained", _("Als Spam gemeldet")
    FAILED = "failed", _("Fehlgeschlagen")


class ActivityQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("person", "company", "delegated_to", "delegated_by")

    def appointments(self):
        return self.filter(kind=ActivityKind.APPOINTMENT)

    def open(self):
        return self.filter(status=ActivityStatus.OPEN)


class Activity(models.Model):
    kind = models.CharField(_("Art"), max_length=20, choices=ActivityKind.choices)
    subject = models.CharField(_("Betreff"), max_length=200)
    body = models.TextField(_("Inhalt"), blank=True, max_length=20000)
    start = models.DateTimeField(
        _("Beginn"), null=True, blank=True, validators=[validate_sane_date]
    )
    end = models.DateTimeField(_("Ende"), null=True, blank=True, validators=[validate_sane_date])
    status = models.CharField(
        _("Status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.OPEN
    )
    done_at = models.DateTimeField(_("Erledigt am"), null=True, blank=True)
    delegated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities_delegated",
        verbose_name=_("Delegiert von"),
    )
    delegated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities_assigned",
        verbose_name=_("Delegiert an"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("Aktivität mit"),
    )
    company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("Firma"),
    )
    # The lead's own contact data while it has no Geschäftspartner/Ansprechpartner (the
    # automatic appointment of a lead, seed 002): who and where, without a company row.
    contact_name = models.CharField(_("Kontakt"), max_length=200, blank=True)
    company_text = models.CharField(_("Unternehmen (Text)"), max_length=200, blank=True)
    contact_phone = models.CharField(_("Telefon des Kontakts"), max_length=40, blank=True)
    contact_email = models.EmailField(_("E-Mail des Kontakts"), blank=True)
    location = models.CharField(_("Ort"), max_length=200, blank=True)
    recipients = models.ManyToManyField(
        Person,
        blank=True,
        related_name="activities_as_recipient",
        verbose_name=_("Weitere Empfänger"),
    )
    # outgoing mail (kind email_out)
    mail_to = models.CharField(_("An"), max_length=500, blank=True)
    mail_cc = models.CharField(_("Cc"), max_length=500, blank=True)
    mail_state = models.CharField(
        _("Versandstatus"), max_length=10, choices=MailState.choices, blank=True
    )
    mail_error = models.TextField(_("Versandfehler"), blank=True)
    mail_attempts = models.PositiveSmallIntegerField(_("Versandversuche"), default=0)
    sent_at = models.DateTimeField(_("Gesendet am"), null=True, blank=True)
    esp_message_id = models.CharField(
        _("Nachrichten-ID"), max_length=200, blank=True, db_index=True
    )
    # the RFC 5322 Message-ID of our outgoing mail (set when it is built, kept on retries),
    # or of an incoming one: a reply's In-Reply-To/References find the activity by it
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True, db_index=True)
    delivery_status = models.CharField(
        _("Zustellstatus"), max_length=12, choices=DeliveryStatus.choices, blank=True
    )
    delivery_updated_at = models.DateTimeField(_("Zustellstatus vom"), null=True, blank=True)
    documents = models.ManyToManyField(
        "activities.Document", blank=True, related_name="activities", verbose_name=_("Dokumente")
    )
    template = models.ForeignKey(
        "activities.MailTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Mailvorlage"),
    )
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
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Geändert am"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("Aktivität")
        verbose_name_plural = _("Aktivitäten")
        ordering = ["-start", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-created_at"], name="activity_person_idx"),
            models.Index(fields=["company", "-created_at"], name="activity_company_idx"),
            models.Index(fields=["delegated_to", "start"], name="activity_delegated_start_idx"),
            models.Index(
                fields=["start"],
                name="activity_open_appt_idx",
                condition=Q(kind="appointment", status="open"),
            ),
            models.Index(
                fields=["id"], name="activity_mail_queued_idx", condition=Q(mail_state="queued")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True)
                | Q(end__isnull=True)
                | Q(end__gte=models.F("start")),
                name="activity_end_after_start",
            ),
            # ui/dates.py: a time the database cannot give back to Python is never stored
            models.CheckConstraint(
                condition=sane_date_range("start", datetime=True), name="activity_start_range"
            ),
            models.CheckConstraint(
                condition=sane_date_range("end", datetime=True), name="activity_end_range"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        """The activity card."""
        return object_url("activities:detail", self.pk)

    @property
    def ical_uid(self) -> str:
        """The calendar UID: stable for the appointment's life (the confirmation's .ics,
        invitations and the personal feed use it, so a client updates one entry)."""
        return f"activity-{self.pk}@leadcrm"

    @property
    def ical_sequence(self) -> int:
        """The iCalendar SEQUENCE. Every write of an activity raises `version` (the
        optimistic lock: services, the lead's appointment sync, the partner sync), so the
        sequence rises on every change of time, place or attendees without a second
        counter that a write path could forget."""
        return max(self.version - 1, 0)

    @property
    def with_name(self) -> str:
        """Who the activity is with: the person, else the lead's contact name."""
        return self.person.full_name if self.person_id else self.contact_name

    @property
    def with_company(self) -> str:
        """The company row's name, else the lead's company text."""
        return self.company.name if self.company_id else self.company_text


class Document(models.Model):
    title = models.CharField(_("Titel"), max_length=200)
    file = models.FileField(_("Datei"), upload_to="documents/%Y/%m/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Hochgeladen von"),
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TemplatePurpose(models.TextChoices):
    APPOINTMENT_CONFIRMATION = "appointment_confirmation", _("Terminbestätigung")
    INFO_MATERIAL = "info_material", _("Infomaterial")


class MailTemplate(models.Model):
    name = models.CharField(_("Name"), max_length=100)
    purpose = models.CharField(_("Verwendung"), max_length=30, choices=TemplatePurpose.choices)
    subject = models.CharField(_("Betreff"), max_length=200)
    body = models.TextField(
        _("Inhalt"),
        max_length=20000,
        help_text=_(
            "Platzhalter: {{ lead.… }}, {{ contact.… }}, {{ user.… }}, {{ appointment.… }}."
        ),
    )
    documents = models.ManyToManyField(
        Document, blank=True, related_name="templates", verbose_name=_("Dokumente")
    )
    rank = models.PositiveSmallIntegerField(_("Rang"), default=0)
    active = models.BooleanField(_("Aktiv"), default=True)

    class Meta:
        verbose_name = _("Mailvorlage")
        verbose_name_plural = _("Mailvorlagen")
        ordering = ["purpose", "rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "name"], name="mailtemplate_purpose_name")
        ]

    def __str__(self) -> str:
        return self.name
