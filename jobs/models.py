"""The `Job` row: a long-running background job started by a user.

The table keeps its first name (`notifications_job`): the model moved here from the
notifications app by state-only migrations, so no existing row had to be copied.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    PENDING = "pending", _("Wartet")
    RUNNING = "running", _("Läuft")
    DONE = "done", _("Fertig")
    FAILED = "failed", _("Fehlgeschlagen")
    CANCELLED = "cancelled", _("Abgebrochen")


FINISHED_STATES = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class Job(models.Model):
    """A long-running background job started by a user (bulk update, import, rescoring).

    The row is the job's truth: the Celery task only carries its id, writes progress here
    (through `jobs.runner`, the one place that changes `state`), and a page polls it
    through HTMX for the progress bar and the summary afterwards.
    """

    kind = models.CharField(_("Art"), max_length=40)
    title = models.CharField(_("Titel"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("Gestartet von"),
    )
    state = models.CharField(
        _("Zustand"), max_length=10, choices=JobState.choices, default=JobState.PENDING
    )
    params = models.JSONField(_("Parameter"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("Gesamt"), default=0)
    done = models.PositiveIntegerField(_("Erledigt"), default=0)
    result = models.JSONField(_("Ergebnis"), default=dict, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    cancel_requested = models.BooleanField(_("Abbruch angefordert"), default=False)
    # the Celery task (registered name) that runs the job: the beat re-scan queues it again
    task = models.CharField(_("Task"), max_length=200, blank=True)
    # the last sign of life of a run (start, each progress update); a running job without
    # one for a while is stalled (its worker died) and the re-scan resumes it
    heartbeat_at = models.DateTimeField(_("Letztes Lebenszeichen"), null=True, blank=True)
    created_at = models.DateTimeField(_("Gestartet am"), auto_now_add=True)
    finished_at = models.DateTimeField(_("Beendet am"), null=True, blank=True)

    class Meta:
        db_table = "notifications_job"
        verbose_name = _("Hintergrundauftrag")
        verbose_name_plural = _("Hintergrundaufträge")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES
