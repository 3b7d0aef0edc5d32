"""Retention (GDPR): anonymise leads that never converted and lay untouched too long.

A lead qualifies when it was never converted (`converted_at` is empty), is not anonymised
yet and was neither changed nor worked on (activity) for `LEADCRM["RETENTION_DAYS"]` days.
Anonymising clears what identifies a person (names, function, address, phone, e-mail,
website, notes, business card, the personal parts of the capture data: the `personal`
fields of the field catalogue in `leads.fields`) on the lead, in its history and in its
consent log, and keeps what the statistics need (status, source, type, campaign, score,
interests, country, dates). The company name stays: it names a firm, not a person.

`retention_apply(dry_run=True)` only lists what would go; the real run works in id-ordered
chunks, each in its own transaction, and is safe to rerun (anonymised leads are skipped).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from leads.fields import personal_fields
from leads.models import ConsentRecord, Lead

CHUNK = 1000

# field -> value it is cleared to (on the lead and on its historical records): the field
# catalogue's personal fields (leads.fields), all text, URL, phone or file fields
PERSONAL_FIELDS: dict[str, object] = dict.fromkeys(personal_fields(), "")


@dataclass
class RetentionResult:
    dry_run: bool
    cutoff: dt.datetime
    count: int = 0
    leads: list[dict] = field(default_factory=list)
    files_deleted: int = 0


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


def _anonymise_chunk(ids: list[int], *, now: dt.datetime, cutoff: dt.datetime) -> list[str]:
    """Anonymise the leads `ids` in one transaction; returns their business card files."""
    with transaction.atomic():
        # re-check under lock: a lead edited meanwhile is no longer due
        locked = retention_candidates(cutoff=cutoff).filter(pk__in=ids).select_for_update()
        rows = list(locked.values_list("pk", "business_card"))
        ids = [pk for pk, _card in rows]
        files = [card for _pk, card in rows if card]
        Lead.objects.filter(pk__in=ids).update(
            **PERSONAL_FIELDS, anonymised_at=now, version=F("version") + 1
        )
        Lead.history.filter(id__in=ids).update(**PERSONAL_FIELDS)
        ConsentRecord.objects.filter(lead_id__in=ids).update(
            email="", ip_address=None, user_agent=""
        )
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
        files = _anonymise_chunk(ids, now=now, cutoff=cutoff)
        # files go only after the database no longer points at them
        result.files_deleted += _delete_files(files)
    return result
