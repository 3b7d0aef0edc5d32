"""Criteria builder of the Find [Suchen] screen and of dynamic selections.

A criterion is a dict ``{"field": "person.lead_status", "op": "in", "values": ["3", "4"]}``;
a search is a target ("person" or "company") plus a list of criteria, all of which must hold.
Criteria travel in the querystring as ``c0_field``, ``c0_op``, ``c0_val`` (repeatable), …, so
reload and back work, and they are stored as JSON in ``boards.Selection.criteria``.

Parsing never raises: unknown fields, operators or values are dropped and reported as
German messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from contacts.models import Category, CategoryGroup, Company, LeadStatus, Person
from contacts.selectors import assignable_users
from ui.dates import in_sane_range

TARGETS = {"person": _("Personen"), "company": _("Firmen")}
MAX_CRITERIA = 12
MAX_TEXT = 100

OPS = {
    "in": _("ist einer von"),
    "not_in": _("ist keiner von"),
    "contains": _("enthält"),
    "after": _("nach"),
    "before": _("vor"),
}


@dataclass(frozen=True)
class Field:
    key: str
    group: Any  # label of the optgroup (Person, Firma, Lead)
    label: Any
    kind: str  # "choice", "text", "date"
    ops: tuple[str, ...]
    # lookup path per target; for "text" the lookups are OR-ed
    paths: dict[str, tuple[str, ...]]


FIELDS = [
    Field(
        "person.lead_status",
        _("Person"),
        _("Lead-Status"),
        "choice",
        ("in", "not_in"),
        {"person": ("lead_status",), "company": ("persons__lead_status",)},
    ),
    Field(
        "person.name",
        _("Person"),
        _("Name"),
        "text",
        ("contains",),
        {
            "person": ("first_name", "last_name"),
            "company": ("persons__first_name", "persons__last_name"),
        },
    ),
    Field(
        "person.email",
        _("Person"),
        _("E-Mail"),
        "text",
        ("contains",),
        {"person": ("email",), "company": ("persons__email",)},
    ),
    Field(
        "person.owner",
        _("Person"),
        _("Zuständig"),
        "choice",
        ("in", "not_in"),
        {"person": ("owner",), "company": ("persons__owner",)},
    ),
    Field(
        "person.created",
        _("Person"),
        _("Angelegt am"),
        "date",
        ("after", "before"),
        {"person": ("created_at",), "company": ("persons__created_at",)},
    ),
    Field(
        "company.category_group",
        _("Firma"),
        _("Kategoriengruppe"),
        "choice",
        ("in", "not_in"),
        {"person": ("company__category__group",), "company": ("category__group",)},
    ),
    Field(
        "company.category",
        _("Firma"),
        _("Kategorie"),
        "choice",
        ("in", "not_in"),
        {"person": ("company__category",), "company": ("category",)},
    ),
    Field(
        "company.name",
        _("Firma"),
        _("Name"),
        "text",
        ("contains",),
        {"person": ("company__name",), "company": ("name",)},
    ),
    Field(
        "company.owner",
        _("Firma"),
        _("Zuständig"),
        "choice",
        ("in", "not_in"),
        {"person": ("company__owner",), "company": ("owner",)},
    ),
    Field(
        "company.created",
        _("Firma"),
        _("Angelegt am"),
        "date",
        ("after", "before"),
        {"person": ("company__created_at",), "company": ("created_at",)},
    ),
    Field(
        "lead.utm_source",
        _("Lead"),
        _("UTM-Quelle"),
        "text",
        ("contains",),
        {"person": ("leads__utm_source",), "company": ("persons__leads__utm_source",)},
    ),
    Field(
        "lead.utm_medium",
        _("Lead"),
        _("UTM-Medium"),
        "text",
        ("contains",),
        {"person": ("leads__utm_medium",), "company": ("persons__leads__utm_medium",)},
    ),
    Field(
        "lead.utm_campaign",
        _("Lead"),
        _("UTM-Kampagne"),
        "text",
        ("contains",),
        {"person": ("leads__utm_campaign",), "company": ("persons__leads__utm_campaign",)},
    ),
]
FIELDS_BY_KEY = {f.key: f for f in FIELDS}


def choice_options(field_key: str) -> list[tuple[str, str]]:
    """(value, label) options of a choice field; values are strings like in the querystring."""

    if field_key == "person.lead_status":
        rows = [(s.pk, s.name) for s in LeadStatus.objects.all()]
    elif field_key == "company.category_group":
        rows = [(g.pk, g.name) for g in CategoryGroup.objects.all()]
    elif field_key == "company.category":
        rows = [(c.pk, c.name) for c in Category.objects.select_related("group")]
    elif field_key in ("person.owner", "company.owner"):
        rows = [(u.pk, str(u)) for u in assignable_users()]
    else:
        rows = []
    return [(str(pk), label) for pk, label in rows]


def field_groups() -> list[tuple[Any, list[Field]]]:
    groups: dict[str, tuple[Any, list[Field]]] = {}
    for f in FIELDS:
        groups.setdefault(str(f.group), (f.group, []))[1].append(f)
    return list(groups.values())


def parse_target(value: str | None) -> str:
    return value if value in TARGETS else "person"


def parse_criteria(params) -> tuple[list[dict], list[str]]:
    """Criteria from a QueryDict (c0_field, c0_op, c0_val…) plus German messages for bad ones."""
    criteria, errors = [], []
    indexes = sorted(
        {
            int(k[1:].split("_", 1)[0])
            for k in params
            if k.startswith("c") and k[1:2].isdecimal() and k[1:].split("_", 1)[0].isdecimal()
        }
    )[:MAX_CRITERIA]
    for i in indexes:
        raw = {
            "field": params.get(f"c{i}_field", ""),
            "op": params.get(f"c{i}_op", ""),
            "values": [v for v in params.getlist(f"c{i}_val") if v.strip()],
        }
        if not raw["field"]:
            continue
        crit, error = clean_criterion(raw)
        if error:
            errors.append(error)
        if crit:
            criteria.append(crit)
    return criteria, errors


def clean_criterion(raw: dict, *, check_options: bool = True) -> tuple[dict | None, str | None]:
    """Validate one criterion; returns (criterion or None, German error or None).

    `check_options=False` (evaluating stored criteria) only checks that choice values are
    ids: an id deleted since the selection was saved then simply matches nothing, instead of
    the criterion being dropped and the selection suddenly growing.
    """
    field = FIELDS_BY_KEY.get(str(raw.get("field", "")))
    if field is None:
        return None, str(_("Unbekanntes Suchfeld „%s“ wurde ignoriert.") % raw.get("field"))[:200]
    op = raw.get("op") or field.ops[0]
    if op not in field.ops:
        return None, str(
            _("Der Vergleich „%(op)s“ ist für „%(field)s“ nicht möglich.")
            % {"op": str(op)[:30], "field": field.label}
        )
    values = [str(v).strip() for v in raw.get("values") or [] if str(v).strip()]
    partial = {"field": field.key, "op": op, "values": []}
    if not values:
        # an incomplete row is kept in the form, but does not filter yet
        return partial, None
    if field.kind == "choice":
        if check_options:
            allowed = {v for v, _label in choice_options(field.key)}
            unknown = [v for v in values if v not in allowed]
        else:
            unknown = [v for v in values if not (v.isdecimal() and len(v) < 10)]
        if unknown:
            return partial, str(
                _("Ungültige Auswahl für „%(field)s“ wurde ignoriert.") % {"field": field.label}
            )
    elif field.kind == "text":
        values = values[:1]
        if len(values[0]) > MAX_TEXT:
            return partial, str(
                _("Der Suchtext für „%(field)s“ ist zu lang (höchstens %(max)d Zeichen).")
                % {"field": field.label, "max": MAX_TEXT}
            )
    elif field.kind == "date":
        values = values[:1]
        try:
            parsed = parse_date(values[0])
        except ValueError:
            parsed = None
        if parsed is None or not in_sane_range(parsed):
            return partial, str(
                _("„%(value)s“ ist kein gültiges Datum für „%(field)s“ (TT.MM.JJJJ).")
                % {"value": values[0][:20], "field": field.label}
            )
    return {"field": field.key, "op": op, "values": values}, None


def criteria_to_query(criteria: list[dict]) -> list[tuple[str, str]]:
    """The querystring pairs for `criteria` (the inverse of parse_criteria)."""
    pairs = []
    for i, crit in enumerate(criteria):
        pairs += [(f"c{i}_field", crit["field"]), (f"c{i}_op", crit["op"])]
        pairs += [(f"c{i}_val", v) for v in crit.get("values", [])]
    return pairs


def _q_for(field: Field, op: str, values: list[str], target: str) -> Q:
    paths = field.paths[target]
    if field.kind == "choice":
        return Q(**{f"{paths[0]}__in": [int(v) for v in values]})
    if field.kind == "text":
        q = Q()
        for path in paths:
            q |= Q(**{f"{path}__icontains": values[0]})
        return q
    day = parse_date(values[0])
    start = dt.datetime.combine(day, dt.time.min)
    from django.utils import timezone

    start = timezone.make_aware(start)
    if op == "after":
        return Q(**{f"{paths[0]}__gte": start + dt.timedelta(days=1)})
    return Q(**{f"{paths[0]}__lt": start})


def apply_criteria(target: str, criteria: list[dict]) -> QuerySet:
    """The persons or companies matching all criteria, with related rows loaded for a table.

    Criteria over to-many relations (leads, a company's persons) are applied to an inner
    queryset and joined back by primary key, so no row appears twice.
    """
    model = Person if target == "person" else Company
    inner = model.objects.all()
    for raw in criteria:
        crit, error = clean_criterion(raw, check_options=False)
        if error or not crit or not crit["values"]:
            continue
        field = FIELDS_BY_KEY[crit["field"]]
        q = _q_for(field, crit["op"], crit["values"], target)
        inner = inner.exclude(q) if crit["op"] == "not_in" else inner.filter(q)
    return model.objects.for_list().filter(pk__in=inner.values("pk"))


def describe(criteria: list[dict]) -> list[str]:
    """Human-readable German lines, e.g. "Person › Lead-Status ist einer von Qualifiziert"."""
    lines = []
    for crit in criteria:
        field = FIELDS_BY_KEY.get(crit.get("field"))
        if field is None or not crit.get("values"):
            continue
        if field.kind == "choice":
            labels = dict(choice_options(field.key))
            shown = ", ".join(labels.get(v, v) for v in crit["values"])
        else:
            shown = crit["values"][0]
        lines.append(f"{field.group} › {field.label} {OPS[crit['op']]} {shown}")
    return lines
