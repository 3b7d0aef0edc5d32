"""iCalendar data of appointments, built with the `icalendar` package.

One builder for the personal feed (agenda, METHOD-less: a subscription) and for the
invitations and cancellations sent to attendees (METHOD:REQUEST / CANCEL, RFC 5546).
Times are written in Europe/Berlin with its VTIMEZONE, so Outlook and Google show them
right whatever their own zone; UID and SEQUENCE come from the activity
(`Activity.ical_uid`, `Activity.ical_sequence`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from activities.models import Activity, ActivityStatus

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//LeadCRM//Kalender//DE"


@dataclass(frozen=True)
class Party:
    name: str
    email: str


def organizer_of(activity: Activity) -> Party:
    """The user who holds the appointment; our sender address when they have none
    (a client ignores a REQUEST without an organizer)."""
    user = activity.delegated_to or activity.delegated_by
    email = (user.email if user else "") or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return Party(name=str(user) if user else "LeadCRM", email=email)


def attendees_of(activity: Activity) -> list[Party]:
    """The contact the appointment is with (person, else the lead's contact data), then
    the further recipients; only those with an e-mail address, each once."""
    found: list[Party] = []
    if activity.person_id and activity.person.email:
        found.append(Party(activity.person.full_name, activity.person.email))
    elif activity.contact_email:
        found.append(Party(activity.contact_name, activity.contact_email))
    for person in activity.recipients.all():
        if person.email:
            found.append(Party(person.full_name, person.email))
    unique: dict[str, Party] = {}
    for party in found:
        unique.setdefault(party.email.lower(), party)
    return list(unique.values())


def location_of(activity: Activity) -> str:
    """The appointment's place, else the company's address."""
    if activity.location:
        return activity.location
    company = activity.company if activity.company_id else None
    if company is None:
        return ""
    town = f"{company.postal_code} {company.city}".strip()
    return ", ".join(p for p in (company.street.strip(), town) if p)


def _address(party: Party, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{party.email}")
    if party.name:
        address.params["CN"] = vText(party.name)
    for key, value in params.items():
        address.params[key] = value
    return address


def event_for(
    activity: Activity, *, method: str = "", attendees: Iterable[Party] | None = None
) -> Event:
    start = activity.start
    end = activity.end or (start + timedelta(minutes=settings.LEADCRM["APPOINTMENT_MINUTES"]))
    event = Event()
    event.add("uid", activity.ical_uid)
    event.add("sequence", activity.ical_sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", activity.updated_at or timezone.now())
    event.add("dtstart", start.astimezone(BERLIN))
    event.add("dtend", end.astimezone(BERLIN))
    event.add("summary", activity.subject)
    if activity.body:
        event.add("description", activity.body)
    location = location_of(activity)
    if location:
        event.add("location", location)
    cancelled = method == "CANCEL" or activity.status == ActivityStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _address(organizer_of(activity)))
    for party in attendees_of(activity) if attendees is None else attendees:
        event.add(
            "attendee",
            _address(party, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="TRUE"),
        )
    return event


def calendar_for(
    activities: Iterable[Activity],
    *,
    method: str = "",
    name: str = "",
    attendees: Iterable[Party] | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per appointment (that has a start) and the
    Europe/Berlin VTIMEZONE; `method` REQUEST/CANCEL for mail, empty for the feed;
    `attendees` replaces the appointment's own (the recipients of a confirmation mail)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Europe/Berlin")
    for activity in activities:
        if activity.start is not None:
            calendar.add_component(event_for(activity, method=method, attendees=attendees))
    calendar.add_missing_timezones()
    return calendar.to_ical()
