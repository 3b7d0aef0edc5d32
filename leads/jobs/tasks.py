"""Scheduled jobs of the leads app (registered under the `leads.tasks.*` names that the
beat schedules in notifications/schedules.py refer to).

Each task takes no arguments, re-derives its work from the database and is safe to run
twice (dedupe keys, set-based updates); acks_late plus the broker's visibility timeout
redeliver a task whose worker died, and transient database errors retry with backoff.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from leads.jobs import overdue, stale

# transient failures worth a retry: lost/refused database or broker connections
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


@shared_task(name="leads.tasks.notify_overdue_follow_ups", **JOB_OPTIONS)
def notify_overdue_follow_ups() -> dict:
    return overdue.overdue_follow_ups_notify().as_dict()


@shared_task(name="leads.tasks.flag_stale_leads", **JOB_OPTIONS)
def flag_stale_leads() -> dict:
    return stale.stale_leads_flag()


@shared_task(name="leads.tasks.send_stale_digests", **JOB_OPTIONS)
def send_stale_digests() -> dict:
    return stale.stale_digests_send()
