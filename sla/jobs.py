"""The response-SLA beat job: due times, first responses, warnings and escalations.

Why a beat job and not an `events` subscriber: leads come in through the mask, the web
form, the API, the admin and the COPY bulk path of the import; a job that scans the
database catches all of them (and leads written while the worker was down), keeps the
lead services free of SLA work, and re-derives everything from the database on each run.
Every step is set-based and bounded, and safe to run twice:

1. due times for recent leads without one that some policy matches;
2. `first_response_at` from the lead's outgoing activities (`first_response_q`);
3. a warning to "Nachbetreuung durch" once the warning window of the policy is reached;
4. on a breach, one escalation to every Vertriebsleitung user, then `response_breached_at`.

Notifications carry the kinds' dedupe keys (lead + due time), so a second run, or two at
once, never notifies twice; a breach is marked in the transaction that notifies, so a
crash loses neither. A lead whose columns a stale save overwrote is repaired on the next
run (the dedupe keys keep its notifications single).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from accounts.models import Role, User
from activities.models import ActivityKind, ActivityStatus
from leads.models import Lead
from notifications.kinds import Kind, dedupe_key
from notifications.services import NotificationItem, notify_many
from sla.policies import PolicySet

log = logging.getLogger(__name__)

LOOKBACK = dt.timedelta(days=30)  # the job looks at leads created this recently
BATCH_SIZE = 2000
MAX_PER_RUN = 20000  # per step; the next run continues


@dataclass
class SlaRun:
    due_set: int = 0
    responses: int = 0
    warned: int = 0
    escalated: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _tracked():
    return Lead.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)


# --- 1. due times -------------------------------------------------------------------------
def due_times_assign(*, policies: PolicySet, leads, limit: int = MAX_PER_RUN) -> int:
    """Set `response_due_at` on `leads` (without one) that a policy matches."""
    matching = policies.any_policy_q()
    if matching is None:
        return 0
    base = leads.filter(matching, response_due_at__isnull=True, first_response_at__isnull=True)
    done, last = 0, 0
    while done < limit:
        rows = list(
            base.filter(pk__gt=last)
            .order_by("pk")
            .values("pk", "created_at", "source_id", "type_id", "campaign_id")[:BATCH_SIZE]
        )
        if not rows:
            break
        last = rows[-1]["pk"]
        updates = []
        for row in rows:
            policy = policies.for_lead(
                source_id=row["source_id"], type_id=row["type_id"], campaign_id=row["campaign_id"]
            )
            if policy is not None:
                updates.append(
                    Lead(pk=row["pk"], response_due_at=policies.due_at(policy, row["created_at"]))
                )
        # only where still unset: a concurrent run or a first response wins
        with transaction.atomic():
            for lead in updates:
                Lead.objects.filter(pk=lead.pk, response_due_at__isnull=True).update(
                    response_due_at=lead.response_due_at
                )
        done += len(updates)
    return done


# --- 2. first responses -------------------------------------------------------------------
def _response_moments():
    """Per lead (OuterRef) the moments of its outgoing activities logged after it was
    created: a sent mail (when it was sent) and a logged call (its start, never later than
    when it was logged). Appointments and tasks are plans, not contact; notes are internal."""
    through = Lead.activities.through
    moment = Case(
        When(
            activity__kind=ActivityKind.EMAIL_OUT,
            activity__sent_at__isnull=False,
            then=F("activity__sent_at"),
        ),
        When(
            activity__kind=ActivityKind.CALL,
            activity__status=ActivityStatus.DONE,
            then=Least(
                Coalesce("activity__start", "activity__created_at"), F("activity__created_at")
            ),
        ),
        default=None,
        output_field=DateTimeField(),
    )
    return (
        through.objects.filter(
            lead_id=OuterRef("pk"), activity__created_at__gte=OuterRef("created_at")
        )
        .annotate(moment=moment)
        .filter(moment__isnull=False)
    )


def first_responses_detect(*, leads) -> int:
    """Set `first_response_at` on `leads` that have none yet but an outgoing activity; one
    UPDATE. The moment is never before the lead's creation (a call that was the inquiry)."""
    moments = _response_moments()
    first = moments.order_by().values("lead_id").annotate(m=Min("moment")).values("m")[:1]
    return leads.filter(Exists(moments), first_response_at__isnull=True).update(
        first_response_at=Greatest(Subquery(first), F("created_at"))
    )


def late_responses_mark(*, leads) -> int:
    """A response that came after the due time: the SLA was breached (no escalation:
    the lead is answered), recorded at the due time."""
    return leads.filter(
        response_breached_at__isnull=True, first_response_at__gt=F("response_due_at")
    ).update(response_breached_at=F("response_due_at"))


# --- 3./4. warnings and escalations -------------------------------------------------------
def _waiting():
    """Leads still waiting for their first response (lead_response_due_idx)."""
    return _tracked().filter(
        first_response_at__isnull=True, response_due_at__isnull=False, closed_at__isnull=True
    )


