"""Small helpers the contacts views share (safe parsing of query parameters)."""

from __future__ import annotations

from django.utils.http import url_has_allowed_host_and_scheme

from contacts import selectors


def int_param(value, default: int | None = None) -> int | None:
    """An int from a query parameter, or `default` for anything else (never raises)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return number if 0 < number < 2**31 else default


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def table_context(request, *, key: str) -> dict:
    """Columns the user chose for list `key` plus what the column chooser needs."""
    available, _default = selectors.LIST_COLUMNS[key]
    columns = selectors.columns_for(user=request.user, key=key)
    chosen = {c.key for c in columns}
    return {
        "columns": columns,
        "column_key": key,
        "column_choices": [(c, c.key in chosen) for c in available],
        "column_next": request.get_full_path(),
        "base_query": query_without_page(request),
    }


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def decorate_persons(persons: list, columns) -> list:
    """Load what the chosen columns need beyond the row itself (one query per column)."""
    if any(c.key == "lead_source" for c in columns):
        selectors.attach_lead_sources(persons)
    return persons
