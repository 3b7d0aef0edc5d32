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
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, Value
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


def normalize_company_full(value: Any) -> str:
    """The company name compared with its legal form: case, umlauts, punctuation and blanks
    do not count ("Muster GmbH & Co. KG" == "muster gmbh & co kg"), the legal form does."""
    text = str(value or "").casefold().translate(_UMLAUTS)
    text = text.replace("&", " ").replace("+", " ")
    return " ".join(_NON_WORD.sub(" ", text).split())


def company_similarity(a: str, b: str) -> float:
    """Similarity of two *normalised* names, 0..1."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


# What matched between the wanted data and a candidate (`Candidate.matches`).
NAME = "name"  # similar (or equal) name; companies without legal form
NAME_EXACT = "name_exact"  # companies: the same name with legal form; persons: first + last
EMAIL = "email"  # the same e-mail address
PERSON_EMAIL = "person_email"  # companies: one of its persons has the e-mail address
DOMAIN = "domain"  # companies: its or one of its persons' e-mail has the same domain
PHONE = "phone"


@dataclass(frozen=True)
class Candidate:
    kind: str  # "lead" | "person" | "company"
    obj: Any
    reasons: tuple[str, ...]
    score: float
    matches: frozenset[str] = frozenset()

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
    """Companies (Geschäftspartner) by name, e-mail, e-mail domain, phone (the conversion's
    suggestions). Each candidate's `matches` say what matched; its reasons are made from
    them, so a reason is shown only for what this company really has in common."""
    email = normalize_email(data.get("email"))
    phone = normalize_phone(data.get("phone"))
    name = str(data.get("company_name") or data.get("name") or "").strip()
    wanted = normalize_company(name)
    wanted_full = normalize_company_full(name)
    domain = company_domain(email)
    base = Company.objects.all()
    if exclude_id:
        base = base.exclude(pk=exclude_id)
    ids: list[int] = []
    exact = Q()
    if email:
        exact |= Q(email__iexact=email) | Q(persons__email__iexact=email)
    if domain:
        exact |= Q(email__iendswith="@" + domain) | Q(persons__email__iendswith="@" + domain)
    if phone:
        exact |= Q(phone=phone)
    if exact:
        ids += list(base.filter(exact).values_list("pk", flat=True)[:CANDIDATE_LIMIT])
    if wanted:
        ids += fuzzy_ids(base, "name", name)
    if not ids:
        return []
    rows = base.filter(pk__in=set(ids)).select_related("category")
    if email:
        rows = rows.annotate(
            _person_email=Exists(Person.objects.filter(company=OuterRef("pk"), email__iexact=email))
        )
    if domain:
        rows = rows.annotate(
            _person_domain=Exists(
                Person.objects.filter(company=OuterRef("pk"), email__iendswith="@" + domain)
            )
        )
    found = []
    for company in rows:
        matches: dict[str, float] = {}
        similarity = score_name(wanted, company.name) if wanted else 0.0
        if similarity >= FUZZY_THRESHOLD:
            matches[NAME] = similarity
            if wanted_full and normalize_company_full(company.name) == wanted_full:
                matches[NAME_EXACT] = 1.0
        if email and normalize_email(company.email) == email:
            matches[EMAIL] = 1.0
        if email and getattr(company, "_person_email", False):
            matches[PERSON_EMAIL] = 1.0
        if domain and (
            company_domain(company.email) == domain or getattr(company, "_person_domain", False)
        ):
            matches[DOMAIN] = 0.7
        if phone and normalize_phone(company.phone) == phone:
            matches[PHONE] = 0.95
        if matches:
            found.append(
                Candidate(
                    "company",
                    company,
                    _company_reasons(matches),
                    max(matches.values()),
                    frozenset(matches),
                )
            )
    found.sort(key=lambda c: (-c.score, c.obj.name, c.obj.pk))
    return found[:RESULT_LIMIT]


def _company_reasons(matches: Mapping[str, float]) -> tuple[str, ...]:
    reasons = []
    if NAME_EXACT in matches:
        reasons.append(_("gleicher Name"))
    elif NAME in matches and matches[NAME] == 1.0:  # equal once the legal forms are gone
        reasons.append(_("gleicher Name, andere Rechtsform"))
    elif NAME in matches:
        reasons.append(_("ähnlicher Name (%(p)d %%)") % {"p": round(matches[NAME] * 100)})
    if EMAIL in matches:
        reasons.append(_("gleiche E-Mail-Adresse"))
    if PERSON_EMAIL in matches:
        reasons.append(_("Ansprechpartner mit gleicher E-Mail-Adresse"))
    if DOMAIN in matches and not ({EMAIL, PERSON_EMAIL} & set(matches)):
        reasons.append(_("gleiche E-Mail-Domain"))
    if PHONE in matches:
        reasons.append(_("gleiche Telefonnummer"))
    return tuple(reasons)


def find_person_duplicates(
    data: Mapping[str, Any], exclude_id: int | None = None, company: Company | None = None
) -> list[Candidate]:
    """Persons by e-mail, phone/mobile (anywhere), or the same name within `company`."""
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
    if company is not None and company.pk and last:
        q |= Q(company=company, last_name__iexact=last)
    if not q:
        return []
    found = []
    for person in base.filter(q).select_related("company")[:CANDIDATE_LIMIT]:
        matches: dict[str, float] = {}
        if email and normalize_email(person.email) == email:
            matches[EMAIL] = 1.0
        if phone and phone in (normalize_phone(person.phone), normalize_phone(person.mobile)):
            matches[PHONE] = 0.95
        if company is not None and person.company_id == company.pk and last:
            if person.last_name.casefold() == last.casefold():
                same_first = not first or person.first_name.casefold() == first.casefold()
                matches[NAME] = 0.9 if same_first else 0.6
                if same_first:
                    matches[NAME_EXACT] = 0.9
        if matches:
            reasons = []
            if EMAIL in matches:
                reasons.append(_("gleiche E-Mail-Adresse"))
            if PHONE in matches:
                reasons.append(_("gleiche Telefonnummer"))
            if NAME_EXACT in matches:
                reasons.append(_("gleicher Name in der Firma"))
            elif NAME in matches:
                reasons.append(_("gleicher Nachname in der Firma"))
            found.append(
                Candidate(
                    "person", person, tuple(reasons), max(matches.values()), frozenset(matches)
                )
            )
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


def company_domain(email: Any) -> str:
    """The domain of `email` when it can stand for a company ("" for free-mail domains such
    as gmail.com or web.de, which thousands of unrelated people share)."""
    domain = normalize_email(email).rpartition("@")[2]
    return "" if not domain or _is_freemail(domain) else domain
