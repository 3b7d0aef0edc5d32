"""What an erasure touched (GDPR accountability): one report per erasure, with counts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# count key -> the sentence part shown on the GDPR page (plural by the count)
COUNT_LABELS = {
    "leads": ngettext_lazy("%(n)d Lead anonymisiert", "%(n)d Leads anonymisiert", "n"),
    "persons": ngettext_lazy("%(n)d Person anonymisiert", "%(n)d Personen anonymisiert", "n"),
    "activities": ngettext_lazy(
        "%(n)d Aktivität anonymisiert", "%(n)d Aktivitäten anonymisiert", "n"
    ),
    "recipient_links": ngettext_lazy(
        "%(n)d Empfängereintrag entfernt", "%(n)d Empfängereinträge entfernt", "n"
    ),
    "opportunities": ngettext_lazy(
        "%(n)d Verkaufschance bereinigt", "%(n)d Verkaufschancen bereinigt", "n"
    ),
    "documents": ngettext_lazy("%(n)d Dokument gelöscht", "%(n)d Dokumente gelöscht", "n"),
    "consents": ngettext_lazy(
        "%(n)d Einwilligung geschwärzt", "%(n)d Einwilligungen geschwärzt", "n"
    ),
    "import_issues": ngettext_lazy(
        "%(n)d Importmeldung geschwärzt", "%(n)d Importmeldungen geschwärzt", "n"
    ),
    "history": ngettext_lazy(
        "%(n)d Verlaufseintrag geschwärzt", "%(n)d Verlaufseinträge geschwärzt", "n"
    ),
}


class ErasureReport(models.Model):
    """One erasure of a lead or a person: who, when, why, and how many rows of each kind
    it anonymised or deleted (`counts`, keys of COUNT_LABELS). The text is rendered in
    the reader's language when shown."""

    lead = models.ForeignKey(
        "leads.Lead",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_reports",
        verbose_name=_("Lead"),
    )
    person = models.ForeignKey(
        "contacts.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_reports",
        verbose_name=_("Person"),
    )
    subject = models.CharField(_("Betroffener Datensatz"), max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Benutzer"),
    )
    reason = models.CharField(_("Anlass"), max_length=300, blank=True)
    counts = models.JSONField(_("Umfang"), default=dict, blank=True)
    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Löschbericht")
        verbose_name_plural = _("Löschberichte")
        ordering = ["-created_at", "-id"]
        # the irreversible erasure (accounts/roles.py grants it to the Vertriebsleitung)
        permissions = [
            ("erase_personal_data", _("Darf personenbezogene Daten unwiderruflich löschen"))
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.summary()}"

    def parts(self) -> list[str]:
        """The counts as sentence parts in the reader's language ("3 Aktivitäten
        anonymisiert"), in COUNT_LABELS order, zero counts left out."""
        return [
            label % {"n": self.counts[key]}
            for key, label in COUNT_LABELS.items()
            if self.counts.get(key)
        ]

    def summary(self) -> str:
        return ", ".join(self.parts())
