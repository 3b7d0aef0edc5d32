"""The one runner for a job's lifecycle: queued → running → done | failed | cancelled.

Every long job (lead import, contacts bulk update, rescoring) follows the same rules, so
they are written once, here:

- **The row is the truth.** A job starts as a row (`job_create`, state *pending*); the
  broker only carries its id. The task calls `job_run(job=<id>, work=...)`, which loads
  the row and does the state changes around the caller's `work(run)`.
- **Safe to run twice.** A finished job (done, failed, cancelled) is left alone:
  `job_run` returns `SKIPPED` without calling `work`. A job that is still pending or
  running (its broker message was lost, the worker died, the task was retried) runs
  again, and `work` resumes from what it committed (`run.job.done`, `run.job.result`,
  or its own marker such as the import's `last_row`).
- **Progress** (`run.progress(done=..., result=...)`) is one UPDATE; written inside the
  transaction of the batch it reports, the figures never claim more than is committed.
- **Cancelling** is a request (`job_request_cancel`, from the UI or the admin); `work`
  calls `run.checkpoint()` between batches, which raises `JobCancelled` when a stop was
  asked for; `job_run` marks the job cancelled and returns `CANCELLED`.
- **Done**: when `work` returns, the job is done. `work` may call `run.complete(...)`
  itself inside its last transaction, so the job is marked done together with the last
  change (all or nothing).
- **Failure**: a transient database error (`TRANSIENT_ERRORS`) puts the job back to
  *pending* and re-raises, so the Celery task retries it and it resumes; any other error
  marks it *failed* with a message for the user (`error_message(exc)`, default the
  exception text) and is re-raised unless `reraise=False`.
- **Resume from the UI**: `job_resume` turns a failed, cancelled or stuck job (running
  without a heartbeat for `STALL_AFTER`, the re-scan's rule) back into a pending one; the
  caller queues its task again after commit (`job_queue`).
- **Lost messages**: `job_queue` never fails on a broker outage (the job stays pending and
  the user is told); the beat re-scan `job_requeue_stalled` queues pending jobs whose
  message was lost and running jobs whose worker died (no heartbeat for `STALL_AFTER`).

Errors that are not `Exception`s (a killed worker, `KeyboardInterrupt`) pass untouched: the
job stays *running* and the next run resumes it.

- **One run at a time.** A broker may deliver a message twice (acks_late, a visibility
  timeout shorter than the job). On PostgreSQL a run holds a session advisory lock on the
  job's id; a second delivery that finds it held returns `BUSY` without touching the row.
  The lock goes with the worker's connection, so a dead worker's job is free to resume.
  (With a transaction-mode pooler in front of PostgreSQL, point the workers at PostgreSQL
  directly: session locks need a session.)
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import current_app
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from jobs.models import FINISHED_STATES, Job, JobState

logger = logging.getLogger(__name__)

SKIPPED = "skipped"  # what job_run returns for a job that was already finished (or is gone)
BUSY = "busy"  # what job_run returns while another worker runs the same job
_LOCK_SPACE = 0x4A4F4253  # "JOBS": the first key of the advisory lock, the job id the second
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
ERROR_MAX_LENGTH = 2000
# what sending a task raises while the broker is down
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuError, RedisError, OSError)
PENDING_GRACE = timedelta(minutes=2)  # a pending job older than this lost its message
STALL_AFTER = timedelta(minutes=10)  # a running job silent for this long lost its worker
REQUEUE_BATCH = 100
# what the user reads when `job_queue` found the broker away (`job.queued is False`)
BROKER_DOWN_MESSAGE = gettext_lazy(
    "Der Hintergrunddienst ist gerade nicht erreichbar; der Auftrag startet automatisch, "
    "sobald er wieder läuft."
)


class JobCancelled(Exception):
    """Raised by `JobRun.checkpoint()` when the user asked the job to stop."""


# --- the row -----------------------------------------------------------------------------


def job_create(
    *,
    kind: str,
    title: str,
    user=None,
    total: int = 0,
    params: dict | None = None,
    task: str = "",
) -> Job:
    """A new job row, state pending; `task` is the registered name of the Celery task that
    runs it (called with the job id). Queue it with `job_queue` (after commit)."""
    return Job.objects.create(
        kind=kind,
        title=str(title)[:200],
        created_by=user,
        total=total,
        params=params or {},
        task=task,
    )


def job_queue(*, job: Job, task: str = "") -> None:
    """Queue the job's task after the current transaction commits. A broker outage is no
    error: the row stays pending, `job.queued` turns False (the view tells the user) and
    the beat re-scan (`requeue_stalled_jobs`) queues it once the broker is back."""
    job.queued = None
    transaction.on_commit(lambda: job_send(job=job, task=task))


def job_send(*, job: Job, task: str = "") -> bool:
    """Send the job's task to the broker now; False (logged) when the broker is away."""
    name = task or job.task
    try:
        celery_task = current_app.tasks.get(name)
        if celery_task is not None:
            celery_task.delay(job.pk)
        else:
            current_app.send_task(name, args=[job.pk])
    except BROKER_ERRORS:
        logger.warning("broker unavailable: job %s (%s) stays pending", job.pk, name)
        job.queued = False
        return False
    job.queued = True
    return True


