"""Find [Suchen]: criteria builder for persons and companies, results with the column chooser."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import render

from accounts.permissions import role_required
from contacts import search, selectors
from contacts.views.common import decorate_persons, int_param, table_context


def criteria_rows(criteria: list[dict], extra: int = 1) -> list[dict]:
    """Rows for the criteria builder: the given criteria plus `extra` empty rows."""
    rows = []
    for index, crit in enumerate(criteria + [{"field": "", "op": "", "values": []}] * extra):
        field = search.FIELDS_BY_KEY.get(crit["field"])
        rows.append(
            {
                "index": index,
                "field": field,
                "op": crit["op"],
                "values": crit["values"],
                "ops": [(op, search.OPS[op]) for op in field.ops] if field else [],
                "options": search.choice_options(field.key)
                if field and field.kind == "choice"
                else [],
            }
        )
    return rows


@role_required()
def find(request):
    target = search.parse_target(request.GET.get("target"))
    criteria, errors = search.parse_criteria(request.GET)
    for error in errors:
        messages.warning(request, error)
    active = [c for c in criteria if c["values"]]
    query = urlencode([("target", target)] + search.criteria_to_query(active))
    key = "find_persons" if target == "person" else "find_companies"
    context = {
        "target": target,
        "targets": search.TARGETS,
        "field_groups": search.field_groups(),
        "rows": criteria_rows(criteria, extra=1),
        "described": search.describe(active),
        "criteria_query": query,
        "searched": bool(active) or request.GET.get("run") is not None,
        **table_context(request, key=key),
    }
    if context["searched"]:
        qs = search.apply_criteria(target, active)
        context["pager"] = selectors.page_of(qs, page=int_param(request.GET.get("page"), 1))
        if target == "person":
            decorate_persons(context["pager"]["rows"], context["columns"])
    template = "contacts/find.html"
    if request.htmx and request.htmx.target == "find-page":
        template += "#page"
    return render(request, template, context)
