"""Retention (GDPR): anonymise leads that never converted and lay untouched too long.

A lead qualifies when it was never converted (`converted_at` is empty), is not anonymised
yet and was neither changed nor worked on (activity) for `LEADCRM["RETENTION_DAYS"]` days.
Anonymising clears what identifies a person (names, function, address, phone, e-mail,
website, notes, business card, the personal parts of the capture data: the `personal`
fields of the field catalogue in `leads.fields`) on the lead, in its history and in its
consent log, and keeps what the statistics need (status, source, type, campaign, score,
interests, country, dates). The company name stays: it names a firm, not a person.

The leads' activities and the import issues that name them are cleared with them
(`privacy.erasure`). Uploaded import files go `LEADCRM["IMPORT_FILE_RETENTION_DAYS"]` days
after their import ended (or after an upload that was never started), and the raw rows of
their issues with them (`import_files_purge`); the raw message of ignored or failed
inbound mails after `LEADCRM["INBOUND_RAW_RETENTION_DAYS"]` (`inbound_raw_purge`).

`retention_apply(dry_run=True)` only lists what would go; the real run works in id-ordered
chunks, each in its own transaction, and is safe to rerun (anonymised leads are skipped).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inbound.services import inbound_raw_purge
from jobs.models import FINISHED_STATES
from leads.models import Lead, LeadImport
from privacy import erasure

CHUNK = 1000


@dataclass
class RetentionResult:
    dry_run: bool
    cutoff: dt.datetime
    count: int = 0
    leads: list[dict] = field(default_factory=list)
    files_deleted: int = 0
    activities: int = 0
    documents: int = 0
    import_files: int = 0
    inbound_raw: int = 0


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    now = now or timezone.now()
    return now - dt.timedelta(days=settings.LEADCRM["RETENTION_DAYS"])


def retention_candidates(*, cutoff: dt.datetime):
    """Never converted, not anonymised, neither changed nor worked on since `cutoff`."""
    return (
        Lead.objects.filter(
            converted_at__isnull=True, anonymised_at__isnull=True, updated_at__lt=cutoff
        )
        .filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=cutoff))
        .order_by("pk")
    )


def _delete_files(names: list[str]) -> int:
    deleted = 0
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)
            deleted += 1
    return deleted


def _anonymise_chunk(
    ids: list[int], *, now: dt.datetime, cutoff: dt.datetime, result: RetentionResult
) -> list[str]:
    """Anonymise the leads `ids` in one transaction; returns their business card files."""
    with transaction.atomic():
        # re-check under lock: a lead edited meanwhile is no longer due
        locked = retention_candidates(cutoff=cutoff).filter(pk__in=ids).select_for_update()
        ids = list(locked.values_list("pk", flat=True))
        counts, files = erasure.leads_anonymise(ids, now=now)
        result.activities += counts["activities"]
        result.documents += counts["documents"]
    return files


def retention_apply(
    *, dry_run: bool = False, now: dt.datetime | None = None, list_limit: int = 1000
) -> RetentionResult:
    """Anonymise (or with `dry_run`, list) every lead past the retention period."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now)
    result = RetentionResult(dry_run=dry_run, cutoff=cutoff)
    base = retention_candidates(cutoff=cutoff)
    last_id = 0
    while True:
        rows = list(
            base.filter(pk__gt=last_id).values(
                "pk", "number", "company_name", "first_name", "last_name", "updated_at"
            )[:CHUNK]
        )
        if not rows:
            break
        last_id = rows[-1]["pk"]
        result.count += len(rows)
        if len(result.leads) < list_limit:
            result.leads.extend(rows[: list_limit - len(result.leads)])
        if dry_run:
            continue
        ids = [row["pk"] for row in rows]
        files = _anonymise_chunk(ids, now=now, cutoff=cutoff, result=result)
        # files go only after the database no longer points at them
        result.files_deleted += _delete_files(files)
    if not dry_run:
        result.import_files = import_files_purge(now=now)
        result.inbound_raw = inbound_raw_purge(now=now)
    return result


def import_files_due(*, now: dt.datetime | None = None):
    """Imports whose file is still stored and whose import ended (or, never started, was
    uploaded) more than IMPORT_FILE_RETENTION_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.LEADCRM["IMPORT_FILE_RETENTION_DAYS"])
    ended = Q(job__state__in=FINISHED_STATES, job__finished_at__lt=cutoff)
    abandoned = Q(job__isnull=True, created_at__lt=cutoff)
    return (
        LeadImport.objects.filter(file_purged_at__isnull=True)
        .exclude(file="")
        .filter(ended | abandoned)
        .order_by("pk")
    )


def import_files_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the due import files and blank their issues' raw rows; returns how many.
    Each import in its own transaction, the file after the row no longer names it."""
    now = now or timezone.now()
    purged = 0
    for pk in list(import_files_due(now=now).values_list("pk", flat=True)):
        with transaction.atomic():
            locked = import_files_due(now=now).filter(pk=pk).select_for_update(of=("self",))
            lead_import = locked.first()
            if lead_import is None:
                continue
            name = lead_import.file.name
            erasure.issues_blank(lead_import.issues.all())
            LeadImport.objects.filter(pk=pk).update(file="", file_purged_at=now)
        _delete_files([name])
        purged += 1
    return purged