def _stalled(now) -> Q:
    """The one rule for a stuck job: running, but no heartbeat for `STALL_AFTER` (its worker
    died). The beat re-scan queues such jobs again; the UI offers to resume them."""
    return Q(state=JobState.RUNNING) & (
        Q(heartbeat_at__lt=now - STALL_AFTER)
        | Q(heartbeat_at__isnull=True, created_at__lt=now - STALL_AFTER)
    )


def _resumable(now) -> Q:
    return Q(state__in=(JobState.FAILED, JobState.CANCELLED)) | _stalled(now)


def job_can_resume(*, job: Job, now=None) -> bool:
    """Whether `job_resume` would take the job: failed, cancelled or stuck (`_stalled`)."""
    return Job.objects.filter(_resumable(now or timezone.now()), pk=job.pk).exists()


def job_requeue_stalled(*, now=None) -> int:
    """The beat re-scan: queue again every job whose broker message was lost — pending
    for longer than `PENDING_GRACE`, or running without a heartbeat for `STALL_AFTER`
    (its worker died). Safe to run twice: a job still running in a live worker answers
    BUSY (advisory lock), a finished one SKIPPED. Returns how many were queued."""
    now = now or timezone.now()
    stale = (
        Job.objects.exclude(task="")
        .filter(
            Q(state=JobState.PENDING, created_at__lt=now - PENDING_GRACE)
            & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - PENDING_GRACE))
            | _stalled(now)
        )
        .order_by("pk")[:REQUEUE_BATCH]
    )
    queued = 0
    for job in stale:
        if not job_send(job=job):
            break  # the broker is still away: the next scan tries again
        queued += 1
    return queued


def job_request_cancel(*, job: Job) -> bool:
    """Ask a job that is not finished to stop after its current batch; False when it is
    finished already (nothing to cancel). One UPDATE, so a job finishing at the same moment
    is never flagged."""
    if job.is_finished:
        return False
    changed = (
        Job.objects.filter(pk=job.pk)
        .exclude(state__in=FINISHED_STATES)
        .update(cancel_requested=True)
    )
    if changed:
        job.cancel_requested = True
    return bool(changed)


def job_resume(*, job: Job, now=None) -> bool:
    """Turn a failed, cancelled or stuck (`_stalled`: running without a heartbeat) job back
    into a pending one (cancel flag, error and end time cleared, progress kept); False in
    any other state. The caller queues the task again after commit; the work resumes from
    what it committed (a worker that still runs it holds the advisory lock: the new run
    answers BUSY)."""
    changed = Job.objects.filter(_resumable(now or timezone.now()), pk=job.pk).update(
        state=JobState.PENDING, cancel_requested=False, error="", finished_at=None
    )
    if changed:
        job.state, job.cancel_requested, job.error, job.finished_at = (
            JobState.PENDING,
            False,
            "",
            None,
        )
    return bool(changed)


