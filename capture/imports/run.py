"""Running an import: rows cleaned and checked, committed in batches, resumable.

The job's lifecycle (running, cancel between batches, done, failed, safe to run twice) is
`jobs.runner.job_run`'s; this module does the rows. Each batch commits its rows, the
resume marker `last_row` and the job's progress in one transaction.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from capture.imports.files import (
    BATCH_SIZE,
    COUNTRY_NAMES,
    FIELDS,
    SALUTATIONS,
    country_codes,
    data_rows,
)
from contacts.duplicates import normalize_email, parse_phone
from contacts.models import LeadStatus
from jobs import runner as job_runner
from jobs.models import JobState
from leads.bulk import create as bulk_create
from leads.duplicates import LeadIndex
from leads.errors import LeadError
from leads.models import (
    CaptureChannel,
    DuplicateMode,
    Interest,
    Lead,
    LeadImport,
    LeadImportIssue,
    LeadSource,
)
from leads.services import lead as lead_services
from leads.services import scoring
from ui.spreadsheet import neutralise

# --- one row --------------------------------------------------------------------------------

logger = logging.getLogger(__name__)


@dataclass
class RowContext:
    user: Any
    lead_import: LeadImport
    sources: dict[str, LeadSource]
    interests: dict[str, Interest]
    users: dict[str, Any]
    source: LeadSource | None = None  # the import's default source and campaign, loaded
    campaign: Any = None  # here once (the worker thread cleaning ahead never queries)


def _build_context(lead_import: LeadImport, user) -> RowContext:
    User = get_user_model()
    users: dict[str, Any] = {}
    if "follow_up_by" in lead_import.mapping.values():
        for u in User.objects.filter(is_active=True):
            users[u.username.casefold()] = u
            if u.email:
                users.setdefault(u.email.casefold(), u)
    return RowContext(
        user=user,
        lead_import=lead_import,
        sources={s.name.casefold(): s for s in LeadSource.objects.all()},
        interests={i.name.casefold(): i for i in Interest.objects.all()},
        users=users,
        source=lead_import.source,
        campaign=lead_import.campaign,
    )


def clean_row(values: dict[str, str], ctx: RowContext) -> tuple[dict, list, list[str]]:
    """(lead data, interest ids, German errors) for one row's mapped values."""
    errors: list[str] = []
    data: dict[str, Any] = {}
    interests: list = []
    for header, target in ctx.lead_import.mapping.items():
        value = (values.get(header) or "").strip()
        if not value:
            continue
        label, max_length, _syn = FIELDS[target]
        if len(value) > max_length:
            errors.append(
                _("%(field)s ist zu lang (höchstens %(n)d Zeichen).")
                % {"field": label, "n": max_length}
            )
            continue
        if target == "email":
            value = normalize_email(value)
            try:
                EmailValidator()(value)
            except ValidationError:
                errors.append(_("E-Mail „%(v)s“ ist ungültig.") % {"v": value})
                continue
        elif target == "phone":
            phone = parse_phone(value)  # raw_input: the E.164 form normalize_phone gives
            if phone is None:
                errors.append(_("Telefonnummer „%(v)s“ ist ungültig.") % {"v": value})
                continue
            value = phone
        elif target == "website":
            if not re.match(r"^https?://", value, re.I):
                value = "https://" + value
            try:
                URLValidator()(value)
            except ValidationError:
                errors.append(_("Webseite „%(v)s“ ist ungültig.") % {"v": value})
                continue
        elif target == "country":
            code = COUNTRY_NAMES.get(value.casefold(), value.upper())
            if not re.fullmatch(r"[A-Z]{2}", code) or code not in country_codes():
                errors.append(_("Land „%(v)s“ ist unbekannt.") % {"v": value})
                continue
            value = code
        elif target == "salutation":
            value = SALUTATIONS.get(value.casefold(), "")
        elif target == "source":
            found = ctx.sources.get(value.casefold())
            if found is None:
                errors.append(_("Quelle „%(v)s“ ist unbekannt.") % {"v": value})
                continue
            value = found
        elif target == "follow_up_by":
            found = ctx.users.get(value.casefold())
            if found is None:
                errors.append(_("Benutzer „%(v)s“ ist unbekannt.") % {"v": value})
                continue
            value = found
        elif target == "interests":
            for name in re.split(r"[,;|/]", value):
                name = name.strip()
                if not name:
                    continue
                found = ctx.interests.get(name.casefold())
                if found is None:
                    errors.append(_("Interessensschwerpunkt „%(v)s“ ist unbekannt.") % {"v": name})
                else:
                    interests.append(found.pk)
            continue
        data[target] = value
    if not errors and not (data.get("company_name") or data.get("last_name") or data.get("email")):
        errors.append(_("Es fehlt Unternehmen, Nachname oder E-Mail."))
    return data, interests, errors


