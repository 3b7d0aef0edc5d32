"""Web-to-lead [Web-Formular]: a visitor's request becomes a lead, or a note on the open
lead with the same e-mail address (no second lead for the same person).

New leads go through `lead_create` (number, status, score, history, distribution), with
channel "web_form" and the campaign's default source. Marketing consent starts the double
opt-in: a "requested" record now, the confirmation mail after commit (an outbox entry on
the record: if the broker is down, the beat re-scan in leads/doi.py sends it later).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, ActivityKind, ActivityStatus
from capture.tasks import send_doi_mail
from contacts.duplicates import normalize_email
from leads.fields import capture_fields, capture_max_length
from leads.models import (
    Campaign,
    CaptureChannel,
    ConsentAction,
    ConsentRecord,
    Lead,
    LeadSource,
)
from leads.services.lead import lead_create
from notifications.kinds import dedupe_key
from notifications.models import Kind
from notifications.services import notify

log = logging.getLogger(__name__)
# What the form carries into the lead, from the field catalogue (leads.fields): the fields
# the visitor types in (interests, a many-to-many, go to lead_create on their own) and the
# campaign parameters of the embedding page's address.
LEAD_FIELDS = tuple(
    name for name in capture_fields(hidden=False) if not Lead._meta.get_field(name).many_to_many
)

UTM_FIELDS = tuple(name for name in capture_fields(hidden=True) if name.startswith("utm_"))


@dataclass
class CaptureResult:
    lead: Lead
    created: bool
    consent: ConsentRecord | None = None


def existing_open_lead(email: str) -> Lead | None:
    email = normalize_email(email)
    if not email:
        return None
    return (
        Lead.objects.open()
        .active()
        .annotate(email_lower=Lower("email"))
        .filter(email_lower=email, anonymised_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )


def _default_source(campaign: Campaign) -> LeadSource | None:
    if campaign.default_source_id:
        return campaign.default_source
    return LeadSource.objects.filter(name="Webseite").first()


def _request_summary(campaign: Campaign, data: Mapping[str, Any]) -> str:
    lines = [str(data.get("message") or "").strip()]
    details = [
        (_("Kampagne"), campaign.name),
        (_("Name"), " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)),
        (_("Unternehmen"), data.get("company_name")),
        (_("Telefon"), data.get("phone")),
        (_("Landingpage"), data.get("landing_page")),
        (_("Verweis"), data.get("referrer")),
    ] + [(name, data.get(name)) for name in UTM_FIELDS]
    lines.append("\n".join(f"{label}: {value}" for label, value in details if value))
    return "\n\n".join(p for p in lines if p)


@transaction.atomic
def capture_web_lead(
    *,
    campaign: Campaign,
    data: Mapping[str, Any],
    ip_address: str | None = None,
    user_agent: str = "",
    base_url: str = "",
) -> CaptureResult:
    """Record a web form submission (already validated by the form)."""
    existing = existing_open_lead(data.get("email", ""))
    if existing is not None:
        lead = Lead.objects.select_for_update().get(pk=existing.pk)
        now = timezone.now()
        activity = Activity.objects.create(
            kind=ActivityKind.NOTE,
            subject=_("Erneute Webanfrage über „%(campaign)s“") % {"campaign": campaign.name},
            body=_request_summary(campaign, data)[:20000],
            start=now,
            status=ActivityStatus.OPEN,
            company=lead.customer,
            delegated_to=lead.follow_up_by,
        )
        lead.activities.add(activity)
        Lead.objects.filter(pk=lead.pk).update(last_activity_at=now)
        _notify_owner(lead)
        created = False
    else:
        lead_data = {name: data.get(name) or "" for name in LEAD_FIELDS}
        lead_data["phone"] = data.get("phone") or ""
        lead_data.update(
            {name: (data.get(name) or "")[: capture_max_length(name)] for name in UTM_FIELDS}
        )
        lead_data.update(
            landing_page=data.get("landing_page") or "",
            referrer=data.get("referrer") or "",
            notes=str(data.get("message") or ""),
            campaign=campaign,
            source=_default_source(campaign),
            capture_channel=CaptureChannel.WEB_FORM,
        )
        interests = list(data.get("interests") or [])
        lead = lead_create(data=lead_data, user=None, interests=interests).lead
        created = True
    consent = None
    if data.get("marketing_consent"):
        consent = ConsentRecord.objects.create(
            lead=lead,
            action=ConsentAction.REQUESTED,
            email=normalize_email(data.get("email")),
            text_version=campaign.consent_version,
            text=campaign.consent_text,
            ip_address=ip_address or None,
            user_agent=(user_agent or "")[:300],
        )
        record_id = consent.pk
        transaction.on_commit(lambda: _queue_doi_mail(record_id, base_url))
    return CaptureResult(lead=lead, created=created, consent=consent)


def _queue_doi_mail(record_id: int, base_url: str) -> None:
    """Hand the id to the broker; if it is down the request stays due for the beat job
    (the visitor's lead and consent are committed: never answer them with a 500)."""

    try:
        send_doi_mail.delay(record_id, base_url)
    except Exception:  # kombu OperationalError, redis ConnectionError, …
        log.exception(
            "Could not queue DOI mail of consent %s; the beat job will send it", record_id
        )


def _notify_owner(lead: Lead) -> None:
    if lead.follow_up_by_id is None:
        return

    notify(
        recipient=lead.follow_up_by,
        kind=Kind.WEB_REPEAT,
        params={"name": lead.display_name or lead.number, "number": lead.number},
        entity=lead,
        url=lead.get_absolute_url(),
        dedupe_key=dedupe_key(Kind.WEB_REPEAT, lead=lead.pk, day=timezone.localdate()),
    )
