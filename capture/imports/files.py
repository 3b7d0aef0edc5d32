"""Reading an uploaded list: encoding, delimiter, rows, column mapping; upload, start,
cancel and resume (the job's lifecycle itself is `jobs.runner`'s)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capture.imports import values
from contacts.models import Salutation
from jobs import runner as job_runner
from leads.fields import import_columns
from leads.models import (
    DuplicateMode,
    Lead,
    LeadImport,
)

BATCH_SIZE = 1000
IMPORT_JOB_KIND = "lead_import"
IMPORT_TASK = "leads.tasks.run_import"  # capture/tasks.py
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_ROWS = 200_000
PREVIEW_ROWS = 5


def max_rows() -> int:
    """The most data rows one import reads (settings `LEAD_IMPORT_MAX_ROWS`); reading stops
    right after it, so a file claiming millions of rows is never read to its end."""
    return int(getattr(settings, "LEAD_IMPORT_MAX_ROWS", MAX_ROWS))


def max_file_bytes() -> int:
    """The largest upload accepted (settings `LEAD_IMPORT_MAX_FILE_BYTES`)."""
    return int(getattr(settings, "LEAD_IMPORT_MAX_FILE_BYTES", MAX_FILE_BYTES))


# import targets: field -> (label, max length, header aliases), from the field catalogue
FIELDS: dict[str, tuple[Any, int, tuple[str, ...]]] = import_columns()
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


@functools.cache
def country_codes() -> frozenset[str]:
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for row in reader:
            yield [c.strip() for c in row]
    except csv.Error as exc:  # an unclosed quote, a cell over the field size limit
        raise ImportFileError(
            _(
                "Die CSV-Datei ist fehlerhaft (Zeile %(n)d): ein Anführungszeichen wird nicht "
                "geschlossen oder eine Zelle ist zu lang."
            )
            % {"n": reader.line_num}
        ) from exc


def _xlsx_rows(raw: bytes, limit: int | None = None) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parser error is a bad upload
        raise ImportFileError(_("Die Excel-Datei kann nicht gelesen werden.")) from exc
    sheet = book.worksheets[0]
    try:
        # read_only streams the sheet; max_row stops the parser at the limit
        for row in sheet.iter_rows(values_only=True, max_row=limit):
            yield [_cell(c) for c in row]
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken sheet is a bad upload
        raise ImportFileError(_("Die Excel-Datei kann nicht gelesen werden.")) from exc
    finally:
        book.close()


def numbered_rows(lead_import: LeadImport) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of the stored file's non-blank rows, header first. The number
    is the one the spreadsheet shows (blank rows counted, a CSV record with a line break
    inside a quoted cell is one row): header = row 1, first data row = row 2."""
    if not lead_import.file:
        raise ImportFileError(
            _("Die Importdatei wurde nach Ablauf der Aufbewahrungsfrist gelöscht.")
        )
    with lead_import.file.open("rb") as handle:
        raw = handle.read()
    if lead_import.file_format == "xlsx":
        # header + the row limit + one to notice a file over it; blank rows count too
        rows = _xlsx_rows(raw, limit=max_rows() + 2)
    else:
        rows = _csv_rows(raw, lead_import.encoding or "utf-8", lead_import.delimiter or ";")
    kept, limit = 0, max_rows() + 2
    for number, row in enumerate(rows, start=1):
        if any(cell for cell in row):
            yield number, row
            kept += 1
            if kept >= limit:
                return  # never read past the limit (the caller refuses the file)


def table_rows(lead_import: LeadImport) -> Iterator[list[str]]:
    """All rows of the stored file, header first; blank rows dropped."""
    for _number, row in numbered_rows(lead_import):
        yield row


def data_rows(lead_import: LeadImport) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, {header: value}) of the data rows after the header."""
    rows = numbered_rows(lead_import)
    _header_number, header = next(rows, (0, []))
    headers = lead_import.headers or header
    for number, row in rows:
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
    if upload.size > max_file_bytes():
        raise ImportFileError(
            _("Die Datei ist zu groß (höchstens %(mb)d MB).")
            % {"mb": max(1, max_file_bytes() // 2**20)}
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
    limit, total = max_rows(), 0
    for _row in rows:
        total += 1
        if total > limit:  # stop reading: the rest of the file is never parsed
            raise ImportFileError(
                _("Die Datei hat zu viele Zeilen (höchstens %(n)d).") % {"n": limit}
            )
    if total == 0:
        raise ImportFileError(_("Die Datei enthält keine Datenzeilen."))
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
def import_configure(
    *,
    lead_import: LeadImport,
    mapping: dict[str, str],
    duplicate_mode: str,
    campaign=None,
    source=None,
) -> LeadImport:
    """Save the column mapping and the options, and read the distinct values of the
    mapped choice columns for the value mapping (`capture.imports.values`)."""
    if lead_import.job_id is not None:
        raise ImportFileError(_("Dieser Import wurde bereits gestartet."))
    if duplicate_mode not in DuplicateMode.values:
        raise ImportFileError(_("Unbekannte Dubletten-Behandlung."))
    lead_import.mapping = clean_mapping(lead_import.headers, mapping)
    lead_import.duplicate_mode = duplicate_mode
    lead_import.campaign = campaign
    lead_import.source = source
    lead_import.choice_values = values.scan_values(lead_import, data_rows(lead_import))
    lead_import.save()
    return lead_import


@transaction.atomic
def import_start(*, lead_import: LeadImport, user, value_mapping: dict | None = None):
    """Store the confirmed value mapping and queue the configured import as a Job;
    returns the Job. Without `value_mapping` values resolve by their exact name only."""
    if lead_import.job_id is not None:
        raise ImportFileError(_("Dieser Import wurde bereits gestartet."))
    lead_import.mapping = clean_mapping(lead_import.headers, lead_import.mapping)
    lead_import.value_mapping = values.clean_value_mapping(lead_import, value_mapping or {})
    job = job_runner.job_create(
        kind=IMPORT_JOB_KIND,
        title=_("Import „%(name)s“") % {"name": lead_import.original_name},
        user=user,
        total=lead_import.total_rows,
        params={"lead_import": lead_import.pk},
        task=IMPORT_TASK,
    )
    lead_import.job = job
    lead_import.save()
    job_runner.job_queue(job=job)
    return job


def import_cancel(*, lead_import: LeadImport) -> bool:
    """Ask a running import to stop after the batch it is writing; False when it has no
    job or is finished already."""
    if lead_import.job is None:
        return False
    return job_runner.job_request_cancel(job=lead_import.job)


@transaction.atomic
def import_resume(*, lead_import: LeadImport) -> bool:
    """Queue a failed, cancelled or stuck import again; it continues after `last_row`.
    False when there is nothing to resume (no job, or `job_resume` refuses its state)."""
    if lead_import.file_purged_at is not None:
        return False  # the file is gone (retention): nothing to continue from
    if lead_import.job is None or not job_runner.job_resume(job=lead_import.job):
        return False
    job_runner.job_queue(job=lead_import.job, task=IMPORT_TASK)
    return True
