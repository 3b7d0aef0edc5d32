"""Delivery tracking from the ESP through anymail's own webhook views.

anymail validates the request (basic auth with ANYMAIL["WEBHOOK_SECRET"], refusing a
forged one with 400), parses the ESP's payload into AnymailTrackingEvents and sends the
`tracking` signal; the receiver below only hands each event to the service.
"""

from __future__ import annotations

import functools
import logging

from anymail import urls as anymail_urls
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest
from django.urls import URLPattern, path

from activities.services import activity_record_delivery

logger = logging.getLogger(__name__)
# what anymail's parsers raise on a body of the wrong shape (JSONDecodeError is a ValueError)
MALFORMED = (ValueError, KeyError, TypeError, AttributeError, IndexError)


def on_tracking(sender, event, esp_name, **kwargs) -> None:
    activity_record_delivery(event)


def anymail_webhook_patterns() -> list[URLPattern]:
    """anymail's tracking webhook URLs, opened to the ESP (no login; anymail authenticates).

    Only the ESPs named in settings.ANYMAIL_TRACKING_ESPS are routed: the others may need
    packages or signing secrets this installation does not have, and would answer 500.
    """
    esps = tuple(f"{esp}/tracking/" for esp in settings.ANYMAIL_TRACKING_ESPS)
    patterns = []
    for pattern in anymail_urls.urlpatterns:
        if not str(pattern.pattern).endswith(esps):
            continue
        patterns.append(
            path(
                str(pattern.pattern),
                login_not_required(tolerant_webhook(pattern.callback)),
                name=pattern.name,
            )
        )
    return patterns


def tolerant_webhook(view):
    """A body anymail cannot parse (not JSON, wrong shape) after a valid secret is the
    ESP's problem, not a server error: 400 instead of 500. anymail checks the secret
    before it parses, so a forged request still gets its own refusal."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except MALFORMED as exc:
            logger.warning("malformed webhook body on %s: %r", request.path, exc)
            return HttpResponseBadRequest("malformed webhook payload")

    return wrapped
