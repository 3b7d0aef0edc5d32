"""Per-request log context: `request_id`, `user_id` and `ip` on every log line of the
request (leadcrm/logging_config.py renders them), and one `request_finished` line with
method, path, status and duration.

The request id comes from the proxy's `X-Request-ID` when it is a plausible token (so one
id follows a request through nginx and the app), else a new one; it is sent back in the
response's `X-Request-ID` so a user's error report can be found in the logs.
"""

from __future__ import annotations

import re
import time
import uuid

import structlog

from ui.client_ip import client_ip

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
logger = structlog.get_logger("leadcrm.request")


def request_id_for(header: str) -> str:
    """The proxy's id when it is a safe token (no spaces, no markup, bounded), else new."""
    return header if _REQUEST_ID.match(header) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Place after AuthenticationMiddleware (the user id is bound once the user is known)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        structlog.contextvars.clear_contextvars()
        request_id = request_id_for(request.headers.get("X-Request-ID", ""))
        request.request_id = request_id
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        structlog.contextvars.bind_contextvars(
            request_id=request_id, user_id=user_id, ip=client_ip(request)
        )
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        logger.info(
            "request_finished",
            method=request.method,
            path=request.path,
            status_code=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        # The context stays bound until the next request clears it: Django logs a 404
        # ("Not Found") after the middleware chain has returned.
        return response
