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
from simple_history.utils import bulk_update_with_history

from accounts.models import ListPreference, User
from contacts.errors import ConflictError, ContactError
from contacts.models import Category, Company, LeadStatus, Person
from contacts.rules import lead_status_applies
from contacts.selectors import LIST_COLUMNS
from jobs import runner as job_runner
from jobs.models import Job

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
    if data.get("owner") is None:  # the creator is responsible unless told otherwise
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
        persons = list(company.persons.select_for_update())
        for person in persons:
            person.lead_status = default
            person.lead_status_changed_at = now
            person.version += 1
        # one UPDATE per 500 persons plus their history rows, not one save per person
        bulk_update_with_history(
            persons,
            Person,
            ["lead_status", "lead_status_changed_at", "version"],
            batch_size=500,
            default_user=user,
        )
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
    if data.get("owner") is None:  # the creator is responsible unless told otherwise
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


# --- column chooser ------------------------------------------------------------------------------


def list_columns_set(*, user, key: str, columns: list[str]):
    """Save the columns `user` chose for list `key` (unknown column keys are dropped)."""

    if key not in LIST_COLUMNS:
        raise ContactError(_("Unbekannte Liste."))
    available = [c.key for c in LIST_COLUMNS[key][0]]
    chosen = [c for c in available if c in set(columns)] or ["name"]
    pref, _created = ListPreference.objects.update_or_create(
        user=user, key=key, defaults={"columns": chosen}
    )
    return pref


# --- bulk update [In großer Menge aktualisieren] -----------------------------------------------
#
# Up to BULK_SINGLE_TRANSACTION rows run in ONE transaction: all or nothing; the progress bar
# jumps from 0 to 100 %. Larger sets run in batches of BULK_BATCH rows, each batch atomic and
# the job's `done` counter written in the same transaction as the batch, so after an error the
# job says exactly how far it got, and a retried task resumes after the last committed batch.
# The job's lifecycle (running, cancel between batches, done, failed, run twice) is
# `jobs.runner.job_run`'s.

BULK_MAX = 100_000  # bounded work: one job never touches more rows
BULK_SINGLE_TRANSACTION = 5000
BULK_BATCH = 1000
BULK_JOB_KIND = "contacts_bulk_update"


