"""anymail's inbound webhook views for the ESPs named in settings.ANYMAIL_INBOUND_ESPS."""

from __future__ import annotations

from anymail import urls as anymail_urls
from django.conf import settings


def inbound_webhook_patterns() -> list[dict]:
    names = {f"{esp}_inbound_webhook" for esp in settings.ANYMAIL_INBOUND_ESPS}
    found = []
    for pattern in anymail_urls.urlpatterns:
        if pattern.name not in names:
            continue
        route = str(pattern.pattern).lstrip("^").rstrip("$")
        if "(" in route:  # mailgun's r"^mailgun/inbound(_mime)?/$": both spellings
            base = route.split("(")[0]
            found.append({"route": f"{base}/", "view": pattern.callback, "name": pattern.name})
            found.append(
                {"route": f"{base}_mime/", "view": pattern.callback, "name": pattern.name + "_mime"}
            )
            continue
        found.append({"route": route, "view": pattern.callback, "name": pattern.name})
    return found
