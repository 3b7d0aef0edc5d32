"""Demo leads, written the way users and the import write them.

Each planned lead is created in "Offen" – by `leads_bulk_create` (the import's bulk path)
where it allows, by `lead_create` where the lead needs what only the mask does (linked
Ansprechpartner, an appointment) – and then walks its status path through
`lead_set_status`, the converted ones through `lead_convert`. Numbering, score, history,
status changes, distribution and the appointment activity therefore come from the
services. Only the timestamps are moved into the past afterwards (`backdate_leads`).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from contacts.models import Phase
from conversion.services import company_initial, lead_convert, person_initial
from demo.lost_reasons import LostReasons
from demo.plan import CHANNEL_OF_SOURCE, status_timeline
from leads.bulk.create import leads_bulk_create
from leads.models import CaptureChannel, ConsentAction, ConsentRecord, Lead, LeadStatusChange
from leads.services.lead import lead_create
from leads.services.lifecycle import lead_set_status
from opportunities.models import OpportunityStatus
from opportunities.services import opportunity_set_status


class LeadWriter:
    def __init__(self, *, lists, campaigns: dict, users: dict, now: dt.datetime):
        self.lists = lists
        self.campaigns = campaigns
        self.users = users
        self.now = now
        self.today = timezone.localdate(now)

    def missing(self, plans: list[dict]) -> list[dict]:
        """The plans whose lead (found by e-mail) is not there yet, with their timeline."""
        existing = set(
            Lead.objects.filter(email__in=[p["email"] for p in plans]).values_list(
                "email", flat=True
            )
        )
        plans = [p for p in plans if p["email"] not in existing]
        for plan in plans:
            created = self.now - dt.timedelta(days=plan["days_ago"])
            plan["created_at"] = created.replace(hour=plan["hour"])
            plan["changes"] = status_timeline(plan, self.lists.statuses, self.now)
            plan["final_status"] = plan["changes"][-1][1]
        return plans

    # -- creation ------------------------------------------------------------------------

    def create(self, plans: list[dict]) -> None:
        """Create the leads in their first status; sets plan["lead"]."""
        batches: dict[int, list[dict]] = {}
        for plan in plans:
            plan["data"] = self._data(plan)
            if plan["person"] is not None or plan["data"].get("appointment_with"):
                result = lead_create(
                    data=plan["data"],
                    user=self._creator(plan),
                    interests=plan["interests"],
                    ratings=plan["ratings"],
                    contacts=[p for p in (plan["person"], plan["extra_person"]) if p],
                )
                plan["lead"] = result.lead
            else:
                batches.setdefault(self._creator(plan).pk, []).append(plan)
        for batch in batches.values():
            leads = leads_bulk_create(
                rows=[plan["data"] for plan in batch],
                user=self._creator(batch[0]),
                interests=[plan["interests"] for plan in batch],
                ratings=[plan["ratings"] for plan in batch],
            )
            for plan, lead in zip(batch, leads, strict=True):
                plan["lead"] = lead

    def _creator(self, plan: dict):
        """Campaign leads and the unassigned inquiries come in through marketing."""
        if plan["campaign"] or plan["owner"] is None:
            return self.users["marketing"]
        return plan["owner"]

    def _data(self, plan: dict) -> dict:
        final = plan["final_status"]
        data = {
            "company_name": plan["company_name"],
            "salutation": plan["salutation"],
            "first_name": plan["first_name"],
            "last_name": plan["last_name"],
            "function": plan["function"],
            "email": plan["email"],
            "phone": plan["phone"],
            "street": plan["street"],
            "postal_code": plan["postal_code"],
            "city": plan["city"],
            "country": "DE",
            "website": plan["website"],
            "status": plan["changes"][0][1],
            "source": self.lists.sources.get(plan["source"]),
            "type": plan["type"],
            "campaign": self.campaigns.get(plan["campaign"]) if plan["campaign"] else None,
            "capture_channel": CHANNEL_OF_SOURCE.get(plan["source"], CaptureChannel.MANUAL),
            "follow_up_by": plan["owner"],
            "customer": plan["company"],
            "send_info_material": plan["send_info_material"],
            "request_opt_in": plan["request_opt_in"],
            "arrange_appointment": plan["arrange_appointment"],
            "notes": plan["notes"],
        }
        if plan["campaign"] == "Webinar Energiemanagement":
            data.update(
                utm_source="newsletter",
                utm_medium="email",
                utm_campaign="webinar-energiemanagement",
            )
        if not final.is_terminal and plan["follow_up_offset"] is not None:
            data["follow_up_until"] = self.today + dt.timedelta(days=plan["follow_up_offset"])
        if (
            final.phase in (Phase.WORKING, Phase.QUALIFIED)
            and plan["appointment_offset"] is not None
        ):
            start = timezone.make_aware(
                dt.datetime.combine(
                    self.today + dt.timedelta(days=plan["appointment_offset"]),
                    dt.time(plan["appointment_hour"]),
                )
            )
            data.update(
                planned_start=start,
                planned_end=start + dt.timedelta(hours=1),
                appointment_with=plan["owner"],
            )
        return data

    # -- the way to the final status -----------------------------------------------------

    def walk(self, plans: list[dict]) -> None:
        """Move each lead along its path, as its owner would on the board."""
        reasons = LostReasons()
        for plan in plans:
            lead = plan["lead"]
            for _from, status, _at in plan["changes"][1:]:
                if status.phase == Phase.CONVERTED:
                    lead = self._convert(plan, lead)
                else:
                    lead = lead_set_status(
                        lead=lead,
                        status=status,
                        user=plan["owner"],
                        expected_version=lead.version,
                        **reasons.for_lead(plan["email"], status.phase),
                    )
            plan["lead"] = lead

    def _convert(self, plan: dict, lead: Lead) -> Lead:
        topic = plan["interests"][0].name if plan["interests"] else "Energielösung"
        company = plan["company"]
        result = lead_convert(
            lead=lead,
            user=plan["owner"],
            expected_version=lead.version,
            company=company,
            company_data=None if company else company_initial(lead),
            person=plan["person"],
            person_data=None if plan["person"] else person_initial(lead),
            opportunity_data={
                "kind": plan["opportunity_kind"],
                "title": f"{topic} für {company.name if company else lead.company_name}",
                "amount": plan["amount"],
                "expected_close": self.today + dt.timedelta(days=30 + plan["days_ago"] % 60),
            },
        )
        if result.opportunity and plan["opportunity_status"] != OpportunityStatus.OPEN:
            opportunity_set_status(
                opportunity=result.opportunity,
                status=plan["opportunity_status"],
                user=plan["owner"],
                expected_version=result.opportunity.version,
            )
        plan.update(company=result.company, person=result.person)
        return result.lead


def last_activity_at(plan: dict, now: dt.datetime) -> dt.datetime:
    """When somebody last worked on the lead: its last step, or later for open leads."""
    last_step = plan["changes"][-1][2]
    if plan["final_status"].is_terminal:
        return last_step
    touched = now - dt.timedelta(days=plan["touched_days_ago"], hours=3)
    return max(last_step, min(touched, now))


def backdate_leads(plans: list[dict], *, now: dt.datetime) -> None:
    """Move the services' "now" stamps to the planned story dates.

    The services stamp creation, status changes, closing and conversion with the moment of
    the call; the dashboards, the overdue/stale jobs and the history need them spread over
    the last months. One UPDATE of exactly these timestamp columns for the leads (bulk_update
    bypasses auto_now, which would stamp "now" again) and one for their status changes,
    which pair up with the planned steps in the order the services wrote them.
    """
    leads = {lead.pk: lead for lead in Lead.objects.filter(pk__in=[p["lead"].pk for p in plans])}
    changed: list[LeadStatusChange] = []
    by_lead: dict[int, list[LeadStatusChange]] = {}
    for change in LeadStatusChange.objects.filter(lead__in=leads).order_by("pk"):
        by_lead.setdefault(change.lead_id, []).append(change)
    for plan in plans:
        lead = leads[plan["lead"].pk]
        last_step = plan["changes"][-1][2]
        lead.created_at = plan["created_at"]
        lead.status_changed_at = last_step
        if lead.closed_at is not None:
            lead.closed_at = last_step
        if lead.converted_at is not None:
            lead.converted_at = last_step
        lead.last_activity_at = last_activity_at(plan, now)
        lead.updated_at = lead.last_activity_at
        stored = by_lead.get(lead.pk, [])
        if len(stored) != len(plan["changes"]):
            raise RuntimeError(f"demo lead {lead.number}: status changes do not match its path")
        for change, (_from, _to, at) in zip(stored, plan["changes"], strict=True):
            change.changed_at = at
            changed.append(change)
        plan["lead"] = lead
    fields = ["created_at", "updated_at", "status_changed_at", "closed_at", "converted_at"]
    Lead.objects.bulk_update(list(leads.values()), [*fields, "last_activity_at"], batch_size=500)
    LeadStatusChange.objects.bulk_update(changed, ["changed_at"], batch_size=500)


def record_consents(plans: list[dict]) -> None:
    """The confirmed double opt-in of the leads that came through a campaign's web form.

    In the product this record is the proof of a visitor's click (capture.doi.doi_confirm,
    with the IP address of the request); there is no service that confirms without that
    click, so the demo writes the proof rows of its own made-up visitors directly.
    """
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            lead=lead,
            action=ConsentAction.CONFIRMED,
            email=lead.email,
            text=lead.campaign.consent_text,
            text_version=lead.campaign.consent_version,
            ip_address="203.0.113.10",
            user_agent="Mozilla/5.0 (Demo)",
        )
        for lead in (plan["lead"] for plan in plans)
        if lead.campaign_id and lead.campaign.web_form_enabled
    )
