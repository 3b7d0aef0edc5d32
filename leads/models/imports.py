"""Uploaded lead lists and the rows their import refused or skipped."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from leads.models.lists import Campaign, LeadSource


class DuplicateMode(models.TextChoices):
    SKIP = "skip", _("Dubletten überspringen")
    UPDATE = "update", _("Bestehenden Lead aktualisieren")
    CREATE = "create", _("Trotzdem neu anlegen")


class LeadImport(models.Model):
    """One uploaded list (trade fair, purchased) and how far its import got.

    `last_row` is the last data row whose batch committed: a crashed or retried task
    resumes after it, so no row is imported twice and none is half-imported.
    """

    job = models.OneToOneField(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_import",
        verbose_name=_("Auftrag"),
    )
    file = models.FileField(_("Datei"), upload_to="imports/", max_length=200)
    original_name = models.CharField(_("Dateiname"), max_length=200)
    file_format = models.CharField(_("Format"), max_length=4)  # csv | xlsx
    encoding = models.CharField(_("Zeichensatz"), max_length=20, blank=True)
    delimiter = models.CharField(_("Trennzeichen"), max_length=1, blank=True)
    headers = models.JSONField(_("Spalten"), default=list, blank=True)
    mapping = models.JSONField(_("Zuordnung"), default=dict, blank=True)
    # the distinct values of the mapped choice columns ({target: {"values": [[value,
    # rows], …], "more": bool}}) and the confirmed value mapping ({target: {value: pk as
    # text, or "" for "ignorieren"}}): capture.imports.values
    choice_values = models.JSONField(_("Werte der Auswahlspalten"), default=dict, blank=True)
    value_mapping = models.JSONField(_("Wertezuordnung"), default=dict, blank=True)
    duplicate_mode = models.CharField(
        _("Dubletten"), max_length=10, choices=DuplicateMode.choices, default=DuplicateMode.SKIP
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kampagne"),
    )
    source = models.ForeignKey(
        LeadSource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Quelle"),
    )
    total_rows = models.PositiveIntegerField(_("Zeilen"), default=0)
    last_row = models.PositiveIntegerField(_("Zuletzt übernommene Zeile"), default=0)
    created_count = models.PositiveIntegerField(_("Angelegt"), default=0)
    updated_count = models.PositiveIntegerField(_("Aktualisiert"), default=0)
    skipped_count = models.PositiveIntegerField(_("Übersprungen"), default=0)
    failed_count = models.PositiveIntegerField(_("Fehlerhaft"), default=0)
    warning_count = models.PositiveIntegerField(_("Mit Warnung übernommen"), default=0)
    # retention: the uploaded file is deleted some days after the import finished, and the
    # raw values of its issues are blanked with it (privacy.retention)
    file_purged_at = models.DateTimeField(_("Datei gelöscht am"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Hochgeladen von"),
    )
    created_at = models.DateTimeField(_("Hochgeladen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Lead-Import")
        verbose_name_plural = _("Lead-Importe")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def processed_rows(self) -> int:
        """Data rows done so far: each ends created, updated, skipped or failed."""
        return self.created_count + self.updated_count + self.skipped_count + self.failed_count

    @property
    def next_row(self) -> int:
        """The spreadsheet row a resumed import continues with (header = row 1)."""
        return max(self.last_row + 1, 2)


class IssueKind(models.TextChoices):
    ERROR = "error", _("Fehler")
    DUPLICATE = "duplicate", _("Dublette")
    WARNING = "warning", _("Warnung")


class LeadImportIssue(models.Model):
    """A row the import refused, skipped or imported with a warning, with German reasons
    (for the report). `row_number` is the spreadsheet's (header = row 1).

    `values` is the raw row: personal data, blanked when the import's file is purged and
    when the person is erased; `email`, `phone` and `lead` find the rows of a person."""

    lead_import = models.ForeignKey(LeadImport, on_delete=models.CASCADE, related_name="issues")
    row_number = models.PositiveIntegerField(_("Zeile"))
    kind = models.CharField(
        _("Art"), max_length=10, choices=IssueKind.choices, default=IssueKind.ERROR
    )
    message = models.TextField(_("Meldung"), max_length=2000)
    values = models.JSONField(_("Werte"), default=dict, blank=True)
    email = models.CharField(_("E-Mail"), max_length=254, blank=True, db_index=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True, db_index=True)
    lead = models.ForeignKey(
        "leads.Lead",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Lead"),
    )

    class Meta:
        verbose_name = _("Importmeldung")
        verbose_name_plural = _("Importmeldungen")
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["lead_import", "row_number"], name="importissue_row_idx")]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message[:60]}"
