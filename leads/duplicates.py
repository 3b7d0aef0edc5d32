"""Duplicate detection for leads: the mask's warning, the web form, and the import's index."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection
from django.db.models import BooleanField, CharField, ExpressionWrapper, F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from contacts.duplicates import (
    CANDIDATE_LIMIT,
    FUZZY_THRESHOLD,
    RESULT_LIMIT,
    Candidate,
    fuzzy_ids,
    normalize_company,
    normalize_email,
    normalize_phone,
    score_name,
)
from contacts.models import TERMINAL_PHASES
from leads.models import Lead


def find_lead_duplicates(
    data: Mapping[str, Any], exclude_id: int | None = None, *, open_only: bool = False
) -> list[Candidate]:
    """Leads that look like the one described by `data` (email, phone, company_name).

    Merged stubs and anonymised leads never match; `open_only` leaves out converted or
    closed leads (web capture attaches only to an open lead).
    """
    email = normalize_email(data.get("email"))
    phone = normalize_phone(data.get("phone"))
    name = str(data.get("company_name") or "").strip()
    wanted = normalize_company(name)
    base = Lead.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)
    if exclude_id:
        base = base.exclude(pk=exclude_id)
    if open_only:
        base = base.exclude(status__phase__in=TERMINAL_PHASES)
    exact = Q()
    if email:
        exact |= Q(email_lower=email)
    if phone:
        exact |= Q(phone=phone)
    ids = []
    if exact:
        ids = list(
            base.annotate(email_lower=Lower("email"))
            .filter(exact)
            .values_list("pk", flat=True)[:CANDIDATE_LIMIT]
        )
    if wanted:
        ids += fuzzy_ids(base, "company_name", name)
    if not ids:
        return []
    found = []
    for lead in base.filter(pk__in=set(ids)).select_related("status", "follow_up_by"):
        reasons, score = [], 0.0
        if email and normalize_email(lead.email) == email:
            reasons.append(_("gleiche E-Mail-Adresse"))
            score = max(score, 1.0)
        if phone and normalize_phone(lead.phone) == phone:
            reasons.append(_("gleiche Telefonnummer"))
            score = max(score, 0.95)
        similarity = score_name(wanted, lead.company_name) if wanted else 0.0
        if similarity >= FUZZY_THRESHOLD:
            reasons.append(
                _("gleiches Unternehmen")
                if similarity == 1.0
                else _("ähnliches Unternehmen (%(p)d %%)") % {"p": round(similarity * 100)}
            )
            score = max(score, 0.9 * similarity)
        if reasons:
            found.append(Candidate("lead", lead, tuple(reasons), score))
    found.sort(key=lambda c: (-c.score, -c.obj.pk))
    return found[:RESULT_LIMIT]


# --- bulk matching for the import ---------------------------------------------------------


class LeadIndex:
    """In-memory index of leads by e-mail and phone for one import batch.

    The import asks per row; looking keys up in bulk per batch keeps it at a few queries
    per 500 rows instead of several per row. E-mails compare by LOWER(email), which the
    migration `0005_capture_email_index` indexes.
    """

    def __init__(self, rows: Iterable[Mapping[str, Any]], *, normalized: bool = False):
        """`rows`: mappings with "email" and "phone"; `normalized` when they already are
        (as `normalize_email`/`normalize_phone` give them), which saves parsing every
        phone number a second time."""
        rows = list(rows)
        if normalized:
            emails = {str(r.get("email") or "") for r in rows} - {""}
            phones = {str(r.get("phone") or "") for r in rows} - {""}
        else:
            emails = {normalize_email(r.get("email")) for r in rows} - {""}
            phones = {normalize_phone(r.get("phone")) for r in rows} - {""}
        self.by_email: dict[str, int] = {}
        self.by_phone: dict[str, int] = {}
        self.numbers: dict[int, str] = {}
        base = Lead.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)
        for chunk in _chunks(sorted(emails), 1000):
            rows_found = (
                base.annotate(email_lower=Lower("email"))
                .filter(_in_list("LOWER(email)", chunk) or Q(email_lower__in=chunk))
                .order_by("pk")
                .values_list("pk", "number", "email_lower")
            )
            for pk, number, email in rows_found:
                self.by_email.setdefault(email, pk)
                self.numbers[pk] = number
        # phones are stored as E.164 strings: compare as text, without PhoneNumberField
        # parsing every value of the IN list again
        phone_text = ExpressionWrapper(F("phone"), output_field=CharField())
        for chunk in _chunks(sorted(phones), 1000):
            for pk, number, phone in (
                base.alias(phone_text=phone_text)
                .filter(_in_list("phone", chunk) or Q(phone_text__in=chunk))
                .order_by("pk")
                .values_list("pk", "number", "phone")
            ):
                self.by_phone.setdefault(normalize_phone(phone), pk)
                self.numbers[pk] = number

    def match(self, email: str, phone: str) -> int | None:
        return self.by_email.get(email) or self.by_phone.get(phone)

    def number(self, pk: int) -> str:
        return self.numbers.get(pk, "")

    def add(self, pk: int, email: str, phone: str, number: str = "") -> None:
        if email:
            self.by_email.setdefault(email, pk)
        if phone:
            self.by_phone.setdefault(phone, pk)
        self.numbers.setdefault(pk, number)


def _in_list(column_sql: str, values: list[str]):
    """`column = ANY(%s)` with the values as one array parameter on PostgreSQL (same rows
    and index as `IN (…)`, without a thousand placeholders to build and parse); None on
    other databases, where the caller's `__in` filter applies. `column_sql` is a constant
    of the caller on the leads table, never user input."""
    if connection.vendor != "postgresql":
        return None
    sql = f"{column_sql} = ANY(%s)"  # a constant of the caller; the values are a parameter
    return RawSQL(sql, [list(values)], output_field=BooleanField())  # noqa: S611  # nosec B611


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
