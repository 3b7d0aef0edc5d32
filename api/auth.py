"""`Authorization: Bearer <token>` with a personal API token (accounts/tokens.py).

The only authentication of the API: a browser session does not authorise API calls, so
the API needs no CSRF protection and a stolen session cookie cannot drive it. The docs
page and the schema are ordinary logged-in pages (api/views/docs.py).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from accounts.tokens import api_token_authenticate

KEYWORD = "Bearer"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Ungültiger Authorization-Header."))
        try:
            secret = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Ungültiger Authorization-Header.")) from exc
        token = api_token_authenticate(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("Das Token ist ungültig, abgelaufen oder widerrufen.")
            )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'
