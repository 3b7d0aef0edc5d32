"""Duplicate detection for persons and companies, and the matching keys leads share.

Matching keys: normalised e-mail, E.164 phone, company name without legal form; names
are compared by trigram on PostgreSQL and difflib in Python.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

import phonenumbers
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, Value
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber

from contacts.models import Company, Person

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


def fuzzy_ids(qs, field: str, name: str) -> list[int]:
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


def score_name(wanted: str, actual: str) -> float:
    return company_similarity(wanted, normalize_company(actual))


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
        ids += fuzzy_ids(base, "name", name)
    if not ids:
        return []
    found = []
    for company in base.filter(pk__in=set(ids)).select_related("category"):
        reasons, score = [], 0.0
        similarity = score_name(wanted, company.name) if wanted else 0.0
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
