"""System checks (Django checks framework) for settings that are unsafe in production."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

# the built-in development value of ANYMAIL_WEBHOOK_SECRET (leadcrm/settings.py)
DEV_WEBHOOK_SECRET = "dev-webhook:dev-secret"  # noqa: S105 (the value refused here)


@register()
def webhook_secret_check(app_configs=None, **kwargs):
    """Production (DEBUG=False) refuses the development webhook secret: anyone who read
    the source could post fake delivery events."""
    if settings.DEBUG:
        return []
    secret = (getattr(settings, "ANYMAIL", {}) or {}).get("WEBHOOK_SECRET", "")
    secrets = secret if isinstance(secret, list | tuple) else [secret]
    if DEV_WEBHOOK_SECRET in secrets or not any(secrets):
        return [
            Error(
                "ANYMAIL_WEBHOOK_SECRET is the built-in development value (or empty).",
                hint="Set ANYMAIL_WEBHOOK_SECRET to a random 'user:password' for production.",
                id="leadcrm.E001",
            )
        ]
    return []
