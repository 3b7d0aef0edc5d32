"""Celery queues, routes and time limits: one table for every task (issue #18).

Three queues so that a large import never delays a reminder or a mail:

- ``mail``: everything a person waits for in the mailbox (activity mails, confirmations,
  reminders, digests); short and many.
- ``bulk``: long, progress-tracked jobs (imports, bulk updates, rescoring, retention,
  summaries); each is resumable (`jobs.runner`), so its time limit may cut it off and the
  beat re-scan picks it up again.
- ``default``: the rest (webhooks, inbound mail, scans, beat scans).

A task missing from the table runs on ``default`` with the default limits. The hard limit
of a bulk task stays below the broker's visibility timeout (settings: a late-acked task
whose worker died is redelivered after it), so a task still running is never delivered a
second time. Settings build `CELERY_TASK_ROUTES` and `CELERY_TASK_ANNOTATIONS` from here.
"""

from __future__ import annotations

MAIL, DEFAULT, BULK = "mail", "default", "bulk"
QUEUES = (MAIL, DEFAULT, BULK)

# queue → (soft time limit, hard time limit) in seconds
LIMITS = {
    MAIL: (60, 90),
    DEFAULT: (300, 360),
    BULK: (3300, 3450),
}
BROKER_VISIBILITY_TIMEOUT = 3600

TASK_QUEUES = {
    # mail
    "activities.tasks.send_activity_mail": MAIL,
    "activities.tasks.send_appointment_reminders": MAIL,
    "activities.tasks.requeue_pending_mails": MAIL,
    "sequences.tasks.run_due_steps": MAIL,
    "leads.tasks.send_doi_mail": MAIL,
    "leads.tasks.requeue_pending_doi_mails": MAIL,
    "leads.tasks.send_stale_digests": MAIL,
    "notifications.tasks.send_daily_digests": MAIL,
    # bulk
    "leads.tasks.run_import": BULK,
    "contacts.tasks.bulk_update_run": BULK,
    "leads.tasks.lead_bulk_run": BULK,
    "engagement.tasks.recompute_engagement_scores": BULK,
    "leads.tasks.rescore_all_leads": BULK,
    "leads.tasks.apply_retention": BULK,
    "leads.tasks.flag_stale_leads": BULK,
    "boards.tasks.refresh_dashboard_summary": BULK,
    # default
    "leads.tasks.notify_overdue_follow_ups": DEFAULT,
    "capture.tasks.scan_business_card": DEFAULT,
    "inbound.tasks.poll_inbound_mail": DEFAULT,
    "inbound.tasks.process_inbound_mail": DEFAULT,
    "webhooks.tasks.deliver_webhook": DEFAULT,
    "webhooks.tasks.requeue_due_webhooks": DEFAULT,
    "jobs.tasks.requeue_stalled_jobs": DEFAULT,
    "sequences.tasks.enrol_by_rules": DEFAULT,
    "sla.tasks.check_response_slas": DEFAULT,
}


def task_routes() -> dict[str, dict[str, str]]:
    return {name: {"queue": queue} for name, queue in TASK_QUEUES.items()}


def task_annotations() -> dict[str, dict[str, int]]:
    annotations = {}
    for name, queue in TASK_QUEUES.items():
        soft, hard = LIMITS[queue]
        annotations[name] = {"soft_time_limit": soft, "time_limit": hard}
    return annotations
