"""Read-replica routing state (used by leadcrm.db_router, set by a few read-heavy views).

`reads_from_replica` marks a view whose reads tolerate a few seconds of replication lag
(dashboard, exports, search, API list endpoints). Inside it the router sends reads to the
"replica" alias — until the request writes: from the first write on, every read of the
request goes to the primary again (read-your-writes). Without a "replica" alias in
DATABASES (no DATABASE_REPLICA_URL) nothing changes.

The state lives in a contextvar, so threads and async tasks never share it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any

REPLICA_ALIAS = "replica"

# None: outside a replica-reading block; a dict {"wrote": bool} inside one.
_state: contextvars.ContextVar[dict[str, bool] | None] = contextvars.ContextVar(
    "leadcrm_replica_reads", default=None
)


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside the block may go to the replica (until the first write)."""
    token = _state.set({"wrote": False})
    try:
        yield
    finally:
        _state.reset(token)


def reads_from_replica(view: Callable[..., Any]) -> Callable[..., Any]:
    """View decorator: the view's reads may be served by the replica (see module doc)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


def replica_allowed() -> bool:
    """True inside `replica_reads` while no write has happened in it."""
    state = _state.get()
    return state is not None and not state["wrote"]


def note_write() -> None:
    """Called by the router on every write: later reads go to the primary."""
    state = _state.get()
    if state is not None:
        state["wrote"] = True


def enter_replica_reads() -> contextvars.Token:
    """`replica_reads` for code that cannot use a with block (DRF's initial/finalize)."""
    return _state.set({"wrote": False})


def leave_replica_reads(token: contextvars.Token) -> None:
    _state.reset(token)