def bulk_update_ids(queryset) -> list[int]:
    """The ids a bulk update of `queryset` would change, in id order; ContactError when they
    are more than BULK_MAX (reads BULK_MAX + 1 ids at most)."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True)[: BULK_MAX + 1])
    if len(ids) > BULK_MAX:
        raise ContactError(
            _("Zu viele Datensätze (mehr als %d). Bitte die Suche weiter eingrenzen.") % BULK_MAX
        )
    return ids


def bulk_update_start(*, user, target: str, ids: list[int], action: str, value_id: int) -> Job:
    from contacts import tasks  # reason: contacts.tasks imports this module

    if target not in ("person", "company"):
        raise ContactError(_("Ungültiges Ziel für die Massenänderung."))
    if action not in ("lead_status", "owner", "category"):
        raise ContactError(_("Ungültige Aktion."))
    if action == "lead_status" and target != "person":
        raise ContactError(_("Der Lead-Status kann nur für Personen gesetzt werden."))
    if not ids:
        raise ContactError(_("Die Auswahl ist leer; es gibt nichts zu aktualisieren."))
    labels = {
        "lead_status": _("Lead-Status setzen"),
        "owner": _("Zuständig setzen"),
        "category": _("Firmenkategorie setzen"),
    }
    job = job_runner.job_create(
        kind=BULK_JOB_KIND,
        title=_("Massenänderung: %(action)s (%(count)d %(target)s)")
        % {
            "action": labels[action],
            "count": len(ids),
            "target": _("Personen") if target == "person" else _("Firmen"),
        },
        user=user,
        params={"target": target, "ids": list(ids), "action": action, "value": value_id},
        total=len(ids),
        task=tasks.bulk_update_run.name,
    )
    job_runner.job_queue(job=job)
    return job


def _bulk_batch(*, target: str, ids: list[int], action: str, value, user, result: dict) -> None:
    model = Person if target == "person" else Company
    reasons = result.setdefault("reasons", {})

    def skip(reason: str, n: int = 1):
        reasons[reason] = reasons.get(reason, 0) + n
        result["skipped"] = result.get("skipped", 0) + n

    rows = list(
        model.objects.select_for_update(of=("self",))
        .select_related(
            *(["company__category__group"] if target == "person" else ["category__group"])
        )
        .filter(pk__in=ids)
    )
    missing = len(set(ids)) - len(rows)
    if missing:
        skip(str(_("Datensatz nicht mehr vorhanden")), missing)
    now = timezone.now()
    if action == "category":
        companies = rows if target == "company" else list({p.company for p in rows if p.company})
        if target == "person":
            without = sum(1 for p in rows if p.company_id is None)
            if without:
                skip(str(_("Person ohne Firma")), without)
        for company in companies:
            if company.category_id == value.pk:
                skip(str(_("Kategorie war bereits gesetzt")))
                continue
            company_set_category(company=company, category=value, user=user)
            result["updated"] = result.get("updated", 0) + 1
        return
    changed = []
    for row in rows:
        if action == "lead_status":
            if not lead_status_applies(row.category):
                skip(str(_("Lead-Status gilt nicht für die Firmenkategorie")))
                continue
            if row.lead_status_id == value.pk:
                skip(str(_("Lead-Status war bereits gesetzt")))
                continue
            row.lead_status = value
            row.lead_status_changed_at = now
        else:
            if row.owner_id == value.pk:
                skip(str(_("Zuständig war bereits gesetzt")))
                continue
            row.owner = value
        row.version += 1
        changed.append(row)
    fields = ["lead_status", "lead_status_changed_at"] if action == "lead_status" else ["owner"]
    if changed:
        bulk_update_with_history(
            changed, model, fields + ["version"], batch_size=500, default_user=user
        )
    result["updated"] = result.get("updated", 0) + len(changed)


def _bulk_value(action: str, value_id):
    model = {"lead_status": LeadStatus, "owner": User, "category": Category}[action]
    return model.objects.get(pk=value_id)


def bulk_update_run(*, job: Job) -> str:
    """Apply the job's change; safe to run twice (a finished job is left alone). Returns
    the state the job ended in (`jobs.runner.SKIPPED` when it was finished already)."""
    params = job.params
    ids = [int(i) for i in params.get("ids", [])]
    user = job.created_by

    def batch(chunk: list[int], value, result: dict) -> None:
        _bulk_batch(
            target=params["target"],
            ids=chunk,
            action=params["action"],
            value=value,
            user=user,
            result=result,
        )

    def work(run: job_runner.JobRun) -> None:
        value = _bulk_value(params["action"], params["value"])
        if len(ids) <= BULK_SINGLE_TRANSACTION:
            result: dict = {}
            with transaction.atomic():  # all or nothing, the job's end included
                for start in range(0, len(ids), BULK_BATCH):
                    batch(ids[start : start + BULK_BATCH], value, result)
                run.complete(done=len(ids), result=result)
            return
        # run.job is read under the run lock, so `done` and `result` are what was committed
        result = dict(run.job.result or {})
        for start in range(run.job.done, len(ids), BULK_BATCH):
            run.checkpoint()
            with transaction.atomic():  # the batch and the progress it reports
                batch(ids[start : start + BULK_BATCH], value, result)
                run.progress(done=min(len(ids), start + BULK_BATCH), result=result)

    def error_message(exc: BaseException) -> str:
        if len(ids) <= BULK_SINGLE_TRANSACTION:
            message = _("Die Massenänderung ist fehlgeschlagen; nichts davon wurde übernommen.")
        else:
            message = _(
                "Die Massenänderung ist fehlgeschlagen; die bereits fertigen Pakete sind "
                "gespeichert (siehe Fortschritt)."
            )
        return f"{message} ({type(exc).__name__})"

    # a transient database error re-raises (the task retries, the job is pending again);
    # any other failure is reported on the job row, not to the worker
    return job_runner.job_run(job=job, work=work, error_message=error_message, reraise=False)
