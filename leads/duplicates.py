"""Duplicate detection for leads, persons and companies (issue 8, "Dubletten").

Matching keys:
- e-mail: lowercased and stripped;
- phone: E.164 via phonenumbers with Germany as default region (PhoneNumberField already
  stores E.164, so a parsed number compares by equality);
- company name: casefolded, umlauts transliterated (ä→ae …), legal suffixes (GmbH, AG,
  GmbH & Co. KG, e.K., UG (haftungsbeschränkt), …) and punctuation removed. Fuzzy: pg_trgm
  similarity on PostgreSQL, plus on every database a cheap prefilter (icontains on the
  name's leading characters) whose candidates are scored with difflib in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

import phonenumbers
from django.db import connection
from django.db.models import BooleanField, CharField, ExpressionWrapper, F, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from contacts.models import TERMINAL_PHASES, Company, Person
from leads.models import Lead

FUZZY_THRESHOLD = 0.86  # difflib ratio on normalised names
TRIGRAM_THRESHOLD = 0.3
CANDIDATE_LIMIT = 200
RESULT_LIMIT = 10

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e"})
# Longest first, so "gmbh & co kg" goes before "gmbh" and "kg". Matched on the
# transliterated, punctuation-free form.
_LEGAL_SUFFIXES = [
    "gmbh co kgaa",
    "gmbh co kg",
    "ag co kg",
    "ug haftungsbeschraenkt co kg",
    "ug haftungsbeschraenkt",
    "gmbh",
    "mbh",
    "ggmbh",
    "kgaa",
    "ag",
    "kg",
    "ek",
    "e k",
    "ev",
    "e v",
    "ug",
    "ohg",
    "gbr",
    "se",
    "ltd",
    "limited",
    "inc",
    "llc",
    "co",
]
_SUFFIX_RE = re.compile(r"(?:\s(?:" + "|".join(re.escape(s) for s in _LEGAL_SUFFIXES) + r"))+$")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize_email(value: Any) -> str:
    return str(value or "").strip().lower()


def normalize_phone(value: Any, region: str = "DE") -> str:
    """E.164 ("+4989123456") or "" when the value is no possible number."""
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number) or len(str(number.national_number)) < 5:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_phone(value: Any, region: str = "DE") -> PhoneNumber | None:
    """`normalize_phone` as a PhoneNumber whose raw input is the E.164 form (None when
    `normalize_phone` gives ""): the import keeps the parsed number, so saving the lead
    does not parse it again, and it stores the same string `normalize_phone` gives."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        number = PhoneNumber.from_string(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number) or len(str(number.national_number)) < 5:
        return None
    number.raw_input = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return number


def normalize_company(value: Any) -> str:
    text = str(value or "").casefold().translate(_UMLAUTS)
    text = text.replace("&", " ").replace("+", " ")
    text = _NON_WORD.sub(" ", text).strip()
    text = " " + text  # the suffix pattern wants a leading blank before each suffix
    previous = None
    base = text
    while previous != text:
        previous = text
        text = _SUFFIX_RE.sub("", text)
    # a name that is nothing but a legal form ("GmbH") stays as it is
    return " ".join(text.split()) or " ".join(base.split())


def company_similarity(a: str, b: str) -> float:
    """Similarity of two *normalised* names, 0..1."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


@dataclass(frozen=True)
class Candidate:
    kind: str  # "lead" | "person" | "company"
    obj: Any
    reasons: tuple[str, ...]
    score: float

    @property
    def pk(self) -> int:
        return self.obj.pk

    @property
    def label(self) -> str:
        return str(self.obj)


# --- candidate search -----------------------------------------------------------------


class TrigramMatch(Func):
    """`a % b` of pg_trgm: true when the trigram similarity passes the threshold."""

    arg_joiner = " %% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _name_prefilter(field: str, name: str) -> Q:
    """Rows whose name contains one of the query's significant words (also with umlauts)."""
    words = [w for w in normalize_company(name).split() if len(w) >= 3][:3]
    q = Q()
    for word in words:
        stem = word[:5]
        q |= Q(**{f"{field}__icontains": stem})
        back = stem.replace("ae", "ä").replace("oe", "ö").replace("ue", "ü")
        if back != stem:
            q |= Q(**{f"{field}__icontains": back})
    return q


def _fuzzy_ids(qs, field: str, name: str) -> list[int]:
    ids: list[int] = []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        # `%` (similarity above pg_trgm.similarity_threshold, default 0.3) can use the
        # GIN trigram index of migration 0004; similarity() alone would scan every row.
        ids = list(
            qs.alias(_match=TrigramMatch(F(field), Value(name)))
            .filter(_match=True)
            .annotate(_sim=TrigramSimilarity(field, name))
            .order_by("-_sim")
            .values_list("pk", flat=True)[:CANDIDATE_LIMIT]
        )
    pre = _name_prefilter(field, name)
    if pre:
        ids += list(qs.filter(pre).values_list("pk", flat=True)[:CANDIDATE_LIMIT])
    return ids


