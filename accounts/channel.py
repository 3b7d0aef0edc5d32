"""Which channel a write comes through, for the history: the UI (nothing set) or the API
with a named token. The API's authentication sets it for the request; the lead history
(leads/services/history.py) stores the token name next to the version tag and shows
"über die API (Tokenname)". A context variable, so it ends with the request (or task).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from ui.history import API_REASON

_api_token_name: ContextVar[str | None] = ContextVar("api_token_name", default=None)


@contextmanager
def through_api(token_name: str) -> Iterator[None]:
    reset = _api_token_name.set(token_name)
    try:
        yield
    finally:
        _api_token_name.reset(reset)


def enter_api(token_name: str) -> Token:
    """For a view's start/end hooks (DRF `initial`/`finalize_response`); pair with leave_api."""
    return _api_token_name.set(token_name)


def leave_api(reset: Token) -> None:
    _api_token_name.reset(reset)


def api_token_name() -> str | None:
    return _api_token_name.get()


def tag_historical_record(sender, history_instance, **kwargs) -> None:
    """django-simple-history's `pre_create_historical_record`: a record written during an
    API request names the token in its change reason (persons, companies, opportunities;
    the lead's own version tag already carries it). Plumbing like simple-history's request
    middleware, no business rule: it only copies the request's channel onto the record."""
    name = api_token_name()
    reason = history_instance.history_change_reason or ""
    if name and API_REASON not in reason:
        history_instance.history_change_reason = f"{reason};{API_REASON}{name}"[:100].lstrip(";")