def _issue(number: int, values: dict, message: str, kind: str = "error") -> LeadImportIssue:
    return LeadImportIssue(row_number=number, kind=kind, message=message, values=values)


def _phone_key(data: dict) -> str:
    """The E.164 form of the row's phone (as `normalize_phone` gives it), or ""."""
    phone = data.get("phone")
    return phone.raw_input if phone is not None else ""


def _process_row(
    number: int,
    values: dict,
    ctx: RowContext,
    index: LeadIndex,
    counts: dict,
    pending: list,
    issues: list,
    cleaned: tuple | None = None,
) -> None:
    """Validate one row (unless `cleaned` holds `clean_row`'s answer already) and decide:
    refuse, skip, update (at once) or create (appended to `pending`, created in bulk at
    the end of the batch). Only an update touches the database here, in its own
    savepoint."""
    lead_import = ctx.lead_import
    data, interests, errors = cleaned[:3] if cleaned is not None else clean_row(values, ctx)
    if errors:
        issues.append(_issue(number, values, " ".join(errors)))
        counts["failed"] += 1
        return
    email, phone = data.get("email", ""), _phone_key(data)
    existing_id = index.match(email, phone)
    mode = lead_import.duplicate_mode
    if existing_id and (mode == DuplicateMode.SKIP or existing_id < 0):
        if existing_id < 0:  # a row of this batch that is still to be created
            message = _("Dublette von Zeile %(n)d – übersprungen.") % {"n": -existing_id}
        else:
            message = _("Dublette von Lead %(n)s – übersprungen.") % {
                "n": index.number(existing_id)
            }
        issues.append(_issue(number, values, message, kind="duplicate"))
        counts["skipped"] += 1
        return
    if existing_id and mode == DuplicateMode.UPDATE:
        with transaction.atomic():
            lead = Lead.objects.get(pk=existing_id)
            merged = None
            if interests:
                merged = set(lead.interests.values_list("pk", flat=True)) | set(interests)
            lead_services.lead_update(
                lead=lead, data=data, user=ctx.user, expected_version=lead.version, interests=merged
            )
        counts["updated"] += 1
        return
    prepared = cleaned[3] if cleaned is not None and len(cleaned) > 3 else None
    pending.append((number, values, _create_data(data, ctx), interests, prepared))
    if mode != DuplicateMode.CREATE:
        index.add(-number, email, phone)


def _create_data(data: dict, ctx: RowContext) -> dict:
    """A row's data for a new lead: the import's source (unless the row names one), its
    campaign and the capture channel."""
    data = dict(data)
    data.setdefault("source", ctx.source)
    if ctx.campaign is not None:
        data["campaign"] = ctx.campaign
    data["capture_channel"] = CaptureChannel.IMPORT
    return data


