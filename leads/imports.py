"""Import of trade-fair and purchased lists (CSV, XLSX) into leads.

Flow: `import_upload` stores the file and sniffs format, encoding (UTF-8 with or without
BOM, else Windows-1252) and separator (";" or ","); the user maps columns with a preview;
`import_start` creates a notifications Job and queues `leads.tasks.run_import`, which
calls `import_run`. Rows are validated one by one (German messages); each batch of
`BATCH_SIZE` rows commits atomically together with `LeadImport.last_row`, so a crashed
import resumes after the last committed row, and a bad row never stops the others.

Per batch (issue 9, ≥ 3,000 rows/s): the duplicate lookup is one query per key for all
rows (`LeadIndex`), the new leads go in through `leads_bulk_create` (numbers as one
block, history, status changes, distribution, notifications; COPY on PostgreSQL), the
issues in one insert. The next batch is cleaned and its leads prepared in a worker
thread (pure Python, no queries) while the current one waits for the database.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import logging
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contacts.models import Salutation
from leads.duplicates import LeadIndex, normalize_email, parse_phone
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

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_ROWS = 200_000
PREVIEW_ROWS = 5

# target field -> (label, max length, header synonyms for the automatic mapping)
FIELDS: dict[str, tuple[Any, int, tuple[str, ...]]] = {
    "company_name": (_lazy("Unternehmen"), 200, ("firma", "unternehmen", "company", "firmenname")),
    "salutation": (_lazy("Anrede"), 10, ("anrede", "salutation")),
    "first_name": (_lazy("Vorname"), 100, ("vorname", "first name", "firstname")),
    "last_name": (_lazy("Nachname"), 100, ("nachname", "name", "last name", "lastname")),
    "function": (_lazy("Funktion"), 120, ("funktion", "position", "titel", "job title")),
    "email": (_lazy("E-Mail"), 254, ("e-mail", "email", "mail", "e-mail-adresse")),
    "phone": (_lazy("Telefon"), 40, ("telefon", "tel", "phone", "telefonnummer", "mobil")),
    "street": (_lazy("Straße"), 200, ("strasse", "straße", "street", "adresse")),
    "postal_code": (_lazy("PLZ"), 12, ("plz", "postleitzahl", "zip")),
    "city": (_lazy("Ort"), 100, ("ort", "stadt", "city")),
    "country": (_lazy("Land"), 60, ("land", "country")),
    "website": (_lazy("Webseite"), 300, ("webseite", "website", "homepage", "url", "internet")),
    "notes": (_lazy("Notizen"), 10000, ("notiz", "notizen", "bemerkung", "kommentar", "notes")),
    "interests": (_lazy("Interessensschwerpunkte"), 500, ("interessen", "interesse", "interests")),
    "source": (_lazy("Quelle"), 80, ("quelle", "source")),
    "follow_up_by": (
        _lazy("Nachbetreuung durch (Benutzername oder E-Mail)"),
        150,
        ("nachbetreuung", "zuständig", "betreuer", "owner"),
    ),
}
COUNTRY_NAMES = {
    "deutschland": "DE",
    "germany": "DE",
    "österreich": "AT",
    "oesterreich": "AT",
    "austria": "AT",
    "schweiz": "CH",
    "switzerland": "CH",
    "niederlande": "NL",
    "frankreich": "FR",
    "italien": "IT",
    "polen": "PL",
    "belgien": "BE",
    "luxemburg": "LU",
    "dänemark": "DK",
}
SALUTATIONS = {
    "herr": Salutation.MR,
    "hr": Salutation.MR,
    "hr.": Salutation.MR,
    "frau": Salutation.MS,
    "fr": Salutation.MS,
    "fr.": Salutation.MS,
    "divers": Salutation.DIVERSE,
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _name in Lead._meta.get_field("country").countries)


class ImportFileError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- reading files ----------------------------------------------------------------------


def sniff_encoding(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        counts = {d: first.count(d) for d in (";", ",", "\t")}
        return max(counts, key=counts.get) if any(counts.values()) else ";"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\0", "").strip()


def _csv_rows(raw: bytes, encoding: str, delimiter: str) -> Iterator[list[str]]:
    text = raw.decode(encoding, errors="replace").replace("\0", "")  # NUL: never storable
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [c.strip() for c in row]


def _xlsx_rows(raw: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parser error is a bad upload
        raise ImportFileError(_("Die Excel-Datei kann nicht gelesen werden.")) from exc
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield [_cell(c) for c in row]
    book.close()


def table_rows(lead_import: LeadImport) -> Iterator[list[str]]:
    """All rows of the stored file, header first; blank rows dropped."""
    with lead_import.file.open("rb") as handle:
        raw = handle.read()
    if lead_import.file_format == "xlsx":
        rows = _xlsx_rows(raw)
    else:
        rows = _csv_rows(raw, lead_import.encoding or "utf-8", lead_import.delimiter or ";")
    for row in rows:
        if any(cell for cell in row):
            yield row


def data_rows(lead_import: LeadImport) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {header: value}); row 1 is the first data row after the header."""
    rows = table_rows(lead_import)
    headers = next(rows, None) or []
    for number, row in enumerate(rows, start=1):
        yield number, {h: (row[i] if i < len(row) else "") for i, h in enumerate(headers)}


