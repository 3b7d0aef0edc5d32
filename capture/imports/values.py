"""Value mapping of an import's choice columns (interests, source, type, status, campaign,
owner, Verlustgrund): the distinct values of the file, a suggestion per value, the confirmed mapping.

A trade-fair list says "Speicher" where the CRM says "Batteriespeichersysteme". Matching
only exact names lost such rows; now every distinct value of a mapped choice column is
shown once, with the closest existing value (rapidfuzz) preselected or "ignorieren", and
the confirmed mapping is stored with the import (`LeadImport.value_mapping`). While the
rows are imported a value resolves through that mapping first, then by its exact name;
a value that resolves to nothing is left out of the lead with a warning: it never costs
the row.

The scan is bounded: one pass over the rows, at most `MAX_DISTINCT` values per column
(the rest resolve by exact name or are ignored with a warning).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rapidfuzz import fuzz, process, utils

from contacts.models import LeadStatus, Phase
from leads.models import Campaign, Interest, LeadImport, LeadSource, LeadType, LostReason

MAX_DISTINCT = 200
SUGGEST_CUTOFF = 70  # WRatio: "Speicher" → "Batteriespeichersysteme" scores 90, "Messe" 54
IGNORE = ""  # the mapping's key for "ignorieren"

# target -> the label a warning and the mapping page use for one value of it
CHOICE_TARGETS: dict[str, Any] = {
    "interests": _lazy("Interessensschwerpunkt"),
    "source": _lazy("Quelle"),
    "type": _lazy("Typ"),
    "status": _lazy("Status"),
    "campaign": _lazy("Kampagne"),
    "follow_up_by": _lazy("Nachbetreuung durch"),
    "lost_reason": _lazy("Verlustgrund"),
}
MULTI_SEPARATORS = re.compile(r"[,;|/]")


@dataclass(frozen=True)
class Choice:
    """An existing value a file's value can map to."""

    key: str  # the primary key as text
    label: str
    names: tuple[str, ...]  # what an exact match or a suggestion compares with
    obj: Any = field(compare=False, default=None)


def split_values(target: str, value: str) -> list[str]:
    """The single values of one cell: interests are a list, the others one value."""
    if target == "interests":
        return [part.strip() for part in MULTI_SEPARATORS.split(value) if part.strip()]
    value = value.strip()
    return [value] if value else []


def choices(target: str) -> list[Choice]:
    """The values `target` may take on an imported lead (one query)."""
    if target == "follow_up_by":
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        return [
            Choice(
                str(u.pk),
                f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username,
                tuple(n for n in (u.username, u.email, u.get_full_name()) if n),
                u,
            )
            for u in users
        ]
    if target == "status":
        # a new lead is never converted, and an inactive status is refused by the lifecycle
        rows = LeadStatus.objects.filter(active=True).exclude(phase=Phase.CONVERTED)
    else:
        model = {
            "interests": Interest,
            "source": LeadSource,
            "type": LeadType,
            "campaign": Campaign,
            "lost_reason": LostReason,
        }[target]
        rows = model.objects.filter(active=True)
    return [Choice(str(row.pk), row.name, (row.name,), row) for row in rows.order_by("name")]


def _exact_index(options: Iterable[Choice]) -> dict[str, Choice]:
    index: dict[str, Choice] = {}
    for choice in options:
        for name in choice.names:
            index.setdefault(name.casefold(), choice)
    return index


def suggest(value: str, options: list[Choice]) -> tuple[str, int]:
    """(choice key or IGNORE, score 0–100) for one value of the file."""
    exact = _exact_index(options).get(value.casefold())
    if exact is not None:
        return exact.key, 100
    names = [(name, choice.key) for choice in options for name in choice.names]
    found = process.extractOne(
        value,
        [name for name, _key in names],
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=SUGGEST_CUTOFF,
    )
    if found is None:
        return IGNORE, 0
    _name, score, position = found
    return names[position][1], round(score)


def choice_columns(lead_import: LeadImport) -> dict[str, str]:
    """{target: header} of the mapped choice columns, in the targets' order."""
    by_target = {target: header for header, target in lead_import.mapping.items()}
    return {t: by_target[t] for t in CHOICE_TARGETS if t in by_target}