def _create_pending(pending: list, ctx: RowContext, counts: dict, issues: list) -> None:
    """Create the batch's new leads with `leads_bulk_create` (a few statements for the whole
    batch) in a savepoint; if the database refuses it, create them row by row with
    `lead_create` so only the bad rows fail."""
    if not pending:
        return
    prepared = [entry[4] for entry in pending]
    try:
        with transaction.atomic():
            if all(p is not None for p in prepared):  # built by the worker thread
                created = bulk_create.leads_bulk_create(prepared=prepared, user=ctx.user)
            else:
                created = bulk_create.leads_bulk_create(
                    rows=[entry[2] for entry in pending],
                    interests=[entry[3] for entry in pending],
                    user=ctx.user,
                )
    except Exception:  # noqa: BLE001 - fall back to isolating the bad rows
        logger.warning(
            "import %s: bulk creation refused, row by row", ctx.lead_import.pk, exc_info=True
        )
        created = None
    if created is not None:
        counts["created"] += len(created)
        return
    for number, values, data, interests, _prepared in pending:
        try:
            with transaction.atomic():
                lead_services.lead_create(data=data, user=ctx.user, interests=interests)
            counts["created"] += 1
        except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
            _row_failed(number, values, exc, counts, issues)


def _row_failed(number: int, values: dict, exc: Exception, counts: dict, issues: list) -> None:
    message = (
        exc.message
        if isinstance(exc, LeadError)
        else _("Unerwarteter Fehler: %(e)s") % {"e": str(exc)[:300]}
    )
    issues.append(_issue(number, values, message))
    counts["failed"] += 1


def _job_result(lead_import: LeadImport) -> dict:
    return {
        str(_("Angelegt")): lead_import.created_count,
        str(_("Aktualisiert")): lead_import.updated_count,
        str(_("Übersprungen (Dubletten)")): lead_import.skipped_count,
        str(_("Fehlerhafte Zeilen")): lead_import.failed_count,
    }


def _clean_batch(
    batch: list, ctx: RowContext, language: str | None, basis: tuple | None = None
) -> dict[int, tuple]:
    """`clean_row` for every row of a batch: {row number: (data, interests, errors,
    prepared lead or None)}; with `basis` (default status, scoring criteria) also the
    unsaved lead each valid row would create (`leads_bulk_prepare`).

    Pure Python without queries, so `import_run` runs it for the next batch in a worker
    thread while the current batch waits for the database. A row whose cleaning raises is
    left out; `_process_row` cleans it again and reports the error for that row. When the
    leads cannot be prepared here, `leads_bulk_create` prepares them itself."""
    cleaned: dict[int, tuple] = {}
    with translation.override(language):
        for number, values in batch:
            with contextlib.suppress(Exception):
                cleaned[number] = (*clean_row(values, ctx), None)
        valid = [n for n, (_d, _i, errors, _p) in cleaned.items() if not errors]
        if basis is not None and valid:
            default_status, criteria = basis
            with contextlib.suppress(Exception):
                prepared = bulk_create.leads_bulk_prepare(
                    rows=[_create_data(cleaned[n][0], ctx) for n in valid],
                    interests=[cleaned[n][1] for n in valid],
                    user=ctx.user,
                    default_status=default_status,
                    criteria=criteria,
                )
                for n, lead in zip(valid, prepared, strict=True):
                    cleaned[n] = (*cleaned[n][:3], lead)
    return cleaned


