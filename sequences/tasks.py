"""Beat tasks of sequences (registered names in notifications/schedules.py): thin, no
arguments, re-derive their work from the database, safe to run twice."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from sequences.jobs import rules, steps

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
JOB_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="sequences.tasks.run_due_steps", **JOB_OPTIONS)
def run_due_steps() -> dict:
    return steps.run_due_steps().as_dict()


@shared_task(name="sequences.tasks.enrol_by_rules", **JOB_OPTIONS)
def enrol_by_rules() -> dict:
    return rules.enrol_by_rules()
