"""Writes on companies and persons, with the lead-status rules of seed 000 / DESIGN §3.

- The category lives on the company; persons inherit it and never store one.
- The lead status lives on the person and applies only when the company's category is in a
  prospect group with "Lead-Status aktivieren" (`contacts.rules.lead_status_applies`).
- Entering an applicable category (new person, person moved to such a company, company
  re-categorised) sets the default status (Offen); leaving it keeps the value, hidden and
  not editable.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.errors import ConflictError, ContactError
from contacts.models import Category, Company, LeadStatus, Person
from contacts.rules import lead_status_applies

COMPANY_FIELDS = (
    "name",
    "category",
    "street",
    "postal_code",
    "city",
    "country",
    "phone",
    "email",
    "website",
    "industry",
    "owner",
)
PERSON_FIELDS = (
    "company",
    "salutation",
    "title",
    "first_name",
    "last_name",
    "function",
    "email",
    "phone",
    "mobile",
    "owner",
)


def _clean_changed(obj, data: dict[str, Any]) -> None:
    """Validate the fields this change touches (older rows may hold legacy values elsewhere)."""
    exclude = [f.name for f in obj._meta.concrete_fields if f.name not in data]
    obj.full_clean(exclude=exclude, validate_constraints=False)


def _default_status() -> LeadStatus:
    return LeadStatus.objects.default()


def _check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != obj.version:
        raise ConflictError(
            _(
                "„%(name)s“ wurde inzwischen von jemand anderem geändert. "
                "Bitte laden Sie die Seite neu und wiederholen Sie Ihre Änderung."
            )
            % {"name": obj}
        )


def _refuse_lead_status(person: Person, category: Category | None) -> ContactError:
    if category is None:
        reason = (
            _("ihre Firma keine Kategorie hat")
            if person.company_id
            else _("sie keiner Firma zugeordnet ist")
        )
    else:
        reason = _(
            "die Firmenkategorie „%(category)s“ keinen Lead-Status verwendet "
            "(nur Kategorien der Gruppe „Potenzieller Kunde“ mit aktiviertem Lead-Status)."
        ) % {"category": category}
    return ContactError(
        _("Der Lead-Status kann für diese Person nicht geändert werden, weil %(reason)s")
        % {"reason": reason}
    )


# --- companies -----------------------------------------------------------------------------


@transaction.atomic
def company_create(*, data: dict[str, Any], user) -> Company:
    company = Company(**{k: v for k, v in data.items() if k in COMPANY_FIELDS})
    if "owner" not in data:
        company.owner = user
    company.full_clean()
    company._history_user = user
    company.save()
    return company


@transaction.atomic
def company_update(
    *, company: Company, data: dict[str, Any], user, expected_version: int | None
) -> Company:
    locked = Company.objects.select_for_update().get(pk=company.pk)
    _check_version(locked, expected_version)
    old_category_id = locked.category_id
    for field, value in data.items():
        if field in COMPANY_FIELDS and field != "category":
            setattr(locked, field, value)
    _clean_changed(locked, data)
    locked.version = F("version") + 1
    locked._history_user = user
    locked.save()
    locked.refresh_from_db()
    if "category" in data:
        new_category = data["category"]
        if (new_category.pk if new_category else None) != old_category_id:
            company_set_category(company=locked, category=new_category, user=user)
            locked.refresh_from_db()
    return locked


@transaction.atomic
def company_set_category(*, company: Company, category: Category | None, user) -> Company:
    """Moving INTO an applicable category sets every person to Offen; moving out keeps it."""
    old_category = company.category if company.category_id else None
    was_applicable = lead_status_applies(old_category)
    company.category = category
    company.version = F("version") + 1
    company._history_user = user
    company.save()
    company.refresh_from_db()
    if lead_status_applies(category) and not was_applicable:
        now = timezone.now()
        default = _default_status()
        for person in company.persons.select_for_update():
            person.lead_status = default
            person.lead_status_changed_at = now
            person.version = F("version") + 1
            person._history_user = user
            person.save(update_fields=["lead_status", "lead_status_changed_at", "version"])
    return company


# --- persons -------------------------------------------------------------------------------


def _category_of(company: Company | None) -> Category | None:
    if company is None or company.category_id is None:
        return None
    return Category.objects.select_related("group").get(pk=company.category_id)


@transaction.atomic
def person_create(*, data: dict[str, Any], user) -> Person:
    if "category" in data:
        raise ContactError(
            _("Personen erben die Kategorie ihrer Firma; ändern Sie sie auf der Firmenkarte.")
        )
    person = Person(**{k: v for k, v in data.items() if k in PERSON_FIELDS})
    if "owner" not in data:
        person.owner = user
    category = _category_of(person.company)
    requested = data.get("lead_status")
    if lead_status_applies(category):
        person.lead_status = requested or _default_status()
        person.lead_status_changed_at = timezone.now()
    elif requested:
        raise _refuse_lead_status(person, category)
    person.full_clean()
    person._history_user = user
    person.save()
    return person


@transaction.atomic
def person_update(
    *, person: Person, data: dict[str, Any], user, expected_version: int | None
) -> Person:
    if "category" in data:
        raise ContactError(
            _("Personen erben die Kategorie ihrer Firma; ändern Sie sie auf der Firmenkarte.")
        )
    locked = Person.objects.select_for_update().get(pk=person.pk)
    _check_version(locked, expected_version)
    old_category = _category_of(locked.company)
    was_applicable = lead_status_applies(old_category)
    old_company_id = locked.company_id
    for field, value in data.items():
        if field in PERSON_FIELDS:
            setattr(locked, field, value)
    new_category = (
        _category_of(locked.company) if locked.company_id != old_company_id else (old_category)
    )
    applicable = lead_status_applies(new_category)

    if "lead_status" in data and data["lead_status"] != locked.lead_status:
        requested = data["lead_status"]
        if not applicable:
            raise _refuse_lead_status(locked, new_category)
        if requested is None:
            raise ContactError(_("Bitte wählen Sie einen Lead-Status."))
        locked.lead_status = requested
        locked.lead_status_changed_at = timezone.now()
    elif applicable and (not was_applicable or locked.lead_status_id is None):
        # Entering a prospect category: new leads always start with Offen (seed 000).
        locked.lead_status = _default_status()
        locked.lead_status_changed_at = timezone.now()

    _clean_changed(locked, data)
    locked.version = F("version") + 1
    locked._history_user = user
    locked.save()
    locked.refresh_from_db()
    return locked


@transaction.atomic
def person_set_lead_status(
    *, person: Person, status: LeadStatus, user, expected_version: int | None
) -> Person:
    return person_update(
        person=person, data={"lead_status": status}, user=user, expected_version=expected_version
    )
