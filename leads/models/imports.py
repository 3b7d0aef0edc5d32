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


class LeadImportIssue(models.Model):
    """A row the import refused or skipped, with German reasons (for the error report)."""

    lead_import = models.ForeignKey(LeadImport, on_delete=models.CASCADE, related_name="issues")
    row_number = models.PositiveIntegerField(_("Zeile"))
    kind = models.CharField(_("Art"), max_length=10, default="error")  # error | duplicate
    message = models.TextField(_("Meldung"), max_length=2000)
    values = models.JSONField(_("Werte"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Importmeldung")
        verbose_name_plural = _("Importmeldungen")
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["lead_import", "row_number"], name="importissue_row_idx")]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message[:60]}"
