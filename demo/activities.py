"""Demo activities and notifications, written through their services.

Appointments are not made here: `lead_create` made them from the lead's "Termin" fields
(leads.services.appointments), with the "Neuer Termin" notification where the service
sends one. Here the past ones are marked done, calls, notes and sent info mails are
logged on the leads as a user logs them on the lead mask, and the notifications the
nightly overdue job and the hand-over of new leads produce are put into the bells.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from activities.models import Activity, ActivityKind, ActivityStatus, MailState
from activities.services import activity_create, activity_mark_done
from contacts.models import Phase
from leads.jobs.overdue import overdue_follow_ups_notify
from leads.services.assignment_notices import notify_lead_assigned
from notifications.models import Kind, Notification
from notifications.services import notification_mark_read


def log_activities(plans: list[dict], *, now: dt.datetime) -> None:
    """Log what the owners did on the leads, dated to when they did it."""
    done_at: dict[int, dt.datetime] = {}
    created_at: dict[int, dt.datetime] = {}
    for plan in plans:
        lead, owner = plan["lead"], plan["owner"]
        final = plan["final_status"]
        if lead.appointment_id and lead.planned_start < now:
            appointment = Activity.objects.get(pk=lead.appointment_id)
            activity_mark_done(activity=appointment, user=owner)
            done_at[appointment.pk] = lead.planned_end
            created_at[appointment.pk] = min(plan["created_at"], lead.planned_start)
        logged = []
        last_step = plan["changes"][-1][2]
        if plan["activity"] and final.phase != Phase.OPEN:
            subject = (
                f"Telefonat mit {lead.contact_name}"
                if plan["activity"] == ActivityKind.CALL
                else f"Notiz zu {lead.company_name}"
            )
            logged.append(
                {
                    "kind": plan["activity"],
                    "subject": subject,
                    "body": lead.notes or "Bedarf besprochen, Unterlagen folgen.",
                    "start": last_step,
                    "end": last_step + dt.timedelta(minutes=20),
                }
            )
        if lead.send_info_material and final.phase == Phase.QUALIFIED and lead.email:
            # a mail sent back then: recorded as sent, not sent (again) now
            logged.append(
                {
                    "kind": ActivityKind.EMAIL_OUT,
                    "subject": "Ihre Informationen aus unserem Gespräch",
                    "body": "Guten Tag,\n\nanbei erhalten Sie unser Informationsmaterial.",
                    "start": last_step,
                    "mail_to": lead.email,
                    "mail_state": MailState.SENT,
                    "sent_at": last_step,
                }
            )
        for data in logged:
            data.update(
                status=ActivityStatus.DONE,
                delegated_to=owner,
                person=plan["person"],
                company=plan["company"],
            )
            activity = activity_create(data=data, user=owner)
            lead.activities.add(activity)  # as the lead mask's "Aktivität anlegen" does
            done_at[activity.pk] = created_at[activity.pk] = data["start"]
    # activity_create / activity_mark_done stamp "now": date the rows back to when the
    # call, note, mail or appointment took place (one UPDATE of these two columns).
    activities = list(Activity.objects.filter(pk__in=done_at).only("pk"))
    for activity in activities:
        activity.done_at, activity.created_at = done_at[activity.pk], created_at[activity.pk]
    Activity.objects.bulk_update(activities, ["done_at", "created_at"], batch_size=500)


def fill_bells(plans: list[dict], *, now: dt.datetime, today: dt.date, manager=None) -> None:
    """The notifications the demo users find: overdue follow-ups (by the nightly job
    itself) and the hand-over of fresh leads to their owners."""
    overdue_follow_ups_notify(today=today)
    sent_at: dict[int, dt.datetime] = {}
    read: list[Notification] = []
    by_lead = {plan["lead"].pk: plan for plan in plans}
    for notification in Notification.objects.filter(
        kind=Kind.FOLLOW_UP_OVERDUE, object_id__in=by_lead
    ).select_related("recipient"):
        lead = by_lead[notification.object_id]["lead"]
        morning_after = dt.datetime.combine(
            lead.follow_up_until + dt.timedelta(days=1), dt.time(7, 0)
        )
        sent_at[notification.pk] = min(now, timezone.make_aware(morning_after))
        if (today - lead.follow_up_until).days > 7:
            read.append(notification)  # older reminders have been seen already
    for plan in plans:
        lead, owner = plan["lead"], plan["owner"]
        if owner is None or plan["days_ago"] >= 10 or plan["final_status"].phase != Phase.OPEN:
            continue
        # the sales manager handed the fresh lead over: the same notification (kind,
        # parameters, dedupe key) the assignment rules send, through the same function
        notification = notify_lead_assigned(
            lead=lead,
            user=owner,
            why={"how": "manual", "by": str(manager) if manager else ""},
            actor=manager,
        )
        if notification is not None:
            sent_at[notification.pk] = plan["created_at"]
            if plan["index"] % 2:
                read.append(notification)
    for notification in read:
        notification_mark_read(notification=notification, user=notification.recipient)
    # created_at is auto_now_add: date the rows back to when they would have been sent
    # (one UPDATE of that column; bulk_update does not apply auto_now_add)
    stored = list(Notification.objects.filter(pk__in=sent_at).only("pk"))
    for notification in stored:
        notification.created_at = sent_at[notification.pk]
    Notification.objects.bulk_update(stored, ["created_at"], batch_size=500)
