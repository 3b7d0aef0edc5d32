"""Reading the fields of a German business card from its OCR text (line heuristics)."""

from __future__ import annotations

import re

import phonenumbers

LEGAL_FORM = re.compile(
    r"(GmbH\s*&\s*Co\.?\s*KG(?:aA)?|gGmbH|GmbH|mbH|AG\s*&\s*Co\.?\s*KG|KGaA|AG|SE|OHG|KG|"
    r"UG\s*\(haftungsbeschränkt\)|UG|e\.\s?K\.|e\.\s?V\.|eG|GbR|PartG(?:\s*mbB)?)(?![\wäöü])"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
WEBSITE = re.compile(r"\b((?:https?://)?(?:www\.)[\w-]+(?:\.[\w-]+)+(?:/\S*)?)", re.I)
PLZ_CITY = re.compile(r"^(?:(D|A|CH)\s?[-–]\s?)?(\d{4,5})\s+([A-ZÄÖÜ][\wÄÖÜäöüß.\- /()]+)$")
STREET = re.compile(
    r"^([A-ZÄÖÜ][\wÄÖÜäöüß.\- ]*?(?:str\.|straße|strasse|weg|allee|platz|ring|gasse|damm|"
    r"ufer|chaussee|markt|steig|pfad|hof|berg|feld|park|[a-zäöüß]+)\.?)\s+(\d+\s?[a-zA-Z]?(?:\s?[-–]\s?\d+\s?[a-zA-Z]?)?)$"
)
PHONE_LABEL = re.compile(
    r"^\s*(tel(?:efon)?|fon|phone|t|mobil|mobile|handy|m|mob|fax|telefax|f)\b\.?\s*[:.]?\s*",
    re.I,
)
SALUTATION = re.compile(r"^(Herr|Frau)\s+", re.I)
TITLES = re.compile(r"^((?:Dr\.|Prof\.|Dipl\.-\w+\.?|Ing\.)\s*)+", re.I)
FUNCTION_WORDS = re.compile(
    r"(geschäftsführ|leiter|leitung|manager|vertrieb|einkauf|verkauf|berater|beraterin|"
    r"ingenieur|inhaber|prokurist|referent|assistenz|assistent|sachbearbeit|vorstand|"
    r"techniker|direktor|director|head of|sales|ceo|cto|cfo|officer|key account|"
    r"projekt|marketing|kundenbetreuung|außendienst|innendienst|partner|consultant|architekt)",
    re.I,
)
COUNTRIES = {
    "deutschland": "DE",
    "germany": "DE",
    "österreich": "AT",
    "austria": "AT",
    "schweiz": "CH",
    "switzerland": "CH",
}
PREFIX_COUNTRY = {"D": "DE", "A": "AT", "CH": "CH"}


def _clean(line: str) -> str:
    """One OCR line without the specks Tesseract reads at its ends ("_ ", " ~", "‚")."""
    line = line.replace("|", " ").replace("\u2014", "-")
    line = re.sub(r"^[^\wÄÖÜäöüß+(]+", "", line)
    line = re.sub(r"[^\wÄÖÜäöüß)./]+$", "", line)
    return re.sub(r"\s{2,}", " ", line).strip()


def e164(text: str, region: str = "DE") -> str:
    """A phone number in E.164 (+4930…), or empty when none can be read."""
    digits = re.sub(r"[^\d+()/\- ]", "", text)
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phones(line: str) -> list[tuple[str, str]]:
    """(label kind, E.164) pairs on one line: kind is tel, mobile or fax."""
    found = []
    for part in re.split(
        r"\s{2,}|\s[|·•]\s|(?<=\d)\s+(?=(?:tel|fon|mobil|fax|[tmf])\b)", line, flags=re.I
    ):
        label = PHONE_LABEL.match(part)
        if not label and not re.match(r"^\s*\+?[\d(][\d ()/\-–]{6,}$", part):
            continue
        rest = part[label.end() :] if label else part
        number = e164(rest)
        if not number:
            continue
        word = label.group(1).lower() if label else "tel"
        kind = (
            "fax"
            if word.startswith(("fax", "telefax")) or word == "f"
            else ("mobile" if word.startswith(("m", "handy")) else "tel")
        )
        found.append((kind, number))
    return found


def card_fields(text: str) -> dict[str, str]:
    """The mask fields found in the card's text (keys of capture.cards.CARD_FIELDS)."""
    # "|" is a misread "l" or a separator; in an address it can only be the letter
    raw_lines = [
        re.sub(r"\S+@\S+", lambda m: m.group(0).replace("|", "l"), line)
        for line in (text or "").splitlines()
    ]
    lines = [_clean(line) for line in raw_lines]
    lines = [line for line in lines if line]
    fields: dict[str, str] = {}
    used: set[int] = set()
    phones: list[tuple[str, str]] = []

    for i, line in enumerate(lines):
        if m := EMAIL.search(line):
            fields.setdefault("email", m.group(0).lower().strip("."))
            used.add(i)
        if m := WEBSITE.search(line):
            if "@" not in m.group(1):
                site = m.group(1).rstrip(".,")
                fields.setdefault("website", site if "://" in site else "https://" + site.lower())
                used.add(i)
        if i in used:
            continue
        line_phones = _phones(line)
        if line_phones:
            phones += line_phones
            used.add(i)
            continue
        if line.lower() in COUNTRIES:
            fields["country"] = COUNTRIES[line.lower()]
            used.add(i)

    for i, line in enumerate(lines):
        if i in used:
            continue
        if m := PLZ_CITY.match(line):
            fields.setdefault("postal_code", m.group(2))
            fields.setdefault("city", m.group(3).strip())
            prefix = m.group(1)
            if prefix:
                fields.setdefault("country", PREFIX_COUNTRY[prefix])
            elif len(m.group(2)) == 5:
                fields.setdefault("country", "DE")
            used.add(i)
            continue
        if "," in line:  # "Musterstraße 1, 12345 Berlin"
            left, _sep, right = line.rpartition(",")
            if (ms := STREET.match(left.strip())) and (mc := PLZ_CITY.match(right.strip())):
                fields.setdefault("street", f"{ms.group(1)} {ms.group(2)}")
                fields.setdefault("postal_code", mc.group(2))
                fields.setdefault("city", mc.group(3).strip())
                fields.setdefault("country", PREFIX_COUNTRY.get(mc.group(1) or "D", "DE"))
                used.add(i)
                continue
        if "street" not in fields and (m := STREET.match(line)) and not LEGAL_FORM.search(line):
            number = re.sub(r"\s+", "", m.group(2))
            fields["street"] = f"{m.group(1)} {number}"
            used.add(i)

    for i, line in enumerate(lines):
        if i not in used and "company_name" not in fields and LEGAL_FORM.search(line):
            fields["company_name"] = line
            used.add(i)

    name_index = None
    for i, line in enumerate(lines):
        if i in used:
            continue
        rest = line
        salutation = ""
        if m := SALUTATION.match(rest):
            salutation = m.group(1).capitalize()
            rest = rest[m.end() :]
        rest = TITLES.sub("", rest).strip()
        words = rest.split()
        if (
            2 <= len(words) <= 3
            and all(re.match(r"^[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?$", w) for w in words)
            and not FUNCTION_WORDS.search(rest)
        ):
            if salutation:
                fields["salutation"] = salutation
            fields["first_name"] = " ".join(words[:-1])
            fields["last_name"] = words[-1]
            name_index = i
            used.add(i)
            break

    candidates = [
        i for i, line in enumerate(lines) if i not in used and FUNCTION_WORDS.search(lines[i])
    ]
    if candidates:
        best = min(candidates, key=lambda i: abs(i - name_index) if name_index is not None else i)
        fields["function"] = lines[best]
        used.add(best)

    by_kind = {}
    for kind, number in phones:
        by_kind.setdefault(kind, number)
    phone = by_kind.get("tel") or by_kind.get("mobile")
    if phone:
        fields["phone"] = phone
    return fields
