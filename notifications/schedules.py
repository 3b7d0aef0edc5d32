"""Default beat schedules (django-celery-beat, editable in the admin afterwards).

Each entry names a task by its registered name; the tasks are thin wrappers around
services and safe to run twice.
"""

from datetime import timedelta

from django.utils import timezone

# name, task, interval minutes or crontab dict
SCHEDULES = [
    ("Nachbetreuung überfällig", "leads.tasks.notify_overdue_follow_ups", {"minutes": 15}),
    ("Terminerinnerungen", "activities.tasks.send_appointment_reminders", {"minutes": 5}),
    ("Mail-Ausgang prüfen", "activities.tasks.requeue_pending_mails", {"minutes": 5}),
    (
        "Bestätigungsmails (Double-Opt-in) prüfen",
        "leads.tasks.requeue_pending_doi_mails",
        {"minutes": 5},
    ),
    ("Veraltete Leads markieren", "leads.tasks.flag_stale_leads", {"crontab": "30 5 * * *"}),
    (
        "Wochenübersicht veraltete Leads",
        "leads.tasks.send_stale_digests",
        {"crontab": "0 7 * * 1"},
    ),
    (
        "Tägliche Zusammenfassung",
        "notifications.tasks.send_daily_digests",
        {"crontab": "0 7 * * *"},
    ),
    ("Aufbewahrung (DSGVO)", "leads.tasks.apply_retention", {"crontab": "0 3 * * *"}),
    ("Webhook-Zustellungen prüfen", "webhooks.tasks.requeue_due_webhooks", {"minutes": 1}),
    ("E-Mail-Eingang abrufen", "inbound.tasks.poll_inbound_mail", {"minutes": 2}),
    ("Hintergrundaufträge prüfen", "jobs.tasks.requeue_stalled_jobs", {"minutes": 2}),
    (
        "Engagement-Score berechnen",
        "engagement.tasks.recompute_engagement_scores",
        {"minutes": 30},
    ),
    ("Reaktionszeiten (SLA) prüfen", "sla.tasks.check_response_slas", {"minutes": 1}),
    ("Nachfass-Sequenzen: fällige Schritte", "sequences.tasks.run_due_steps", {"minutes": 5}),
    ("Nachfass-Sequenzen: Aufnahme per Regel", "sequences.tasks.enrol_by_rules", {"minutes": 15}),
]


def load(apps, names: tuple[str, ...] | None = None) -> None:
    """Create the default schedules that are missing; `names` limits it to some entries
    (a later data migration adding one job must not recreate jobs an admin deleted)."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    now = timezone.now()
    for name, task, when in SCHEDULES:
        if names is not None and name not in names:
            continue
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        kwargs = {}
        if "minutes" in when:
            kwargs["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=when["minutes"], period="minutes"
            )
            # due at the first beat tick after installation, not one interval later
            kwargs["last_run_at"] = now - timedelta(minutes=when["minutes"])
        else:
            minute, hour, dom, month, dow = when["crontab"].split()
            kwargs["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_month=dom,
                month_of_year=month,
                day_of_week=dow,
                timezone="Europe/Berlin",
            )
        PeriodicTask.objects.create(name=name, task=task, **kwargs)