def _score_name(wanted: str, actual: str) -> float:
    return company_similarity(wanted, normalize_company(actual))


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
        ids += _fuzzy_ids(base, "company_name", name)
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
        similarity = _score_name(wanted, lead.company_name) if wanted else 0.0
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


def find_company_duplicates(
    data: Mapping[str, Any], exclude_id: int | None = None
) -> list[Candidate]:
    """Companies (Geschäftspartner) by name, e-mail, phone (the conversion's suggestions)."""
    email = normalize_email(data.get("email"))
    phone = normalize_phone(data.get("phone"))
    name = str(data.get("company_name") or data.get("name") or "").strip()
    wanted = normalize_company(name)
    base = Company.objects.all()
    if exclude_id:
        base = base.exclude(pk=exclude_id)
    ids: list[int] = []
    exact = Q()
    if email:
        exact |= Q(email__iexact=email)
        domain = email.rpartition("@")[2]
        if domain and not _is_freemail(domain):
            exact |= Q(email__iendswith="@" + domain) | Q(persons__email__iendswith="@" + domain)
    if phone:
        exact |= Q(phone=phone)
    if exact:
        ids += list(base.filter(exact).values_list("pk", flat=True)[:CANDIDATE_LIMIT])
    if wanted:
        ids += _fuzzy_ids(base, "name", name)
    if not ids:
        return []
    found = []
    for company in base.filter(pk__in=set(ids)).select_related("category"):
        reasons, score = [], 0.0
        similarity = _score_name(wanted, company.name) if wanted else 0.0
        if similarity >= FUZZY_THRESHOLD:
            reasons.append(
                _("gleicher Name")
                if similarity == 1.0
                else _("ähnlicher Name (%(p)d %%)") % {"p": round(similarity * 100)}
            )
            score = max(score, similarity)
        if email and normalize_email(company.email) == email:
            reasons.append(_("gleiche E-Mail-Adresse"))
            score = max(score, 1.0)
        elif email and email.rpartition("@")[2] and not _is_freemail(email.rpartition("@")[2]):
            reasons.append(_("gleiche E-Mail-Domain"))
            score = max(score, 0.7)
        if phone and normalize_phone(company.phone) == phone:
            reasons.append(_("gleiche Telefonnummer"))
            score = max(score, 0.95)
        if reasons:
            found.append(Candidate("company", company, tuple(reasons), score))
    found.sort(key=lambda c: (-c.score, c.obj.name))
    return found[:RESULT_LIMIT]


def find_person_duplicates(
    data: Mapping[str, Any], exclude_id: int | None = None, company: Company | None = None
) -> list[Candidate]:
    """Persons by e-mail, phone/mobile, or same name within `company`."""
    email = normalize_email(data.get("email"))
    phone = normalize_phone(data.get("phone"))
    last = str(data.get("last_name") or "").strip()
    first = str(data.get("first_name") or "").strip()
    base = Person.objects.all()
    if exclude_id:
        base = base.exclude(pk=exclude_id)
    q = Q()
    if email:
        q |= Q(email__iexact=email)
    if phone:
        q |= Q(phone=phone) | Q(mobile=phone)
    if company is not None and last:
        q |= Q(company=company, last_name__iexact=last)
    if not q:
        return []
    found = []
    for person in base.filter(q).select_related("company")[:CANDIDATE_LIMIT]:
        reasons, score = [], 0.0
        if email and normalize_email(person.email) == email:
            reasons.append(_("gleiche E-Mail-Adresse"))
            score = 1.0
        if phone and phone in (normalize_phone(person.phone), normalize_phone(person.mobile)):
            reasons.append(_("gleiche Telefonnummer"))
            score = max(score, 0.95)
        if company is not None and person.company_id == company.pk and last:
            if person.last_name.casefold() == last.casefold():
                same_first = not first or person.first_name.casefold() == first.casefold()
                reasons.append(_("gleicher Name in der Firma"))
                score = max(score, 0.9 if same_first else 0.6)
        if reasons:
            found.append(Candidate("person", person, tuple(reasons), score))
    found.sort(key=lambda c: (-c.score, c.obj.pk))
    return found[:RESULT_LIMIT]


_FREEMAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "t-online.de",
        "yahoo.com",
        "yahoo.de",
        "outlook.com",
        "hotmail.com",
        "hotmail.de",
        "icloud.com",
        "posteo.de",
        "mailbox.org",
        "freenet.de",
        "aol.com",
        "live.de",
    }
)


def _is_freemail(domain: str) -> bool:
    return domain.lower() in _FREEMAIL


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
