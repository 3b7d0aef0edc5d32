"""Which leads a bulk action on the list means: ticked rows or "alle N Treffer".

Ticked rows arrive as repeated `ids`; "alle Treffer" arrives as `all=1` plus the list's
querystring in `query`. The second is the *filter*, not a list of ids: it is stored as
such (in a job's params) and re-evaluated through the list's own `LeadFilter`, restricted
to `visible_leads(user)`, so it means the same rows the list shows at any table size
(the list pages by keyset and only ever counts up to `COUNT_LIMIT`).

Bad input never raises past this module: non-numeric or out-of-range ids are dropped, an
unreadable querystring is what `LeadFilter` makes of it (invalid filters are ignored,
exactly as on the list).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from leads.filters import LeadFilter
from leads.permissions import visible_leads
from leads.selectors import without_needless_distinct

IDS_MAX = 5000  # ticked rows per request (pages hold at most 100; this bounds the IN list)
QUERY_MAX = 4000  # characters of a list querystring
# list parameters that page or sort but never filter
NOT_FILTERS = ("cursor", "per", "sort", "columns", "view")


def _ids(values) -> list[int]:
    ids: list[int] = []
    seen: set[int] = set()
    for value in values:
        text = str(value).strip()
        if not text.isdecimal() or len(text) > 18:
            continue
        pk = int(text)
        if 0 < pk and pk not in seen:
            seen.add(pk)
            ids.append(pk)
        if len(ids) >= IDS_MAX:
            break
    return ids


def _getlist(data: Mapping[str, Any], key: str) -> list:
    if hasattr(data, "getlist"):
        return data.getlist(key)
    value = data.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def clean_query(query: str | None) -> str:
    """The list querystring without its paging/sort parameters (an all-matching selection
    is the filter, whatever page the user was on)."""
    params = QueryDict((query or "")[:QUERY_MAX].lstrip("?"), mutable=True)
    for key in NOT_FILTERS:
        params.pop(key, None)
    return params.urlencode()


def selection_spec(data: Mapping[str, Any]) -> dict:
    """The serialisable form of the selection in POST `data`: {"all": True, "query": …}
    or {"ids": [...]}. Stored in a job's params and read back by `leads_for_spec`."""
    if str(data.get("all", "")).strip() in ("1", "true", "on"):
        return {"all": True, "query": clean_query(data.get("query"))}
    return {"ids": _ids(_getlist(data, "ids"))}


def spec_is_empty(spec: dict) -> bool:
    return not spec.get("all") and not spec.get("ids")


def filter_for_query(user, query: str) -> LeadFilter:
    """The list's filter for `query`, over the leads `user` may see (the list does the same)."""
    data = QueryDict(query or "")
    return LeadFilter(data or None, queryset=visible_leads(user), user=user)


def leads_for_spec(user, spec: dict) -> QuerySet:
    """The leads a stored selection means for `user` (unordered)."""
    if spec.get("all"):
        filterset = filter_for_query(user, spec.get("query", ""))
        filterset.form.is_valid()  # invalid filters are ignored, as on the list
        return without_needless_distinct(filterset.qs).order_by()
    ids = _ids(spec.get("ids") or [])
    return visible_leads(user).filter(pk__in=ids).order_by()


def selected_leads(user, data: Mapping[str, Any]) -> QuerySet:
    """The leads a bulk request (`ids` repeated, or `all=1` + `query`) means for `user`."""
    return leads_for_spec(user, selection_spec(data))
