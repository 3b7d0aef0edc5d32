"""A bad-value corpus over every GET parameter of every view, for every working role: no 5xx.

The URL list comes from the access matrix (a new view is swept automatically). For each
view the parameters are the generic ones every view might read (paging, cursors, `next`,
sorting, filters) plus the names of the fields its own page renders (the filter forms).
Each request sends one bad value in several parameters at once; the corpus covers dates at
both ends of the calendar, Unicode digits, NUL bytes, huge numbers, crafted cursors,
open redirects and arrays. The run reports how many requests and values it sent.

Bounded: FUZZ_PARAM_STRIDE (default 3) samples every third request of a full pass;
FUZZ_PARAM_STRIDE=1 sends the full pass.
"""

from __future__ import annotations

import os
import re
import time

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.leadcrm.test_security_access import NOT_ALLOWED, SPEC, world  # noqa: F401 (fixture)

STRIDE = int(os.environ.get("FUZZ_PARAM_STRIDE", "3"))

GENERIC_KEYS = [
    "page", "per", "cursor", "after", "next", "q", "sort", "columns", "target", "kind",
    "status", "lead", "person", "company", "customer", "main_contact", "category", "ls",
    "tab", "group", "expand", "format", "period", "run", "thumb", "full", "type", "source",
    "c0_field", "c0_op", "c0_val", "company_q", "person_q", "from", "to", "date_from",
    "date_to", "start", "end", "follow_up_until_after", "follow_up_until_before",
    "created_after", "created_before", "owner", "follow_up_by", "interests", "campaign",
    "phase", "score_min", "score_max", "done", "mine",
]  # fmt: skip

CORPUS = [
    "²", "¹²³", "٣", "１２", "𝟙𝟚", "Ⅻ", "½",
    "\x00", "1\x00", "a\x00b", "%00",
    "0", "-1", "-0", "+1", " 1 ", "1.5", "1e308", "1e-308", "NaN", "inf", "-inf",
    str(2**31), str(2**63 - 1), str(2**63), str(2**64), "-" + str(2**63 + 1), "9" * 40,
    "9999-12-31", "0001-01-01", "0000-00-00", "10000-01-01", "2026-02-30", "31.12.9999",
    "01.01.0001", "9999-12-31T23:59:59", "0001-01-01 00:00", "1899-12-31", "2201-01-01",
    "-2026-01-01", "2026-13-01", "25:61",
    "abc", "", " ", "null", "true", "[]", "{}", '{"a": [1]}',
    "next=abc", "//evil.example", "https://evil.example/", "javascript:alert(1)",
    "/\\evil.example", "\r\nSet-Cookie: a=b", "%0d%0a",
    "eyJhIjogMX0", "abc:def", "MTpmb28=", "Zm9vOmJhcjpiYXo", "1:2:3", "-1:-1", "²:²",
    "9999999999999999999:1", "1:" + "9" * 30, "!!!", "a" * 5000,
    "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "\ud7ff", "\ufffd",
    "\u202e", "Ä" * 200,
]  # fmt: skip

ROLES = ("rep", "marketing", "manager")
_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)

TOTALS = {"requests": 0, "values": 0, "errors": 0}


def _get_urls() -> list[str]:
    return sorted(
        name
        for name, rule in SPEC.items()
        if rule.get != NOT_ALLOWED and name not in ("logout", "set_language")
    )


def _page_keys(client: Client, url: str) -> list[str]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    names = set(_NAME.findall(response.content.decode("utf-8", "replace")))
    return sorted(names - {"csrfmiddlewaretoken"})


def _requests(keys: list[str]):
    """Request i puts CORPUS[i + j] into key j, so every value meets every key over the
    pass; every fourth request sends the values as arrays. STRIDE > 1 samples the pass."""
    n = len(CORPUS)
    for i in range(0, n, STRIDE):
        if i % 4 == 3:
            yield {key: [CORPUS[(i + j) % n], "1"] for j, key in enumerate(keys)}
        else:
            yield {key: CORPUS[(i + j) % n] for j, key in enumerate(keys)}


def _why(response) -> str:
    info = getattr(response, "exc_info", None)
    return repr(info[1])[:200] if info else ""


def _short(params: dict) -> dict:
    return {k: (str(v)[:40]) for k, v in list(params.items())[:3]}


@pytest.mark.parametrize("name", _get_urls())
def test_bad_values_in_every_get_parameter(name, world):  # noqa: F811 (the imported fixture)
    rule = SPEC[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    failures = []
    started = time.monotonic()
    clients = {}
    for role in ROLES:
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(world["users"][role])
    keys = sorted(set(GENERIC_KEYS) | set(_page_keys(clients["manager"], url)))
    for index, params in enumerate(_requests(keys)):
        role = ROLES[index % len(ROLES)]
        with transaction.atomic():
            response = clients[role].get(url, params)
            transaction.set_rollback(True)
        TOTALS["requests"] += 1
        TOTALS["values"] += len(params)
        if response.status_code >= 500:
            TOTALS["errors"] += 1
            failures.append((role, response.status_code, _why(response), _short(params)))
    print(f"{name}: {time.monotonic() - started:.1f}s, totals {TOTALS}")
    assert not failures, (url, failures[:3], len(failures))
