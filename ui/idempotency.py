"""Idempotency tokens for create forms: a double submit makes one record.

A create form carries a signed random token in a hidden field (``submission.field``). On
POST the view claims the token before it creates anything; the claim is an atomic
``cache.add`` (Redis and locmem both guarantee it), held for 24 hours. The first POST stores
the URL of the record it created under the token, so a second POST with the same token is
redirected there with "Bereits gespeichert." instead of creating a twin. A POST that fails
(validation or domain error) releases its claim so the corrected form can be sent again.

The cache, not a table, holds the claims: a token only has to outlive a double click or a
resent form, and with the cache unreachable the form still saves (without the guard) rather
than answering 500.
"""

from __future__ import annotations

import logging
import secrets

from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FIELD_NAME = "idempotency_token"
TIMEOUT_SECONDS = 24 * 60 * 60
_SALT = "leadcrm.idempotency"
_PENDING = "pending"


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT)


class Submission:
    """One create form's token: render ``field``, then ``claim`` → ``done`` or ``release``."""

    def __init__(self, request: HttpRequest, *, scope: str) -> None:
        self.request = request
        self._key: str | None = None
        self._claimed = False
        posted = request.POST.get(FIELD_NAME, "") if request.method == "POST" else ""
        value = None
        if posted:
            try:
                value = _signer().unsign(posted)
            except signing.BadSignature:
                value = None
        if value is None:
            self.token = _signer().sign(secrets.token_urlsafe(18))
        else:
            # a re-rendered form keeps its token, so the corrected submit is still guarded
            self.token = posted
            self._key = f"idempotency:{scope}:{request.user.pk}:{value}"

    @property
    def field(self) -> SafeString:
        return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, self.token)

    def claim(self, *, fallback_url: str) -> HttpResponse | None:
        """Claim the posted token; a redirect when it was claimed before, else None."""
        if self._key is None:
            return None
        try:
            if cache.add(self._key, _PENDING, TIMEOUT_SECONDS):
                self._claimed = True
                return None
            url = cache.get(self._key)
        except Exception:  # the cache is down: save without the guard rather than fail
            logger.warning("idempotency cache unavailable", exc_info=True)
            return None
        messages.info(self.request, _("Bereits gespeichert."))
        # the first submit is still running when no URL is stored yet
        return redirect(url if url and url != _PENDING else fallback_url)

    def done(self, url: str) -> None:
        """Remember the created record's URL for a repeated submit."""
        if self._claimed:
            self._write(url)

    def release(self) -> None:
        """The submit created nothing: the same token may be sent again."""
        if self._claimed:
            self._claimed = False
            try:
                cache.delete(self._key)
            except Exception:  # the cache is down: the claim expires on its own
                logger.warning("idempotency cache unavailable", exc_info=True)

    def _write(self, url: str) -> None:
        try:
            cache.set(self._key, url, TIMEOUT_SECONDS)
        except Exception:  # the cache is down: a repeat lands on the list instead
            logger.warning("idempotency cache unavailable", exc_info=True)
