"""GDPR [DSGVO]: export everything about a lead or person, erase (anonymise) on request,
and log every access to these pages (`PersonalDataAccess`).

The lead's own fields in the export, and the ones erasure clears, come from the field
catalogue (`leads.fields`: `gdpr_fields`, `personal_fields`).
Lead erasure clears the same fields as the retention job (`privacy.erasure.PERSONAL_FIELDS`)
on the lead, its history and its consent log; person erasure does the equivalent for the
person. The rows stay (statistics, links) but no longer identify anyone; the log row says
who erased what, when and why.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from contacts.models import Person
from leads.errors import LeadError
from leads.fields import gdpr_fields
from leads.models import ConsentRecord, DataAccessAction, Lead, LeadContact, PersonalDataAccess
from opportunities.selectors import gdpr_rows
from privacy import erasure
from privacy.models import ErasureReport
from privacy.selectors import consent_log
from ui.display import date_text, datetime_text

PERSON_ERASED_NAME = "Gelöscht"
PERSON_PERSONAL_FIELDS: dict[str, object] = {
    "salutation": "",
    "title": "",
    "first_name": "",
    "last_name": PERSON_ERASED_NAME,
    "function": "",
    "email": "",
    "phone": "",
    "mobile": "",
}


ERASE_PERMISSION = "privacy.erase_personal_data"


def can_erase(user) -> bool:
    """The irreversible erasure needs the explicit permission (granted to the
    Vertriebsleitung group, assignable to others in the admin); staff alone is not enough."""
    return bool(user.is_authenticated and user.has_perm(ERASE_PERMISSION))


def log_access(
    *,
    user,
    action: str,
    lead: Lead | None = None,
    person: Person | None = None,
    reason: str = "",
    ip_address: str | None = None,
) -> PersonalDataAccess:
    if lead is not None:
        subject = f"Lead {lead.number}"
    elif person is not None:
        subject = f"Person #{person.pk}"
    else:
        subject = "—"
    return PersonalDataAccess.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        lead=lead,
        person=person,
        subject=subject,
        reason=(reason or "")[:300],
        ip_address=ip_address or None,
    )


def _dt(value) -> str | None:
    """Local time in the reader's format (dd.mm.yyyy HH:MM in German), as on every page."""
    return datetime_text(value) if value else None


def _consents(qs) -> list[dict]:
    return [
        {
            "zeitpunkt": _dt(c.created_at),
            "aktion": c.get_action_display(),
            "zweck": c.purpose,
            "e_mail": c.email,
            "textversion": c.text_version,
            "text": c.text,
            "ip_adresse": c.ip_address,
            "browser": c.user_agent,
        }
        for c in qs.order_by("created_at", "id")
    ]


def _activities(qs) -> list[dict]:
    return [
        {
            "art": a.get_kind_display(),
            "betreff": a.subject,
            "inhalt": a.body,
            "beginn": _dt(a.start),
            "status": a.get_status_display(),
        }
        for a in qs.order_by("start", "id")
    ]


def _accesses(qs) -> list[dict]:
    return [
        {
            "zeitpunkt": _dt(a.created_at),
            "aktion": a.get_action_display(),
            "benutzer": str(a.user) if a.user_id else None,
            "anlass": a.reason,
        }
        for a in qs.select_related("user").order_by("-created_at")[:200]
    ]


LABELS = {
    "leadnummer": _lazy("Leadnummer"),
    "unternehmen": _lazy("Unternehmen"),
    "anrede": _lazy("Anrede"),
    "titel": _lazy("Titel"),
    "vorname": _lazy("Vorname"),
    "nachname": _lazy("Nachname"),
    "funktion": _lazy("Funktion"),
    "strasse": _lazy("Straße"),
    "plz": _lazy("PLZ"),
    "ort": _lazy("Ort"),
    "land": _lazy("Land"),
    "telefon": _lazy("Telefon"),
    "mobil": _lazy("Mobil"),
    "e_mail": _lazy("E-Mail"),
    "webseite": _lazy("Webseite"),
    "notizen": _lazy("Notizen"),
    "status": _lazy("Status"),
    "verlustgrund": _lazy("Verlustgrund"),
    "notiz_zum_verlust": _lazy("Notiz zum Verlust"),
    "lead_status": _lazy("Lead-Status"),
    "quelle": _lazy("Quelle"),
    "typ": _lazy("Typ"),
    "kampagne": _lazy("Kampagne"),
    "erfassungskanal": _lazy("Erfassungskanal"),
    "utm": "UTM",
    "landingpage": _lazy("Landingpage"),
    "verweis": _lazy("Verweis"),
    "interessensschwerpunkte": _lazy("Interessensschwerpunkte"),
    "lead_score": _lazy("Lead-Score"),
    "nachbetreuung_durch": _lazy("Nachbetreuung durch"),
    "zustaendig": _lazy("Zuständig"),
    "geschaeftspartner": _lazy("Geschäftspartner"),
    "firma": _lazy("Firma"),
    "angelegt_am": _lazy("Angelegt am"),
    "geaendert_am": _lazy("Geändert am"),
    "konvertiert_am": _lazy("Konvertiert am"),
    "anonymisiert_am": _lazy("Anonymisiert am"),
    "visitenkarte": _lazy("Visitenkarte"),
}