def _unique_headers(row: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    headers = []
    for i, name in enumerate(row):
        name = (name or "").strip() or _("Spalte %(n)d") % {"n": i + 1}
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        headers.append(name)
    return headers


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{header: target field} for headers that name a field (first match wins)."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        key = re.sub(r"[\s_]+", " ", header.strip().casefold())
        for target, (label, _max, synonyms) in FIELDS.items():
            if target in used:
                continue
            if key in synonyms or key == str(label).casefold():
                mapping[header] = target
                used.add(target)
                break
    return mapping


@transaction.atomic
def import_upload(*, upload, user) -> LeadImport:
    """Store and inspect an uploaded file; raises ImportFileError with a German message."""
    name = (getattr(upload, "name", "") or "import").rsplit("/", 1)[-1][:200]
    if upload.size > MAX_FILE_BYTES:
        raise ImportFileError(
            _("Die Datei ist zu groß (höchstens %(mb)d MB).") % {"mb": MAX_FILE_BYTES // 2**20}
        )
    raw = upload.read()
    lower = name.lower()
    if lower.endswith(".xlsx") or raw[:2] == b"PK":
        file_format, encoding, delimiter = "xlsx", "", ""
    elif lower.endswith((".csv", ".txt")):
        file_format = "csv"
        encoding = sniff_encoding(raw)
        delimiter = sniff_delimiter(raw[:65536].decode(encoding, errors="replace"))
    else:
        raise ImportFileError(_("Bitte laden Sie eine CSV- oder Excel-Datei (.xlsx) hoch."))
    lead_import = LeadImport(
        original_name=name,
        file_format=file_format,
        encoding=encoding,
        delimiter=delimiter,
        created_by=user,
    )
    lead_import.file.save(
        f"import-{timezone.now():%Y%m%d-%H%M%S}.{file_format}", ContentFile(raw), save=False
    )
    rows = table_rows(lead_import)
    header = next(rows, None)
    if not header:
        raise ImportFileError(_("Die Datei ist leer oder hat keine Kopfzeile."))
    total = sum(1 for _row in rows)
    if total == 0:
        raise ImportFileError(_("Die Datei enthält keine Datenzeilen."))
    if total > MAX_ROWS:
        raise ImportFileError(
            _("Die Datei hat zu viele Zeilen (höchstens %(n)d).") % {"n": MAX_ROWS}
        )
    lead_import.headers = _unique_headers(header)
    lead_import.total_rows = total
    lead_import.mapping = guess_mapping(lead_import.headers)
    lead_import.save()
    return lead_import


def preview(lead_import: LeadImport, limit: int = PREVIEW_ROWS) -> list[list[str]]:
    out = []
    for _number, row in data_rows(lead_import):
        out.append([row.get(h, "") for h in lead_import.headers])
        if len(out) >= limit:
            break
    return out


def clean_mapping(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Keep known headers/targets; refuse a target chosen twice or nothing identifying."""
    cleaned = {h: t for h, t in mapping.items() if h in headers and t in FIELDS}
    targets = list(cleaned.values())
    twice = {t for t in targets if targets.count(t) > 1}
    if twice:
        labels = ", ".join(str(FIELDS[t][0]) for t in sorted(twice))
        raise ImportFileError(
            _("Jedes Feld darf nur einer Spalte zugeordnet werden: %(f)s") % {"f": labels}
        )
    if not {"company_name", "last_name", "email"} & set(targets):
        raise ImportFileError(
            _(
                "Bitte ordnen Sie mindestens „Unternehmen“, „Nachname“ oder „E-Mail“ einer Spalte zu."
            )
        )
    return cleaned


@transaction.atomic
def import_start(
    *,
    lead_import: LeadImport,
    mapping: dict[str, str],
    duplicate_mode: str,
    user,
    campaign=None,
    source=None,
):
    """Save the mapping and queue the import as a Job; returns the Job."""
    from notifications.models import Job

    if lead_import.job_id is not None:
        raise ImportFileError(_("Dieser Import wurde bereits gestartet."))
    if duplicate_mode not in DuplicateMode.values:
        raise ImportFileError(_("Unbekannte Dubletten-Behandlung."))
    lead_import.mapping = clean_mapping(lead_import.headers, mapping)
    lead_import.duplicate_mode = duplicate_mode
    lead_import.campaign = campaign
    lead_import.source = source
    job = Job.objects.create(
        kind="lead_import",
        title=_("Import „%(name)s“") % {"name": lead_import.original_name},
        created_by=user,
        total=lead_import.total_rows,
        params={"lead_import": lead_import.pk},
    )
    lead_import.job = job
    lead_import.save()
    transaction.on_commit(lambda: _queue(job.pk))
    return job


def _queue(job_id: int) -> None:
    from leads.import_tasks import run_import

    run_import.delay(job_id)


# --- one row --------------------------------------------------------------------------------


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
            if not re.fullmatch(r"[A-Z]{2}", code) or code not in _country_codes():
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
    from leads.services import lead_update

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
            lead_update(
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
    from leads.services import lead_create, leads_bulk_create

    if not pending:
        return
    prepared = [entry[4] for entry in pending]
    try:
        with transaction.atomic():
            if all(p is not None for p in prepared):  # built by the worker thread
                created = leads_bulk_create(prepared=prepared, user=ctx.user)
            else:
                created = leads_bulk_create(
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
                lead_create(data=data, user=ctx.user, interests=interests)
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
    from leads.services import leads_bulk_prepare

    cleaned: dict[int, tuple] = {}
    with translation.override(language):
        for number, values in batch:
            with contextlib.suppress(Exception):
                cleaned[number] = (*clean_row(values, ctx), None)
        valid = [n for n, (_d, _i, errors, _p) in cleaned.items() if not errors]
        if basis is not None and valid:
            default_status, criteria = basis
            with contextlib.suppress(Exception):
                prepared = leads_bulk_prepare(
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
    lead_import: LeadImport, batch: list, ctx: RowContext, cleaned: dict | None = None
) -> None:
    """One batch in one transaction: duplicate lookup for all its rows (one query per key),
    the rows, the new leads in bulk, the issues in one insert, then the resume marker
    (`last_row`), the counts and the Job's progress."""
    from notifications.models import Job

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
        if locked.job_id:
            Job.objects.filter(pk=locked.job_id).update(
                done=locked.last_row, result=_job_result(locked)
            )
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
    """Import the rows after `last_row`; returns the final job state (done / cancelled).

    Safe to call again after a crash: committed batches are never repeated.
    """
    from notifications.models import Job, JobState

    size = batch_size or BATCH_SIZE
    job_id = lead_import.job_id
    user = lead_import.created_by
    ctx = _build_context(lead_import, user)
    from contacts.models import LeadStatus
    from leads import scoring

    if job_id:
        Job.objects.filter(pk=job_id).update(state=JobState.RUNNING)
    language = translation.get_language()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lead-import") as pool:
        # the next batch is read and cleaned while the current one is written
        ahead = None
        for batch in _batches(lead_import, size):
            # what the worker needs from the database, read here (one thread per connection)
            basis = (LeadStatus.objects.default(), scoring.active_criteria())
            cleaning = pool.submit(_clean_batch, batch, ctx, language, basis)
            if ahead is not None:
                _commit_batch(lead_import, ahead[0], ctx, ahead[1].result())
                if job_id and Job.objects.filter(pk=job_id, cancel_requested=True).exists():
                    Job.objects.filter(pk=job_id).update(
                        state=JobState.CANCELLED, finished_at=timezone.now()
                    )
                    return JobState.CANCELLED
            ahead = (batch, cleaning)
        if ahead is not None:
            _commit_batch(lead_import, ahead[0], ctx, ahead[1].result())
    if job_id:
        Job.objects.filter(pk=job_id).update(
            state=JobState.DONE,
            done=lead_import.total_rows,
            result=_job_result(lead_import),
            finished_at=timezone.now(),
        )
    return JobState.DONE


# --- error report ---------------------------------------------------------------------------


def neutralise(value: Any) -> str:
    """Spreadsheet formula injection: a cell starting with = + - @ is shown as text."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


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