# --- one run -----------------------------------------------------------------------------


class JobRun:
    """The handle `work` gets: the job row as loaded when the run began, and the writes a
    running job makes. Every write is a single UPDATE by primary key (no stale `save()`)."""

    def __init__(self, job: Job):
        self.job = job
        self.completed = False

    def set_total(self, total: int) -> None:
        """The number of items, when only the task can count them."""
        Job.objects.filter(pk=self.job.pk).update(total=total)
        self.job.total = total

    def progress(self, *, done: int, result: dict | None = None) -> None:
        """How far the job got (absolute `done`, and the summary so far when given)."""
        fields: dict[str, Any] = {"done": done, "heartbeat_at": timezone.now()}
        if result is not None:
            fields["result"] = result
        Job.objects.filter(pk=self.job.pk).update(**fields)
        self.job.done = done
        if result is not None:
            self.job.result = result

    def cancel_requested(self) -> bool:
        return Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists()

    def checkpoint(self) -> None:
        """Call between batches: raises `JobCancelled` when a stop was asked for."""
        if self.cancel_requested():
            raise JobCancelled

    def complete(self, *, done: int | None = None, result: dict | None = None) -> None:
        """Mark the job done now (e.g. in the transaction of its last change); `job_run`
        then leaves the state alone when `work` returns."""
        fields: dict[str, Any] = {"state": JobState.DONE, "finished_at": timezone.now()}
        if done is not None:
            fields["done"] = done
        if result is not None:
            fields["result"] = result
        Job.objects.filter(pk=self.job.pk).update(**fields)
        for name, value in fields.items():
            setattr(self.job, name, value)
        self.completed = True


def _finish(job: Job, state: str, **fields: Any) -> None:
    fields = {"state": state, "finished_at": timezone.now(), **fields}
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


@contextlib.contextmanager
def _exclusive(job_id: int):
    """True while this connection holds the job's run lock (always True off PostgreSQL,
    where tests and the embedded dev setup run one worker)."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = [_LOCK_SPACE, job_id % 2**31]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def job_run(
    *,
    job: Job | int,
    work: Callable[[JobRun], Any],
    error_message: Callable[[BaseException], str] | None = None,
    reraise: bool = True,
) -> str:
    """Run `work(run)` for the job (a row or its id) with the lifecycle described above;
    returns the state it ended in, `SKIPPED` when it was finished already or is gone, `BUSY`
    while another worker runs it."""
    job_id = job.pk if isinstance(job, Job) else job
    with _exclusive(job_id) as acquired:
        if not acquired:
            logger.info("job %s runs in another worker; this delivery ends", job_id)
            return BUSY
        # read under the lock: a run that finished meanwhile is seen as finished
        if isinstance(job, Job):
            try:
                job.refresh_from_db()
            except Job.DoesNotExist:
                return SKIPPED
        else:
            job = Job.objects.select_related("created_by").filter(pk=job_id).first()
        if job is None or job.is_finished:
            return SKIPPED
        return _run(job, work, error_message, reraise)


def _run(job: Job, work, error_message, reraise: bool) -> str:
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, heartbeat_at=timezone.now())
    job.state = JobState.RUNNING
    run = JobRun(job)
    try:
        work(run)
    except JobCancelled:
        _finish(job, JobState.CANCELLED)
        return JobState.CANCELLED
    except TRANSIENT_ERRORS:
        # the database is away for a moment: back to the queue, the task's retry resumes it
        with contextlib.suppress(DatabaseError):
            Job.objects.filter(pk=job.pk).update(state=JobState.PENDING)
            job.state = JobState.PENDING
        raise
    except Exception as exc:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        message = error_message(exc) if error_message is not None else str(exc)
        _finish(job, JobState.FAILED, error=str(message)[:ERROR_MAX_LENGTH])
        if reraise:
            raise
        return JobState.FAILED
    if not run.completed:
        _finish(job, JobState.DONE)
    return JobState.DONE
