"""Demo campaigns, companies and persons, written through the contacts services.

Companies are found by name and persons by e-mail; only missing ones are created.
"""

from __future__ import annotations

import datetime as dt

from contacts.models import Company, Person
from contacts.services import company_create, person_create
from demo import catalog as cat
from leads.models import Campaign


def ensure_campaigns(*, today: dt.date, sources: dict) -> dict[str, Campaign]:
    """The demo campaigns by name. Campaigns are maintained in the admin, which has no
    service of its own, so they are written here directly, found by slug."""
    result = {}
    for name, slug, start, end, source, web_form in cat.CAMPAIGNS:
        campaign, _created = Campaign.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "start_date": dt.date(today.year, *start),
                "end_date": dt.date(today.year, *end),
                "default_source": sources.get(source),
                "web_form_enabled": web_form,
                "consent_text": cat.CONSENT_TEXT if web_form else "",
                "consent_version": "2026-01" if web_form else "",
                "description": f"Demo-Kampagne „{name}“.",
            },
        )
        result[name] = campaign
    return result


def ensure_companies(planned: list[dict], *, user) -> list[Company]:
    """The planned companies in plan order; missing ones created by `company_create`."""
    names = [data["name"] for data in planned]
    existing = {c.name: c for c in Company.objects.filter(name__in=names)}
    for data in planned:
        if data["name"] not in existing:
            existing[data["name"]] = company_create(data=dict(data), user=user)
    by_name = {
        c.name: c for c in Company.objects.select_related("category__group").filter(name__in=names)
    }
    return [by_name[name] for name in names]


def ensure_persons(
    planned: list[dict], *, statuses: dict, now: dt.datetime
) -> dict[int, list[Person]]:
    """The planned persons by company pk; missing ones created by `person_create`, by the
    company's owner, with the prospect status they have reached."""
    emails = [p["data"]["email"] for p in planned]
    existing = set(Person.objects.filter(email__in=emails).values_list("email", flat=True))
    backdated: list[Person] = []
    for item in planned:
        data = dict(item["data"])
        if data["email"] in existing:
            continue
        if item["status_name"] is not None:
            data["lead_status"] = statuses[item["status_name"]]
        person = person_create(data=data, user=data["owner"])
        if item["status_days_ago"] is not None:
            person.lead_status_changed_at = now - dt.timedelta(days=item["status_days_ago"])
            backdated.append(person)
    # The service stamps "now"; the demo persons reached their status weeks ago (the
    # person board's "seit" column). One UPDATE, nothing else of the rows is touched.
    Person.objects.bulk_update(backdated, ["lead_status_changed_at"])
    by_email = {p.email: p for p in Person.objects.filter(email__in=emails)}
    result: dict[int, list[Person]] = {}
    for item in planned:
        person = by_email[item["data"]["email"]]
        result.setdefault(person.company_id, []).append(person)
    return result
