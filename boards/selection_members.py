"""The persons of a person selection, for the person board.

Dynamic selections are evaluated by the contacts app's search (`contacts.search`), the same
code the selection list uses. Until that module exists the board understands the one
criterion it is about, the lead status ("ist einer von" / "ist keiner von").
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from boards.models import Selection, SelectionKind
from contacts.models import Person


def selection_persons(selection: Selection) -> QuerySet[Person]:
    if selection.kind == SelectionKind.STATIC:
        return Person.objects.filter(pk__in=selection.persons.values("pk"))
    try:
        from contacts.search import selection_queryset
    except ImportError:
        return _lead_status_only(selection.criteria or [])
    return selection_queryset(selection)


def _values(criterion: dict[str, Any]) -> list[int]:
    raw = criterion.get("values", criterion.get("value", []))
    if not isinstance(raw, list | tuple):
        raw = [raw]
    return [int(v) for v in raw if str(v).isdigit()]


def _lead_status_only(criteria: list[dict[str, Any]]) -> QuerySet[Person]:
    persons = Person.objects.all()
    for criterion in criteria:
        if not isinstance(criterion, dict) or criterion.get("field") not in (
            "lead_status",
            "person.lead_status",
        ):
            continue
        values = _values(criterion)
        if criterion.get("op") in ("not_in", "none_of", "is_not"):
            persons = persons.exclude(lead_status__in=values)
        else:
            persons = persons.filter(lead_status__in=values)
    return persons
