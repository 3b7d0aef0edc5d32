"""Error reports to Sentry, only when SENTRY_DSN is set (optional extra:
`pip install -r requirements-sentry.txt`; the Docker image with `--build-arg WITH_SENTRY=1`).

No personal data is sent (`send_default_pii=False`: no user e-mail, no cookies, no IP
address, no request bodies); the event carries the request id of the JSON logs as a tag
so a report and its log lines are found together. Expected refusals (403/404) are never
errors and are not reported.
"""

from __future__ import annotations

import structlog
from django.core.exceptions import ImproperlyConfigured


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    try:
        import sentry_sdk  # the optional extra
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError as exc:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: "
            "pip install -r requirements-sentry.txt"
        ) from exc
    if not 0.0 <= traces_sample_rate <= 1.0:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1.")
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=_with_request_id,
    )


def _with_request_id(event: dict, _hint: dict) -> dict:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