def _commit_batch(
    lead_import: LeadImport,
    batch: list,
    ctx: RowContext,
    cleaned: dict | None = None,
    run: job_runner.JobRun | None = None,
) -> None:
    """One batch in one transaction: duplicate lookup for all its rows (one query per key),
    the rows, the new leads in bulk, the issues in one insert, then the resume marker
    (`last_row`), the counts and the job's progress (`run`, when the import has a job)."""
    counts = {"created": 0, "updated": 0, "skipped": 0, "failed": 0}
    issues: list[LeadImportIssue] = []
    if cleaned is None:
        cleaned = _clean_batch(batch, ctx, translation.get_language())
    with transaction.atomic():
        # one lookup per key for the whole batch, with the values clean_row normalised
        index = LeadIndex(
            (
                {"email": data.get("email", ""), "phone": _phone_key(data)}
                for data, _interests, errors, *_prepared in cleaned.values()
                if not errors
            ),
            normalized=True,
        )
        pending: list = []
        for number, values in batch:
            try:
                _process_row(
                    number, values, ctx, index, counts, pending, issues, cleaned.get(number)
                )
            except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
                _row_failed(number, values, exc, counts, issues)
        _create_pending(pending, ctx, counts, issues)
        for issue in issues:
            issue.lead_import = lead_import
        LeadImportIssue.objects.bulk_create(issues)
        locked = LeadImport.objects.select_for_update().get(pk=lead_import.pk)
        locked.last_row = batch[-1][0]
        locked.created_count += counts["created"]
        locked.updated_count += counts["updated"]
        locked.skipped_count += counts["skipped"]
        locked.failed_count += counts["failed"]
        locked.save(
            update_fields=[
                "last_row",
                "created_count",
                "updated_count",
                "skipped_count",
                "failed_count",
            ]
        )
        if run is not None:
            run.progress(done=locked.last_row, result=_job_result(locked))
    for name in ("last_row", "created_count", "updated_count", "skipped_count", "failed_count"):
        setattr(lead_import, name, getattr(locked, name))


def _batches(lead_import: LeadImport, size: int) -> Iterator[list[tuple[int, dict]]]:
    """The rows after `last_row` in lists of `size`."""
    batch: list[tuple[int, dict]] = []
    for number, values in data_rows(lead_import):
        if number <= lead_import.last_row:
            continue
        batch.append((number, values))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_run(*, lead_import: LeadImport, batch_size: int | None = None) -> str:
    """Import the rows after `last_row`; returns the final job state (done / cancelled /
    failed), or `jobs.runner.SKIPPED` when the import's job was finished already.

    Safe to call again after a crash: committed batches are never repeated. Without a job
    (tests, scripts) the rows are imported all the same.
    """
    size = batch_size or BATCH_SIZE
    if not lead_import.job_id:
        _import_rows(lead_import, size, None)
        return JobState.DONE
    return job_runner.job_run(
        job=lead_import.job_id, work=lambda run: _import_rows(lead_import, size, run)
    )


def _import_rows(lead_import: LeadImport, size: int, run: job_runner.JobRun | None) -> None:
    """The batches after `last_row`; between two batches a requested cancel stops it (the
    batch being written always commits first). Marks the job done with the final counts."""
    ctx = _build_context(lead_import, lead_import.created_by)
    language = translation.get_language()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lead-import") as pool:
        # the next batch is read and cleaned while the current one is written
        ahead = None
        for batch in _batches(lead_import, size):
            # what the worker needs from the database, read here (one thread per connection)
            basis = (LeadStatus.objects.default(), scoring.active_criteria())
            cleaning = pool.submit(_clean_batch, batch, ctx, language, basis)
            if ahead is not None:
                _commit_batch(lead_import, ahead[0], ctx, ahead[1].result(), run)
                if run is not None:
                    run.checkpoint()
            ahead = (batch, cleaning)
        if ahead is not None:
            _commit_batch(lead_import, ahead[0], ctx, ahead[1].result(), run)
    if run is not None:
        run.complete(done=lead_import.total_rows, result=_job_result(lead_import))


# --- error report ---------------------------------------------------------------------------


def error_report_csv(lead_import: LeadImport) -> bytes:
    """The refused and skipped rows with reasons, for Excel (UTF-8 with BOM, ";")."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    headers = list(lead_import.headers)
    writer.writerow([_("Zeile"), _("Art"), _("Meldung"), *headers])
    kinds = {"error": _("Fehler"), "duplicate": _("Dublette")}
    for issue in lead_import.issues.order_by("row_number", "id").iterator(chunk_size=2000):
        writer.writerow(
            [
                issue.row_number,
                kinds.get(issue.kind, issue.kind),
                neutralise(issue.message),
                *(neutralise(issue.values.get(h, "")) for h in headers),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