def _params(lead: Lead, policy) -> dict:
    return {
        "number": lead.number,
        "name": lead.display_name or lead.number,
        "due": lead.response_due_at.isoformat(),
        "policy": policy.name if policy else "—",
        "owner": str(lead.follow_up_by) if lead.follow_up_by_id else "—",
    }


def _leads_with_policy(queryset, policies: PolicySet):
    rows = queryset.select_related("follow_up_by").order_by("response_due_at", "pk")[:MAX_PER_RUN]
    for lead in rows:
        policy = policies.for_lead(
            source_id=lead.source_id, type_id=lead.type_id, campaign_id=lead.campaign_id
        )
        yield lead, policy


def warnings_send(*, policies: PolicySet, now: dt.datetime) -> int:
    """Warn the owner of each waiting lead within its policy's warning window."""
    window = _waiting().filter(
        response_due_at__gt=now,
        response_due_at__lte=now + policies.max_warning,
        follow_up_by__isnull=False,
        response_breached_at__isnull=True,
    )
    items = []
    for lead, policy in _leads_with_policy(window, policies):
        minutes = policy.warning_minutes if policy else 60
        if lead.response_due_at - dt.timedelta(minutes=minutes) > now:
            continue
        items.append(
            NotificationItem(
                recipient=lead.follow_up_by_id,
                kind=Kind.SLA_WARNING,
                params=_params(lead, policy),
                entity=lead,
                url=lead.get_absolute_url(),
                dedupe_key=dedupe_key(Kind.SLA_WARNING, lead=lead.pk, due=lead.response_due_at),
            )
        )
    return notify_many(items)


def escalations_send(*, policies: PolicySet, now: dt.datetime) -> int:
    """Escalate each newly breached lead to the Vertriebsleitung and mark it breached."""
    managers = list(
        User.objects.active().with_role(Role.SALES_MANAGER).values_list("pk", flat=True)
    )
    breached = _waiting().filter(response_due_at__lte=now, response_breached_at__isnull=True)
    count = 0
    with transaction.atomic():
        leads = list(
            _leads_with_policy(breached.select_for_update(of=("self",), skip_locked=True), policies)
        )
        items = [
            NotificationItem(
                recipient=manager,
                kind=Kind.SLA_BREACHED,
                params=_params(lead, policy),
                entity=lead,
                url=lead.get_absolute_url(),
                dedupe_key=dedupe_key(Kind.SLA_BREACHED, lead=lead.pk, due=lead.response_due_at),
            )
            for lead, policy in leads
            for manager in managers
        ]
        notify_many(items)
        ids = [lead.pk for lead, _policy in leads]
        if ids:
            Lead.objects.filter(pk__in=ids, response_breached_at__isnull=True).update(
                response_breached_at=now
            )
        count = len(ids)
    return count


def sla_check(*, now: dt.datetime | None = None) -> SlaRun:
    """One run of the beat job (see the module docstring); safe to run any number of times."""
    now = now or timezone.now()
    policies = PolicySet.load()
    recent = _tracked().filter(created_at__gte=now - LOOKBACK)
    run = SlaRun()
    run.due_set = due_times_assign(policies=policies, leads=recent.filter(closed_at__isnull=True))
    run.responses = first_responses_detect(leads=recent) + first_responses_detect(leads=_waiting())
    late_responses_mark(leads=recent.filter(response_due_at__isnull=False))
    run.warned = warnings_send(policies=policies, now=now)
    run.escalated = escalations_send(policies=policies, now=now)
    if run.escalated or run.warned:
        log.info("sla check", extra=run.as_dict())
    return run


# --- backfill for existing data -----------------------------------------------------------
QUIET_BEFORE = dt.timedelta(days=1)  # older breaches are recorded without escalation


def sla_backfill(
    *, now: dt.datetime | None = None, batch_size: int = 5000, progress=None
) -> SlaRun:
    """Due times, first responses and past breaches of ALL leads, in id batches (each
    committed on its own, so it can be stopped and run again). Breaches older than a day
    are recorded silently; newer ones are left to the beat job, which escalates them."""
    now = now or timezone.now()
    policies = PolicySet.load()
    run = SlaRun()
    last = 0
    while True:
        ids = list(
            Lead.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        last = ids[-1]
        batch = _tracked().filter(pk__in=ids)
        with transaction.atomic():
            run.responses += first_responses_detect(leads=batch)
            run.due_set += due_times_assign(policies=policies, leads=batch, limit=batch_size)
            late_responses_mark(leads=batch.filter(response_due_at__isnull=False))
            batch.filter(
                first_response_at__isnull=True,
                response_breached_at__isnull=True,
                response_due_at__lte=now - QUIET_BEFORE,
            ).filter(Q(closed_at__isnull=True) | Q(closed_at__gt=F("response_due_at"))).update(
                response_breached_at=F("response_due_at")
            )
        if progress:
            progress(last, run)
    return run
