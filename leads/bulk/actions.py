"""Bulk actions on leads from the list: assign, status, follow-up date, campaign, delete.

Every action runs as a `jobs` job through `jobs.runner` (one lifecycle for all long work),
so the result is always the same summary page: changed, skipped (not permitted / nothing to
change) and failed, with the reasons. Up to `LEADCRM_BULK_JOB_THRESHOLD` leads the job runs
inside the request (the user lands on the finished summary); above it the job is queued and
the page polls its progress.

Each lead goes through the same services the mask uses (`lead_update`, `lead_delete`), so
every rule holds here too: the object permission (checked per lead first: `can_edit_lead`,
`can_qualify_lead` for a status, `can_delete_lead`), the status lifecycle (Verlustgrund,
Konvertiert only by conversion), the version bump and the history record. One lead that
fails (a rule refused it) rolls back alone, in its own savepoint; the others go on.

The selection is stored as what the user chose (`leads.bulk.selection`): ticked ids, or the
list's filter for "alle Treffer". The job walks it by primary key in batches and keeps the
last id it committed in its result, so a retried or resumed job continues after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import LeadStatus
from jobs import runner as job_runner
from jobs.models import Job
from leads.bulk.selection import leads_for_spec, spec_is_empty
from leads.errors import LeadError
from leads.models import Campaign, Lead, LostReason
from leads.permissions import can_delete_lead, can_edit_lead, can_qualify_lead
from leads.services.lead import lead_delete, lead_update
from ui.dates import parse_sane_date

JOB_KIND = "leads_bulk"
BATCH = 200
ACTIONS = {
    "assign": gettext_lazy("Nachbetreuung durch setzen"),
    "status": gettext_lazy("Status setzen"),
    "follow_up": gettext_lazy("Nachbetreuung bis setzen"),
    "campaign": gettext_lazy("Kampagne setzen"),
    "delete": gettext_lazy("Löschen"),
}
NOT_PERMITTED = gettext_lazy("Keine Berechtigung")
UNCHANGED = gettext_lazy("Wert war bereits gesetzt")
GONE = gettext_lazy("Lead nicht mehr vorhanden")


def job_threshold() -> int:
    """Above this many leads a bulk action runs in the background (setting)."""
    return int(getattr(settings, "LEADCRM_BULK_JOB_THRESHOLD", 200))


def _user_value(pk):
    return get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None


def _clean_values(action: str, values: dict) -> dict:
    """The stored parameters of `action` (ids and ISO dates only), validated now so a bad
    value is a message on the form, not a failed job."""
    if action == "assign":
        pk = values.get("follow_up_by")
        if pk and _user_value(pk) is None:
            raise LeadError(_("Bitte einen gültigen Benutzer auswählen."), field="follow_up_by")
        return {"follow_up_by": int(pk) if pk else None}
    if action == "status":
        status = LeadStatus.objects.filter(pk=values.get("status") or 0).first()
        if status is None:
            raise LeadError(_("Bitte einen gültigen Status auswählen."), field="status")
        reason = values.get("lost_reason")
        if reason and not LostReason.objects.filter(pk=reason).exists():
            raise LeadError(_("Bitte einen gültigen Verlustgrund auswählen."), field="lost_reason")
        return {
            "status": status.pk,
            "lost_reason": int(reason) if reason else None,
            "lost_note": str(values.get("lost_note") or "")[:2000],
        }
    if action == "follow_up":
        raw = values.get("follow_up_until")
        day = parse_sane_date(str(raw)) if raw else None
        if raw and day is None:
            raise LeadError(_("Bitte ein gültiges Datum eingeben."), field="follow_up_until")
        return {"follow_up_until": day.isoformat() if day else None}
    if action == "campaign":
        pk = values.get("campaign")
        if pk and not Campaign.objects.filter(pk=pk).exists():
            raise LeadError(_("Bitte eine gültige Kampagne auswählen."), field="campaign")
        return {"campaign": int(pk) if pk else None}
    if action == "delete":
        return {}
    raise LeadError(_("Ungültige Aktion."), field="action")


def lead_bulk_start(*, user, spec: dict, action: str, values: dict) -> Job:
    """Create the job for `action` on the leads of `spec`; run it now when it is small,
    queue it otherwise (after commit). Raises LeadError for an empty selection, an unknown
    action, a bad value, or delete by someone who may not delete leads."""
    from leads import tasks  # reason: leads.tasks imports this module

    if action not in ACTIONS:
        raise LeadError(_("Ungültige Aktion."), field="action")
    if spec_is_empty(spec):
        raise LeadError(_("Bitte zuerst Leads auswählen."))
    if action == "delete" and not can_delete_lead(user):
        raise LeadError(_("Nur die Vertriebsleitung darf Leads löschen."))
    cleaned = _clean_values(action, values)
    threshold = job_threshold()
    # a bounded look at the size: never count a whole big table in the request
    sample = list(leads_for_spec(user, spec).values_list("pk", flat=True)[: threshold + 1])
    if not sample:
        raise LeadError(_("Die Auswahl ist leer; es gibt nichts zu ändern."))
    in_request = len(sample) <= threshold
    job = job_runner.job_create(
        kind=JOB_KIND,
        title=_("Leads: %(action)s") % {"action": ACTIONS[action]},
        user=user,
        total=len(sample) if in_request else 0,
        params={"spec": spec, "action": action, "values": cleaned},
        task=tasks.lead_bulk_run.name,
    )
    if in_request:
        lead_bulk_run(job=job)
        job.refresh_from_db()
        job.queued = True
    else:
        job_runner.job_queue(job=job)
    return job


def _writer(action: str, values: dict, user) -> Callable[[Lead], str | None]:
    """A function that changes one lead; returns a skip reason, or None when changed."""
    if action == "delete":

        def delete(lead: Lead) -> str | None:
            if not can_delete_lead(user, lead):
                return str(NOT_PERMITTED)
            lead_delete(lead=lead, user=user)
            return None

        return delete
    data: dict[str, Any]
    if action == "assign":
        data = {"follow_up_by": _user_value(values["follow_up_by"])}
    elif action == "follow_up":
        raw = values["follow_up_until"]
        data = {"follow_up_until": parse_sane_date(raw) if raw else None}
    elif action == "campaign":
        pk = values["campaign"]
        data = {"campaign": Campaign.objects.filter(pk=pk).first() if pk else None}
    else:  # status: the lifecycle (and its Verlustgrund rule) in lead_update decides
        data = {"status": values["status"]}
        if values.get("lost_reason"):
            data["lost_reason"] = LostReason.objects.get(pk=values["lost_reason"])
            data["lost_note"] = values.get("lost_note") or ""
    field = next(iter(data))
    current = {"status": "status_id", "follow_up_by": "follow_up_by_id", "campaign": "campaign_id"}
    target = data[field].pk if hasattr(data[field], "pk") else data[field]
    permitted = can_qualify_lead if action == "status" else can_edit_lead

    def update(lead: Lead) -> str | None:
        if not permitted(user, lead):
            return str(NOT_PERMITTED)
        if getattr(lead, current.get(field, field)) == target:
            return str(UNCHANGED)
        lead_update(lead=lead, data=data, user=user, expected_version=lead.version)
        return None

    return update


def _batch(pks: list[int], write, result: dict) -> None:
    reasons = result.setdefault("reasons", {})

    def count(key: str, reason: str | None = None) -> None:
        result[key] = result.get(key, 0) + 1
        if reason:
            reasons[reason] = reasons.get(reason, 0) + 1

    rows = {lead.pk: lead for lead in Lead.objects.filter(pk__in=pks)}
    for pk in pks:
        lead = rows.get(pk)
        if lead is None:
            count("skipped", str(GONE))
            continue
        try:
            with transaction.atomic():
                skipped = write(lead)
        except LeadError as exc:  # a rule refused this lead (its savepoint rolled back)
            count("failed", f"{lead.number}: {exc.message}"[:300])
            continue
        if skipped:
            count("skipped", skipped)
        else:
            count("updated")


def lead_bulk_run(*, job: Job) -> str:
    """Run the bulk job; safe to run twice (a finished job is left alone, a resumed one goes
    on after the last committed batch)."""
    params = job.params
    user = job.created_by

    def work(run: job_runner.JobRun) -> None:
        qs = leads_for_spec(user, params.get("spec") or {})
        write = _writer(params["action"], params.get("values") or {}, user)
        result = dict(run.job.result or {})
        if not run.job.total:
            run.set_total(qs.count())  # in the job, not the request
        last = int(result.get("last_pk") or 0)
        done = run.job.done
        while True:
            run.checkpoint()
            pks = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not pks:
                break
            with transaction.atomic():  # the batch and the progress it reports
                _batch(pks, write, result)
                last = pks[-1]
                done += len(pks)
                result["last_pk"] = last
                run.progress(done=min(done, max(run.job.total, done)), result=result)
        if done > run.job.total:
            run.set_total(done)

    return job_runner.job_run(job=job, work=work, reraise=False)
