"""Personal API tokens: made on the profile page, shown once, stored as a SHA-256 hash.

A token acts as its user (the same permission predicates decide), limited by its scope:
a read token cannot write. `last_used_at` is written at most once a minute per token, so
a busy integration does not turn every GET into an UPDATE.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, TokenScope

SECRET_PREFIX = "lcrm_"  # noqa: S105  # a marker, not a secret
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_TOKENS_PER_USER = 50


class TokenError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user, name: str, scope: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token and its secret (the only time the secret exists outside the client)."""
    name = (name or "").strip()
    if not name:
        raise TokenError(_("Bitte geben Sie dem Token einen Namen."), field="name")
    if scope not in TokenScope.values:
        raise TokenError(_("Unbekannte Berechtigung."), field="scope")
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError(_("Das Ablaufdatum muss in der Zukunft liegen."), field="expires_at")
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_TOKENS_PER_USER:
        raise TokenError(_("Sie haben bereits zu viele aktive Token."))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:80],
        prefix=secret[: len(SECRET_PREFIX) + 6],
        key_hash=hash_secret(secret),
        scope=scope,
        expires_at=expires_at,
    )
    return token, secret


def can_revoke_token(user, token: ApiToken) -> bool:
    """The owner revokes their own tokens; admins (staff) revoke every token."""
    return bool(user.is_authenticated and (token.user_id == user.pk or user.is_staff))


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user) -> ApiToken:
    if not can_revoke_token(user, token):
        raise TokenError(_("Sie dürfen dieses Token nicht widerrufen."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The usable token for `secret`, or None; notes its use (at most once a minute)."""
    if not secret or not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("user")
        .filter(key_hash=hash_secret(secret))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def user_tokens(user):
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-id")
