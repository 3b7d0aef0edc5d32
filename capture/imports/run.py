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

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from capture.imports import values as choice_values
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
    IssueKind,
    Lead,
    LeadImport,
    LeadImportIssue,
    LeadSource,
)
from leads.models.lead import IDENTITY_FIELDS, is_lost_status, lead_identity_errors
from leads.permissions import can_edit_lead
from leads.services import lead as lead_services
from leads.services import scoring
from ui.spreadsheet import neutralise

# --- one row --------------------------------------------------------------------------------

logger = logging.getLogger(__name__)


@dataclass
class RowContext:
    user: Any
    lead_import: LeadImport
    # the mapped choice columns' resolvers (value mapping, then exact name)
    choices: dict[str, choice_values.Resolver]
    source: LeadSource | None = None  # the import's default source and campaign, loaded
    campaign: Any = None  # here once (the worker thread cleaning ahead never queries)


def _build_context(lead_import: LeadImport, user) -> RowContext:
    return RowContext(
        user=user,
        lead_import=lead_import,
        choices=choice_values.resolvers(lead_import),
        source=lead_import.source,
        campaign=lead_import.campaign,
    )


def _clean_choice(target: str, value: str, ctx: RowContext, data, interests, warnings) -> None:
    """A choice column's value: resolved, or left out with a warning (never an error)."""
    resolver = ctx.choices[target]
    for single in choice_values.split_values(target, value):
        found, warning = resolver.resolve(single)
        if warning:
            warnings.append(warning)
        elif target == "interests":
            interests.append(found.pk)
        else:
            data[target] = found


def clean_row(values: dict[str, str], ctx: RowContext) -> tuple[dict, list, list[str], list[str]]:
    """(lead data, interest ids, German errors, German warnings) for one row's mapped
    values. A choice value that resolves to nothing is a warning: the row still imports."""
    errors: list[str] = []
    warnings: list[str] = []
    data: dict[str, Any] = {}
    interests: list = []
    for header, target in ctx.lead_import.mapping.items():
        value = (values.get(header) or "").strip()
        if not value:
            continue
        label, max_length, _syn = FIELDS[target]
        if target in ctx.choices:
            _clean_choice(target, value, ctx, data, interests, warnings)
            continue
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
        data[target] = value
    if not errors:  # the lead's own minimum (leads.models.lead), as every channel checks it
        identity = lead_identity_errors(**{name: data.get(name) for name in IDENTITY_FIELDS})
        errors.extend(dict.fromkeys(identity.values()))
    if is_lost_status(data.get("status")) and data.get("lost_reason") is None:
        # the lifecycle's rule (settle_lost_reason) as a row error, never a silent drop
        errors.append(
            _("Status „%(s)s“ braucht einen gültigen Verlustgrund (Spalte „Verlustgrund“).")
            % {"s": data["status"].name}
        )
    return data, interests, errors, warnings


def _issue(
    number: int,
    values: dict,
    message: str,
    kind: str = IssueKind.ERROR,
    data: dict | None = None,
    lead_id: int | None = None,
) -> LeadImportIssue:
    """An issue row; its e-mail and phone (from the cleaned `data`, when the row got that
    far) and its lead let erasure find the person's rows."""
    data = data or {}
    return LeadImportIssue(
        row_number=number,
        kind=kind,
        message=message[:2000],
        values=values,
        email=(data.get("email") or "")[:254],
        phone=_phone_key(data)[:40],
        lead_id=lead_id,
    )


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
    savepoint. A row's warnings become an issue only when it is imported."""
    lead_import = ctx.lead_import
    if cleaned is None:
        cleaned = (*clean_row(values, ctx), None)
    data, interests, errors, warnings, prepared = cleaned
    if errors:
        issues.append(_issue(number, values, " ".join(errors), data=data))
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
        lead_id = existing_id if existing_id > 0 else None
        issues.append(_issue(number, values, message, IssueKind.DUPLICATE, data, lead_id))
        counts["skipped"] += 1
        return
    if existing_id and mode == DuplicateMode.UPDATE:
        lead = Lead.objects.get(pk=existing_id)
        if not can_edit_lead(ctx.user, lead):  # the same predicate as the lead mask
            message = _(
                "Lead %(n)s gehört jemand anderem und darf von Ihnen nicht geändert werden "
                "– übersprungen."
            ) % {"n": lead.number}
            issues.append(_issue(number, values, message, IssueKind.DUPLICATE, data, existing_id))
            counts["skipped"] += 1
            return
        with transaction.atomic():
            merged = None
            if interests:
                merged = set(lead.interests.values_list("pk", flat=True)) | set(interests)
            lead_services.lead_update(
                lead=lead, data=data, user=ctx.user, expected_version=lead.version, interests=merged
            )
        counts["updated"] += 1
        _warn(number, values, warnings, data, existing_id, counts, issues)
        return
    pending.append((number, values, _create_data(data, ctx), interests, prepared, warnings))
    if mode != DuplicateMode.CREATE:
        index.add(-number, email, phone)


def _warn(number, values, warnings, data, lead_id, counts, issues) -> None:
    """The warning issue of an imported row (values left out), if it has any."""
    if warnings:
        issues.append(_issue(number, values, " ".join(warnings), IssueKind.WARNING, data, lead_id))
        counts["warnings"] += 1