def display_rows(main: dict) -> list[tuple[str, str]]:
    """(German label, readable value) for the non-empty entries of an export section."""
    rows = []
    for key, value in main.items():
        if value in (None, "", [], False) or (isinstance(value, dict) and not any(value.values())):
            continue
        if isinstance(value, dict):
            value = " / ".join(f"{k}: {v}" for k, v in value.items() if v)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif value is True:
            value = _("ja")
        rows.append((str(LABELS.get(key, key)), str(value)))
    return rows


def _gdpr_value(lead: Lead, name: str) -> Any:
    """One lead field as a plain JSON-able value: related rows by their name, choices by
    their German label, timestamps in local time, the business card as
    "present or not" (the file itself is not part of the export)."""
    field = Lead._meta.get_field(name)
    value = getattr(lead, name)
    if field.many_to_many:
        return [entry.name for entry in value.all()]
    if isinstance(field, CountryField):
        return value.name if value else ""  # by name, as the mask shows it
    if field.is_relation or isinstance(field, PhoneNumberField):
        return str(value or "")  # related rows by name, the phone number as E.164
    if field.choices:
        return getattr(lead, f"get_{name}_display")()
    if isinstance(field, models.FileField):
        return bool(value)
    if isinstance(field, models.DateTimeField):
        return _dt(value)
    if isinstance(field, models.DateField):
        return date_text(value) if value else None
    return value


def _lead_part(lead: Lead) -> dict[str, Any]:
    """The lead's own fields, keyed as in `gdpr_fields` ("utm.source" nests under "utm")."""
    part: dict[str, Any] = {}
    for key, name in gdpr_fields():
        group, _dot, sub = key.rpartition(".")
        target = part.setdefault(group, {}) if group else part
        target[sub] = _gdpr_value(lead, name)
    return part


def lead_personal_data(lead: Lead) -> dict[str, Any]:
    """Everything stored about the lead, as plain JSON-able values (German keys); the lead's
    own fields are the field catalogue's GDPR fields (`leads.fields.gdpr_fields`)."""
    fields = [Lead._meta.get_field(name) for _key, name in gdpr_fields()]
    lead = (
        Lead.objects.select_related(*(f.name for f in fields if f.many_to_one))
        .prefetch_related(*(f.name for f in fields if f.many_to_many))
        .get(pk=lead.pk)
    )
    return {
        "art": "Lead",
        "exportiert_am": _dt(timezone.now()),
        "lead": _lead_part(lead),
        "ansprechpartner": [
            {"name": link.person.full_name, "e_mail": link.person.email, "haupt": link.is_main}
            for link in LeadContact.objects.filter(lead=lead).select_related("person")
        ],
        "einwilligungen": _consents(ConsentRecord.objects.filter(lead=lead)),
        "aktivitaeten": _activities(lead.activities.all()),
        "verkaufschancen": gdpr_rows(lead.opportunities.all()),
        "aenderungen": lead.history.count(),
        "zugriffe": _accesses(PersonalDataAccess.objects.filter(lead=lead)),
    }