def scan_values(
    lead_import: LeadImport, rows: Iterator[tuple[int, dict[str, str]]]
) -> dict[str, dict]:
    """One pass over the data rows (`files.data_rows`): per mapped choice column its distinct values (first
    spelling of each, in order of appearance) with the number of rows that have them,
    at most MAX_DISTINCT: {target: {"values": [[value, rows], …], "more": bool}}."""
    columns = choice_columns(lead_import)
    if not columns:
        return {}  # the rows are not even read
    found: dict[str, dict[str, list]] = {t: {} for t in columns}
    more = dict.fromkeys(columns, False)
    for _number, row in rows:
        for target, header in columns.items():
            seen = found[target]
            for value in split_values(target, row.get(header) or ""):
                entry = seen.get(value.casefold())
                if entry is not None:
                    entry[1] += 1
                elif len(seen) < MAX_DISTINCT:
                    seen[value.casefold()] = [value, 1]
                else:
                    more[target] = True
    return {t: {"values": list(found[t].values()), "more": more[t]} for t in columns}


def proposal(lead_import: LeadImport) -> list[dict]:
    """The value-mapping page: per mapped choice column its label, the options and per
    distinct value the preselected key (the stored mapping, else the suggestion); values
    without an exact match first."""
    sections = []
    stored = lead_import.value_mapping or {}
    for target, scanned in (lead_import.choice_values or {}).items():
        if target not in CHOICE_TARGETS:
            continue
        options = choices(target)
        valid = {choice.key for choice in options}
        rows = []
        for value, count in scanned["values"]:
            key, score = suggest(value, options)
            chosen = stored.get(target, {}).get(value, key)
            rows.append(
                {
                    "value": value,
                    "count": count,
                    "key": chosen if chosen in valid else IGNORE,
                    "score": score,
                    "exact": score == 100,
                }
            )
        rows.sort(key=lambda row: row["exact"])  # stable: the file's order within each group
        sections.append(
            {
                "target": target,
                "label": CHOICE_TARGETS[target],
                "header": choice_columns(lead_import).get(target, ""),
                "options": [(choice.key, choice.label) for choice in options],
                "rows": rows,
                "more": scanned["more"],
            }
        )
    return sections


def clean_value_mapping(lead_import: LeadImport, submitted: dict[str, dict[str, str]]) -> dict:
    """The submitted choices restricted to scanned values; a key that names no existing
    value is IGNORE. A value not submitted is left out (it resolves by its exact name):
    {target: {value: key or IGNORE}}."""
    cleaned: dict[str, dict[str, str]] = {}
    for target, scanned in (lead_import.choice_values or {}).items():
        wanted = submitted.get(target) or {}
        if target not in CHOICE_TARGETS or not wanted:
            continue
        valid = {choice.key for choice in choices(target)}
        cleaned[target] = {
            value: wanted[value] if wanted[value] in valid else IGNORE
            for value, _count in scanned["values"]
            if value in wanted
        }
    return cleaned


@dataclass
class Resolver:
    """Resolves one choice column's values while importing: the confirmed mapping first
    (a value mapped to IGNORE resolves to None), then the exact name."""

    target: str
    exact: dict[str, Any]
    mapped: dict[str, Any]  # casefolded value -> object, or None for "ignorieren"

    def resolve(self, value: str) -> tuple[Any, str]:
        """(object or None, German warning or "")."""
        key = value.casefold()
        label = CHOICE_TARGETS[self.target]
        if key in self.mapped:
            found = self.mapped[key]
            if found is None:
                return None, _("%(field)s „%(v)s“ ignoriert (Zuordnung „ignorieren“).") % {
                    "field": label,
                    "v": value,
                }
            return found, ""
        found = self.exact.get(key)
        if found is None:
            return None, _("%(field)s „%(v)s“ ist unbekannt und wurde ignoriert.") % {
                "field": label,
                "v": value,
            }
        return found, ""


def resolvers(lead_import: LeadImport) -> dict[str, Resolver]:
    """A Resolver per mapped choice column (one query each)."""
    out = {}
    stored = lead_import.value_mapping or {}
    for target in choice_columns(lead_import):
        options = choices(target)
        by_key = {choice.key: choice.obj for choice in options}
        exact = {name: choice.obj for name, choice in _exact_index(options).items()}
        mapped = {
            value.casefold(): by_key.get(key) if key != IGNORE else None
            for value, key in stored.get(target, {}).items()
        }
        out[target] = Resolver(target, exact, mapped)
    return out
