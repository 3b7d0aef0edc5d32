"""`object_url(name, pk)`: reverse() of a one-id URL, resolved once per URL name.

Lists and boards link every row (up to 100 per page) to its object; reverse() walks the
resolver each time. The URL is resolved once with a sentinel id and split around it; the
prefix and suffix are cached per name and script prefix.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse

_SENTINEL = "987654321"


@lru_cache(maxsize=128)
def _parts(name: str, script_prefix: str) -> tuple[str, str]:
    head, found, tail = reverse(name, args=[int(_SENTINEL)]).partition(_SENTINEL)
    if not found:  # pragma: no cover - a URL that does not contain its argument
        raise ValueError(f"{name} does not take one id")
    return head, tail


def object_url(name: str, pk: int) -> str:
    """Same as reverse(name, args=[pk]) for a URL with one integer argument."""
    head, tail = _parts(name, get_script_prefix())
    return f"{head}{int(pk)}{tail}"
