"""Per-visitor rate limits of the public capture doors: the web form and the JSON capture.

One bucket per visitor (the address behind TRUSTED_PROXY_COUNT proxies; for IPv6 its /64,
what one connection usually gets, as django-ratelimit's own `ip` key does), every window
counted on every POST so a flood cannot slip between them. On the shared cache (Redis);
while it is unreachable, counted in this process instead — neither a 500 nor an
unthrottled door.
"""

from __future__ import annotations

import ipaddress
import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from ui.client_ip import client_ip

RATES = ("5/m", "50/h")
log = logging.getLogger(__name__)
_FALLBACK_COUNTER = LocMemCache("capture-ratelimit", {"TIMEOUT": 3600})
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def visitor_ip(request: HttpRequest) -> str | None:
    """The visitor's address, also behind TRUSTED_PROXY_COUNT proxies; None if it is not
    an IP address (a proxy header we cannot store in an IP field)."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def rate_limit_key(group: str, request: HttpRequest) -> str:
    """The visitor's bucket: the address, for IPv6 its /64."""
    ip = visitor_ip(request)
    if ip is None:
        return "-"
    if ipaddress.ip_address(ip).version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return ip


def visitor_limited(request: HttpRequest, *, group: str) -> bool:
    """Whether this POST exceeds one of RATES for the visitor in `group`."""
    try:
        return _limited_shared(request, group)
    except Exception:  # redis.ConnectionError/TimeoutError: the cache is down
        log.warning("Rate-limit cache unreachable; counting %s posts per process", group)
        return _limited_locally(request, group)


def _limited_shared(request: HttpRequest, group: str) -> bool:
    limited = False
    for rate in RATES:
        limited = (
            is_ratelimited(
                request, group=group, key=rate_limit_key, rate=rate, method="POST", increment=True
            )
            or limited
        )
    return limited


def _limited_locally(request: HttpRequest, group: str) -> bool:
    ip, now, limited = rate_limit_key(group, request), int(time.time()), False
    for rate in RATES:
        count, unit = rate.split("/")
        seconds = _SECONDS[unit]
        key = f"{group}:{ip}:{rate}:{now // seconds}"
        _FALLBACK_COUNTER.add(key, 0, seconds)
        limited = _FALLBACK_COUNTER.incr(key) > int(count) or limited
    return limited
