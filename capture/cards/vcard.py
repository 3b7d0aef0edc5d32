"""A vCard (.vcf, versions 3 and 4; 2.1 without quoted-printable) → the card fields."""

from __future__ import annotations

import re

from capture.cards.parse import COUNTRIES, e164


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _split(value: str) -> list[str]:
    return [_unescape(p).strip() for p in re.split(r"(?<!\\);", value)]


def _lines(text: str):
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    for line in unfolded.splitlines():
        if ":" not in line:
            continue
        head, value = line.split(":", 1)
        name, *params = head.split(";")
        name = name.split(".")[-1].upper()  # "item1.TEL" → TEL
        types = ",".join(params).lower()
        yield name, types, value.strip()


def vcard_fields(data: bytes) -> dict[str, str]:
    """The mask fields of the first contact in a vCard."""
    text = data.decode("utf-8-sig", "replace")
    fields: dict[str, str] = {}
    phones: dict[str, str] = {}
    full_name = ""
    for name, types, value in _lines(text):
        if name == "END":
            break
        if name == "N":
            parts = _split(value) + [""] * 5
            fields["last_name"], fields["first_name"] = parts[0], parts[1]
            prefix = parts[3].split()[0].capitalize() if parts[3] else ""
            if prefix in ("Herr", "Frau"):
                fields["salutation"] = prefix
        elif name == "FN":
            full_name = _unescape(value)
        elif name == "ORG":
            fields.setdefault("company_name", _split(value)[0])
        elif name in ("TITLE", "ROLE"):
            fields.setdefault("function", _unescape(value))
        elif name == "ADR" and "street" not in fields:
            parts = _split(value) + [""] * 7
            fields["street"], fields["city"], fields["postal_code"] = parts[2], parts[3], parts[5]
            country = parts[6].strip().lower()
            fields["country"] = COUNTRIES.get(
                country, parts[6].upper() if len(parts[6]) == 2 else ""
            )
        elif name == "TEL":
            number = e164(value.removeprefix("tel:"))
            kind = "fax" if "fax" in types else ("mobile" if "cell" in types else "tel")
            if number:
                phones.setdefault(kind, number)
        elif name == "EMAIL":
            fields.setdefault("email", value.removeprefix("mailto:").lower())
        elif name == "URL":
            fields.setdefault("website", value if "://" in value else "https://" + value)
    if not (fields.get("first_name") or fields.get("last_name")) and full_name:
        first, _sep, last = full_name.rpartition(" ")
        fields["first_name"], fields["last_name"] = first, last
    if phone := phones.get("tel") or phones.get("mobile"):
        fields["phone"] = phone
    return {k: v for k, v in fields.items() if v}
