"""`esc(value)`: HTML escaping for the fragments built in Python (the fast paths).

Same result as `django.utils.html.conditional_escape` — safe strings pass through, anything
else is escaped — without its lazy-argument wrapper, which costs more than the escaping when
a board card or a form field calls it dozens of times. The one escaping helper of the
project: the form renderer, the field tag and the board cards use it.
"""

from __future__ import annotations

from html import escape as _escape


def esc(value) -> str:
    """conditional_escape(value) as a plain str."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))
