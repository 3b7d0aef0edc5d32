"""The token API's own access matrix: every /api/v1/ resource URL answers 401 (JSON, in
the error shape) without a token and to a logged-in browser session, and 403 to a token of
a user without a role. The URL list is walked from the URLconf, so a new route is covered."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.api.conftest import token_client
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

PAGES = {"api:schema", "api:docs", "api:capture"}


def _api_names(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _api_names(entry.url_patterns, full)
        elif isinstance(entry, URLPattern) and namespace == "api" and entry.name:
            name = f"api:{entry.name}"
            if name not in PAGES:
                yield name, entry


def _url(name: str, pattern, pk: int) -> str:
    kwargs = {key: pk for key in pattern.pattern.regex.groupindex}
    return reverse(name, kwargs=kwargs)


def test_there_are_api_routes():
    names = {name for name, _ in _api_names()}
    assert {"api:lead-list", "api:lead-detail", "api:notification-mark-read"} <= names


def test_every_api_url_refuses_without_a_token(client, rep_client, outsider):
    lead = LeadFactory()
    outsider_api = token_client(outsider)
    for name, pattern in _api_names():
        url = _url(name, pattern, lead.pk)
        for method in ("get", "post"):
            for who, c in (("anonymous", client), ("session", rep_client)):
                response = getattr(c, method)(url)
                assert response.status_code == 401, (name, method, who, response.status_code)
                assert response.json()["error"]["code"] == "not_authenticated"
            refused = getattr(outsider_api, method)(url)
            assert refused.status_code in (403, 405), (name, method, refused.status_code)
