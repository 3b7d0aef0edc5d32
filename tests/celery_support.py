"""Celery app and a test-only task for the reliability tests (real Redis, real workers).

A worker subprocess is started with `celery -A tests.celery_support worker`; it reads the
broker from LEADCRM_TEST_BROKER and a short visibility timeout from
LEADCRM_TEST_VISIBILITY_TIMEOUT, so a message of a killed worker comes back in seconds
(production keeps the settings' value). The test process builds its own producer app with
`make_app()` and sends by task name, leaving the project's app (eager in tests) alone.
"""

import os
import time

from celery import Celery, shared_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadcrm.settings")


def make_app(broker_url: str | None = None, visibility_timeout: int | None = None) -> Celery:
    broker_url = broker_url or os.environ.get("LEADCRM_TEST_BROKER", "memory://")
    visibility_timeout = visibility_timeout or int(
        os.environ.get("LEADCRM_TEST_VISIBILITY_TIMEOUT", "3600")
    )
    app = Celery("leadcrm-test", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker_url,
        result_backend=None,
        task_always_eager=False,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        broker_transport_options={
            "visibility_timeout": visibility_timeout,
            # look for messages of dead workers every second instead of every 10 s
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        },
        worker_hijack_root_logger=False,
    )
    app.autodiscover_tasks()
    return app


app = make_app()


@shared_task(
    name="tests.celery_support.record_effect",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def record_effect(self, user_id: int, key: str, sleep: float) -> None:
    """Record an attempt, then the effect (guarded by its unique key), then sleep.

    Only the first attempt sleeps, so a redelivered copy finishes at once. The rows are
    notifications because their (recipient, dedupe_key) constraint is the guard the real
    jobs use.
    """
    from notifications.models import Kind, Notification

    def row(title: str, dedupe_key: str) -> Notification:
        return Notification(
            recipient_id=user_id, kind=Kind.SYSTEM, title=title, dedupe_key=dedupe_key
        )

    first_attempt = not Notification.objects.filter(
        recipient_id=user_id, dedupe_key__startswith=f"{key}:attempt:"
    ).exists()
    Notification.objects.bulk_create(
        [row(f"attempt {os.getpid()}", f"{key}:attempt:{os.getpid()}")], ignore_conflicts=True
    )
    Notification.objects.bulk_create([row("effect", key)], ignore_conflicts=True)
    if first_attempt:
        time.sleep(sleep)
    Notification.objects.bulk_create(
        [row(f"done {os.getpid()}", f"{key}:done:{os.getpid()}")], ignore_conflicts=True
    )
