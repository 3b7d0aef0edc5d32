"""Per-token rate limit (LEADCRM_API_RATE, default 600/min) on the default cache (Redis in
production). DRF answers 429 with `Retry-After`. Requests without a valid token are refused
(401) before throttling; the address key is only a fallback. While the shared cache is
unreachable the limit is counted per process (neither a 500 nor no limit), as the web
form does."""

from __future__ import annotations

import logging

from django.core.cache.backends.locmem import LocMemCache
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken

log = logging.getLogger(__name__)
_FALLBACK_CACHE = LocMemCache("api-token-throttle", {"TIMEOUT": 3600})


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken):
            ident = f"t{token.pk}"
        else:
            ident = f"ip{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # redis.ConnectionError/TimeoutError: the cache is down
            log.warning("Rate-limit cache unreachable; counting API requests per process")
            self.cache = _FALLBACK_CACHE
            return super().allow_request(request, view)