def person_personal_data(person: Person) -> dict[str, Any]:
    person = Person.objects.select_related("company", "lead_status", "owner").get(pk=person.pk)
    return {
        "art": "Person",
        "exportiert_am": _dt(timezone.now()),
        "person": {
            "anrede": person.get_salutation_display(),
            "titel": person.title,
            "vorname": person.first_name,
            "nachname": person.last_name,
            "funktion": person.function,
            "e_mail": person.email,
            "telefon": str(person.phone or ""),
            "mobil": str(person.mobile or ""),
            "firma": str(person.company or ""),
            "lead_status": str(person.lead_status or ""),
            "zustaendig": str(person.owner or ""),
            "angelegt_am": _dt(person.created_at),
            "geaendert_am": _dt(person.updated_at),
        },
        "leads": [
            {"leadnummer": link.lead.number, "haupt": link.is_main}
            for link in LeadContact.objects.filter(person=person).select_related("lead")
        ],
        "einwilligungen": _consents(consent_log(person)),  # with the person's leads' records
        "aktivitaeten": _activities(person.activities.all()),
        "verkaufschancen": gdpr_rows(person.opportunities.all()),
        "aenderungen": person.history.count(),
        "zugriffe": _accesses(PersonalDataAccess.objects.filter(person=person)),
    }


def _check_erase(user, reason: str) -> None:
    if not can_erase(user):
        raise LeadError(_("Nur die Vertriebsleitung darf personenbezogene Daten löschen."))
    if not (reason or "").strip():
        raise LeadError(_("Bitte geben Sie den Anlass der Löschung an."))


def _phone(value) -> str:
    return value.as_e164 if value else ""


def _lead_anonymise(locked: Lead, *, now) -> dict[str, int]:
    """Anonymise the locked lead (`privacy.erasure.leads_anonymise`); its business card goes
    after commit. Returns what it touched."""
    counts, files = erasure.leads_anonymise([locked.pk], now=now)
    for name in files:
        transaction.on_commit(
            lambda name=name: default_storage.exists(name) and default_storage.delete(name)
        )
    return counts


def _report(*, user, reason: str, counts: dict[str, int], **subject) -> ErasureReport:
    lead, person = subject.get("lead"), subject.get("person")
    return ErasureReport.objects.create(
        lead=lead,
        person=person,
        subject=f"Lead {lead.number}" if lead is not None else f"Person #{person.pk}",
        user=user if user is not None and user.is_authenticated else None,
        reason=(reason or "")[:300],
        counts={key: n for key, n in counts.items() if n},
    )


@transaction.atomic
def lead_erase(*, lead: Lead, user, reason: str, ip_address: str | None = None) -> ErasureReport:
    """Anonymise the lead now (on the person's request); managers and staff only. Returns
    the report of what it touched."""

    _check_erase(user, reason)
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    if locked.anonymised_at is not None:
        raise LeadError(_("Dieser Lead ist bereits anonymisiert."))
    counts = _lead_anonymise(locked, now=timezone.now())
    log_access(
        user=user, action=DataAccessAction.ERASED, lead=locked, reason=reason, ip_address=ip_address
    )
    return _report(user=user, reason=reason, counts=counts, lead=locked)


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for key, n in more.items():
        counts[key] = counts.get(key, 0) + n


@transaction.atomic
def person_erase(
    *, person: Person, user, reason: str, ip_address: str | None = None
) -> ErasureReport:
    """Anonymise the person, the leads they are the main contact of, their activities
    (and other subjects' mails to them) and the import issues that name them."""
    _check_erase(user, reason)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    now = timezone.now()
    counts: dict[str, int] = {}
    leads = Lead.objects.filter(
        lead_contacts__person=locked, lead_contacts__is_main=True, anonymised_at__isnull=True
    ).select_for_update(of=("self",))
    for lead in leads.order_by("pk"):
        _add(counts, _lead_anonymise(lead, now=now))
    issues = erasure.subject_issues(
        emails=[locked.email], phones=[_phone(locked.phone), _phone(locked.mobile)]
    )
    counts["import_issues"] = counts.get("import_issues", 0) + erasure.issues_blank(issues)
    own = set(locked.activities.values_list("pk", flat=True))
    activities, documents = erasure.activities_erase(own)
    _add(counts, {"activities": activities, "documents": documents})
    counts["recipient_links"] = erasure.recipient_scrub(
        person_id=locked.pk, email=locked.email, exclude=own
    )
    counts["persons"] = Person.objects.filter(pk=locked.pk).update(
        **PERSON_PERSONAL_FIELDS, version=F("version") + 1
    )
    _add(counts, {"history": Person.history.filter(id=locked.pk).update(**PERSON_PERSONAL_FIELDS)})
    _add(
        counts,
        {
            "consents": ConsentRecord.objects.filter(person=locked).update(
                email="", ip_address=None, user_agent=""
            )
        },
    )
    log_access(
        user=user,
        action=DataAccessAction.ERASED,
        person=locked,
        reason=reason,
        ip_address=ip_address,
    )
    return _report(user=user, reason=reason, counts=counts, person=locked)