def _create_data(data: dict, ctx: RowContext) -> dict:
    """A row's data for a new lead: the import's source and campaign (unless the row names
    its own) and the capture channel."""
    data = dict(data)
    data.setdefault("source", ctx.source)
    if ctx.campaign is not None:
        data.setdefault("campaign", ctx.campaign)
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
        for (number, values, data, _i, _p, warnings), lead in zip(pending, created, strict=True):
            _warn(number, values, warnings, data, lead.pk, counts, issues)
        return
    for number, values, data, interests, _prepared, warnings in pending:
        try:
            with transaction.atomic():
                saved = lead_services.lead_create(data=data, user=ctx.user, interests=interests)
        except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
            _row_failed(number, values, exc, counts, issues, data)
        else:
            counts["created"] += 1
            _warn(number, values, warnings, data, saved.lead.pk, counts, issues)


def _row_failed(
    number: int, values: dict, exc: Exception, counts: dict, issues: list, data=None
) -> None:
    message = (
        exc.message
        if isinstance(exc, LeadError)
        else _("Unerwarteter Fehler: %(e)s") % {"e": str(exc)[:300]}
    )
    issues.append(_issue(number, values, message, data=data))
    counts["failed"] += 1


def _job_result(lead_import: LeadImport) -> dict:
    return {
        str(_("Angelegt")): lead_import.created_count,
        str(_("Aktualisiert")): lead_import.updated_count,
        str(_("Übersprungen (Dubletten)")): lead_import.skipped_count,
        str(_("Fehlerhafte Zeilen")): lead_import.failed_count,
        str(_("Mit Warnung übernommen")): lead_import.warning_count,
    }


def _clean_batch(
    batch: list, ctx: RowContext, language: str | None, basis: tuple | None = None
) -> dict[int, tuple]:
    """`clean_row` for every row of a batch: {row number: (data, interests, errors,
    warnings, prepared lead or None)}; with `basis` (default status, scoring criteria)
    also the unsaved lead each valid row would create (`leads_bulk_prepare`).

    Pure Python without queries, so `import_run` runs it for the next batch in a worker
    thread while the current batch waits for the database. A row whose cleaning raises is
    left out; `_process_row` cleans it again and reports the error for that row. When the
    leads cannot be prepared here, `leads_bulk_create` prepares them itself."""
    cleaned: dict[int, tuple] = {}
    with translation.override(language):
        for number, values in batch:
            with contextlib.suppress(Exception):
                cleaned[number] = (*clean_row(values, ctx), None)
        valid = [n for n, entry in cleaned.items() if not entry[2]]
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
                    cleaned[n] = (*cleaned[n][:4], lead)
    return cleaned


COUNTS = ("created", "updated", "skipped", "failed", "warnings")
COUNT_FIELDS = {
    "created": "created_count",
    "updated": "updated_count",
    "skipped": "skipped_count",
    "failed": "failed_count",
    "warnings": "warning_count",
}


def _commit_batch(
    lead_import: LeadImport,
    batch: list,
    ctx: RowContext,
    cleaned: dict | None = None,
    run: job_runner.JobRun | None = None,
) -> None:
    """One batch in one transaction: duplicate lookup for all its rows (one query per key),
    the rows, the new leads in bulk, the issues in one insert, then the resume marker
    (`last_row`, the spreadsheet row), the counts and the job's progress (`run`, when the
    import has a job: the data rows processed)."""
    counts = dict.fromkeys(COUNTS, 0)
    issues: list[LeadImportIssue] = []
    if cleaned is None:
        cleaned = _clean_batch(batch, ctx, translation.get_language())
    with transaction.atomic():
        # the batch lock first: a redelivered or concurrent run of the same import waits
        # here, then sees the rows another run committed meanwhile and leaves them alone
        locked = LeadImport.objects.select_for_update().get(pk=lead_import.pk)
        batch = [(number, values) for number, values in batch if number > locked.last_row]
        if not batch:
            _sync_counts(lead_import, locked)
            return
        # one lookup per key for the whole batch, with the values clean_row normalised
        index = LeadIndex(
            (
                {"email": entry[0].get("email", ""), "phone": _phone_key(entry[0])}
                for entry in cleaned.values()
                if not entry[2]
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
        locked.last_row = batch[-1][0]
        for key, name in COUNT_FIELDS.items():
            setattr(locked, name, getattr(locked, name) + counts[key])
        locked.save(update_fields=["last_row", *COUNT_FIELDS.values()])
        if run is not None:
            run.progress(done=locked.processed_rows, result=_job_result(locked))
    _sync_counts(lead_import, locked)


def _sync_counts(lead_import: LeadImport, locked: LeadImport) -> None:
    for name in ("last_row", *COUNT_FIELDS.values()):
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
    kinds = dict(IssueKind.choices)
    for issue in lead_import.issues.order_by("row_number", "id").iterator(chunk_size=2000):
        writer.writerow(
            [
                issue.row_number,
                str(kinds.get(issue.kind, issue.kind)),
                neutralise(issue.message),
                *(neutralise(issue.values.get(h, "")) for h in headers),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
