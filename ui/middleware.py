"""Response headers every authenticated page gets."""

from __future__ import annotations

from django.utils.cache import patch_cache_control


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a logged-in user that did
    not set its own: pages with personal data must not stay in shared or browser caches
    (back button after logout, proxies). Static files (whitenoise) answer before this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _without_nul(data):
    if not any("\x00" in value for values in data.lists() for value in values[1]) and not any(
        "\x00" in key for key in data
    ):
        return data
    clean = data.copy()  # mutable
    for key in list(clean):
        values = [value.replace("\x00", "") for value in data.getlist(key)]
        del clean[key]
        clean.setlist(key.replace("\x00", ""), values)
    clean._mutable = False
    return clean


class StripNulMiddleware:
    """Remove NUL characters from query and form values before any view reads them.

    No text a person types contains U+0000, and PostgreSQL refuses it in every text
    column and comparison (a search for "a\\x00b" answered 500). Form fields refuse it
    with a message already; this covers the parameters views read directly."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _without_nul(request.GET)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The ESP webhooks (anymail) read the raw body themselves: parsing the form here
        # first would make `request.body` unreadable for them (SendGrid inbound).
        if getattr(view_func, "__module__", "").startswith("anymail."):
            return None
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            request.POST = _without_nul(request.POST)
        return None
