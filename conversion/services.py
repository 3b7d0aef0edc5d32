"""Conversion [Konvertierung] of a lead into Geschäftspartner, Ansprechpartner and optionally
an Anfrage/Angebot (seed 002, action box "Ansprechpartner anlegen").

`lead_convert` does everything in one transaction: it locks the lead, checks the version
(a double submit or a concurrent edit fails cleanly) and refuses a converted lead, so the
conversion cannot run twice. Nothing is lost: the lead keeps its data and links to the new
company and person; its activities and consent log are linked to them, and a note on the
company/person carries interests, notes and the capture data (source, campaign, UTM).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import events
from activities.models import Activity, ActivityKind, ActivityStatus
from contacts.errors import ContactError
from contacts.models import Category, Company, GroupKind, LeadStatus, Person, Phase, Salutation
from contacts.rules import lead_status_applies
from contacts.services import company_create, person_create, person_update
from leads.errors import LeadError
from leads.models import ConsentRecord, Lead, LeadContact
from leads.services import history as history
from leads.services import lifecycle as lifecycle
from opportunities.models import Opportunity
from opportunities.selectors import initial_from_lead
from opportunities.services import opportunity_create


class AlreadyConvertedError(LeadError):
    """The lead was converted meanwhile (a double click, a replayed or concurrent submit):
    checked under the row lock, so the conversion runs once; the wizard says so and ends."""


@dataclass
class ConversionResult:
    lead: Lead
    company: Company
    person: Person
    opportunity: Opportunity | None
    company_created: bool
    person_created: bool


def prospect_categories():
    """Categories a new Geschäftspartner may get: prospect groups with lead status on."""
    return (
        Category.objects.active()
        .filter(group__kind=GroupKind.PROSPECT, lead_status_enabled=True)
        .select_related("group")
    )


def default_category() -> Category | None:
    categories = prospect_categories()
    return categories.filter(name="Lead").first() or categories.first()


def converted_status() -> LeadStatus:
    status = LeadStatus.objects.filter(phase=Phase.CONVERTED).order_by("-active", "rank").first()
    if status is None:
        raise LeadError(_("Es gibt keinen Lead-Status mit der Phase „Konvertiert“."))
    return status


def company_initial(lead: Lead) -> dict[str, Any]:
    return {
        "name": lead.company_name or lead.contact_name,
        "category": default_category(),
        "street": lead.street,
        "postal_code": lead.postal_code,
        "city": lead.city,
        "country": str(lead.country or "DE"),
        "phone": str(lead.phone or ""),
        "email": "",
        "website": lead.website,
    }


def person_initial(lead: Lead) -> dict[str, Any]:
    salutation = lead.salutation if lead.salutation in Salutation.values else ""
    return {
        "salutation": salutation,
        "first_name": lead.first_name,
        "last_name": lead.last_name,
        "function": lead.function,
        "email": lead.email,
        "phone": str(lead.phone or ""),
    }


def opportunity_initial(lead: Lead) -> dict[str, Any]:
    """Step 3 starts with "Keine anlegen"; title and description as on the opportunity form."""
    return {**initial_from_lead(lead), "kind": ""}


def opportunity_link(opportunity: Opportunity) -> str:
    """The opportunity's page as an absolute address: the note is read in mails and exports too."""
    return f"{settings.BASE_URL}{opportunity.get_absolute_url()}"


def _carry_over_note(lead: Lead, opportunity: Opportunity | None = None) -> str:
    interests = ", ".join(i.name for i in lead.interests.all())
    rows = [
        (_("Lead"), f"{lead.number} {lead.display_name}".strip()),
        (
            _("Verkaufschance"),
            f"{opportunity} – {opportunity_link(opportunity)}" if opportunity else "",
        ),
        (_("Quelle"), lead.source.name if lead.source_id else ""),
        (_("Kampagne"), lead.campaign.name if lead.campaign_id else ""),
        (_("Erfassungskanal"), lead.get_capture_channel_display()),
        (_("Interessensschwerpunkte"), interests),
        (_("Lead-Score"), str(lead.score)),
        (
            "UTM",
            " / ".join(
                v
                for v in (
                    lead.utm_source,
                    lead.utm_medium,
                    lead.utm_campaign,
                    lead.utm_term,
                    lead.utm_content,
                )
                if v
            ),
        ),
        (_("Landingpage"), lead.landing_page),
        (_("Verweis"), lead.referrer),
    ]
    text = "\n".join(f"{label}: {value}" for label, value in rows if value)
    if lead.notes:
        text += "\n\n" + _("Notizen aus dem Lead:") + "\n" + lead.notes
    return text


def _lead_owner(lead: Lead, user):
    return lead.follow_up_by or user


