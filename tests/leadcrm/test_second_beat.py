"""A second beat changes nothing (issue #18): every scheduled job, run a second time right
after the first on the same data, adds, changes and sends nothing more.

Compose runs exactly one beat (tests/infra/test_compose.py); should a second one run
anyway (a botched deployment, a failover), this is what keeps it harmless. The jobs are
the ones `notifications.schedules.SCHEDULES` installs, run as their Celery tasks.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core import mail

from leadcrm.celery import app as celery_app
from notifications.schedules import SCHEDULES
from tests.factories.activities import lead_with_appointment
from tests.factories.boards import demo_dataset
from tests.factories.leads import LeadFactory, days_ago

pytestmark = pytest.mark.django_db

OWN_APPS = {
    "accounts", "jobs", "notifications", "contacts", "activities", "leads", "opportunities",
    "capture", "conversion", "processes", "sequences", "sla", "agenda", "engagement",
    "inbound", "boards", "search", "merge", "privacy", "api", "webhooks",
}  # fmt: skip


def snapshot() -> dict[str, object]:
    """Row count and the latest change of every table of our apps, plus the mails sent."""
    state: dict[str, object] = {"mails": len(mail.outbox)}
    for model in apps.get_models():
        if model._meta.app_label not in OWN_APPS or model._meta.proxy:
            continue
        fields = {f.name for f in model._meta.concrete_fields}
        key = model._meta.label
        state[key] = model.objects.count()
        for stamp in ("updated_at", "version", "sent_at"):
            if stamp in fields:
                state[f"{key}.{stamp}"] = (
                    model.objects.order_by(f"-{stamp}").values_list(stamp, flat=True).first()
                )
    return state


def run_every_scheduled_job() -> None:
    celery_app.loader.import_default_modules()
    for _name, task, _when in SCHEDULES:
        celery_app.tasks[task].apply(throw=True)


def test_running_every_beat_job_twice_changes_nothing_the_second_time(rep, manager):
    demo_dataset(users=[rep, manager], size=40)
    LeadFactory.create_batch(3, follow_up_by=rep, follow_up_until=days_ago(3))
    lead_with_appointment(appointment_with=rep)
    before = snapshot()
    run_every_scheduled_job()
    first = snapshot()
    # the first run had work to do (overdue notices at least), or the test proves nothing
    assert first["notifications.Notification"] > before["notifications.Notification"]
    run_every_scheduled_job()
    second = snapshot()
    changed = {k: (first[k], second.get(k)) for k in first if first[k] != second.get(k)}
    assert not changed
