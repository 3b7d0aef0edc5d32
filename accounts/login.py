"""The login form: Django's, plus a limit per username across all addresses.

django-axes locks a username *per address* (AXES_LOCKOUT_PARAMETERS); password spraying
spreads the attempts over many addresses. This form also counts failed logins per
username in the cache, whatever the address, and refuses further attempts for that name
for the rest of the window once LOGIN_USERNAME_FAILURE_LIMIT (default 20 per hour) is
reached. The count is per name, so it does not reveal whether the account exists.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WINDOW_SECONDS = 3600


def _key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def failure_limit() -> int:
    return int(getattr(settings, "LOGIN_USERNAME_FAILURE_LIMIT", 20))


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "too_many": _(
            "Zu viele fehlgeschlagene Anmeldeversuche für diesen Benutzernamen. "
            "Bitte versuchen Sie es in einer Stunde erneut oder wenden Sie sich an "
            "Ihre Administration."
        ),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "")[:150]
        key = _key(username)
        if username and (cache.get(key) or 0) >= failure_limit():
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        try:
            return super().clean()
        except ValidationError:
            if username:
                if not cache.add(key, 1, WINDOW_SECONDS):
                    try:
                        cache.incr(key)
                    except ValueError:  # expired between add and incr
                        cache.add(key, 1, WINDOW_SECONDS)
            raise