@transaction.atomic
def lead_convert(
    *,
    lead: Lead,
    user,
    expected_version: int,
    company: Company | None = None,
    company_data: Mapping[str, Any] | None = None,
    person: Person | None = None,
    person_data: Mapping[str, Any] | None = None,
    opportunity_data: Mapping[str, Any] | None = None,
) -> ConversionResult:

    # Lock without joins: after waiting for a concurrent conversion, PostgreSQL re-checks
    # the join with the *changed* status row and would drop the lead from the result.
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    if locked.converted_at is not None or locked.status.phase == Phase.CONVERTED:
        raise AlreadyConvertedError(_("Dieser Lead wurde bereits konvertiert."))
    if locked.merged_into_id:
        raise LeadError(_("Dieser Lead wurde in einen anderen Lead zusammengeführt."))
    if locked.anonymised_at:
        raise LeadError(_("Ein anonymisierter Lead kann nicht konvertiert werden."))
    if locked.version != int(expected_version):
        raise history.conflict_error(locked.pk, int(expected_version), locked.version)
    carried_status = locked.status
    owner = _lead_owner(locked, user)

    try:
        # step 1: Geschäftspartner
        company_created = False
        if company is None:
            data = dict(company_data or {})
            if not str(data.get("name") or "").strip():
                raise LeadError(_("Bitte geben Sie den Namen des Geschäftspartners an."))
            data.setdefault("category", default_category())
            data.setdefault("owner", owner)
            company = company_create(data=data, user=user)
            company_created = True
        # step 2: Ansprechpartner, with the lead's status where the category uses one
        applies = lead_status_applies(
            Category.objects.select_related("group").get(pk=company.category_id)
            if company.category_id
            else None
        )
        person_created = False
        if person is None:
            data = dict(person_data or {})
            if not str(data.get("last_name") or "").strip():
                raise LeadError(_("Bitte geben Sie den Nachnamen des Ansprechpartners an."))
            data["company"] = company
            data.setdefault("owner", owner)
            if applies and not carried_status.is_terminal:
                data["lead_status"] = carried_status
            person = person_create(data=data, user=user)
            person_created = True
        else:
            if person.company_id != company.pk:
                raise LeadError(_("Der Ansprechpartner gehört nicht zu diesem Geschäftspartner."))
            if applies and not carried_status.is_terminal:
                person = person_update(
                    person=person,
                    data={"lead_status": carried_status},
                    user=user,
                    expected_version=None,
                )
    except ContactError as exc:
        raise LeadError(str(exc)) from exc
    except Exception as exc:
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise LeadError(" ".join(exc.messages)) from exc
        raise

    # step 3: optional Anfrage / Angebot
    opportunity = None
    if opportunity_data and opportunity_data.get("kind"):
        title = str(opportunity_data.get("title") or "").strip() or locked.display_name
        opportunity = opportunity_create(
            data={
                "kind": opportunity_data["kind"],
                "title": title[:200],
                "company": company,
                "person": person,
                "lead": locked,
                "amount": opportunity_data.get("amount"),
                "expected_close": opportunity_data.get("expected_close"),
                "description": str(opportunity_data.get("description") or "")[:5000],
                "owner": owner,
            },
            user=user,
        )

    # the lead: linked, Konvertiert, one history row and one status change
    now = timezone.now()
    lifecycle.apply_status(locked, carried_status, converted_status(), user, via_conversion=True)
    locked.customer = company
    locked.converted_at = now
    locked.converted_by = user
    locked.version += 1
    locked.updated_by = user
    history.tag_version(locked, user)
    locked.save()
    lifecycle.write_status_change(locked)
    LeadContact.objects.filter(lead=locked, is_main=True).exclude(person=person).update(
        is_main=False
    )
    link, created = LeadContact.objects.get_or_create(
        lead=locked, person=person, defaults={"is_main": True}
    )
    if not created and not link.is_main:
        LeadContact.objects.filter(pk=link.pk).update(is_main=True)

    # carry over: activities, consent log, a note with what has no field on company/person
    activity_ids = list(locked.activities.values_list("pk", flat=True))
    Activity.objects.filter(pk__in=activity_ids, person__isnull=True).update(person=person)
    Activity.objects.filter(pk__in=activity_ids, company__isnull=True).update(company=company)
    ConsentRecord.objects.filter(lead=locked, person__isnull=True).update(person=person)
    note = Activity.objects.create(
        kind=ActivityKind.NOTE,
        subject=_("Konvertiert aus Lead %(number)s") % {"number": locked.number},
        body=_carry_over_note(locked, opportunity),
        start=now,
        status=ActivityStatus.DONE,
        done_at=now,
        company=company,
        person=person,
        delegated_by=user,
        delegated_to=owner,
        created_by=user,
        updated_by=user,
    )
    locked.activities.add(note)
    if opportunity is not None:
        opportunity.activities.add(note, *activity_ids)
    events.publish("lead.converted", locked)
    return ConversionResult(
        lead=locked,
        company=company,
        person=person,
        opportunity=opportunity,
        company_created=company_created,
        person_created=person_created,
    )
