"""Junk POSTs (and GET query strings) to every URL of the product, as a manager: no 500.

The forms themselves are fuzzed field by field in test_fuzz_forms.py; this sweep catches
endpoints without a visible form (column choosers, moves, previews, htmx actions) and
parameters a view reads directly from request.GET/POST. The URL list and the objects come
from the access matrix, so a new view is swept automatically.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.leadcrm.test_fuzz_forms import FUZZ, junk
from tests.leadcrm.test_security_access import NOT_ALLOWED, SPEC, world  # noqa: F401 (fixture)

KEYS = [
    "status", "version", "next", "q", "page", "sort", "columns", "target", "kind", "name",
    "pk", "id", "lead", "person", "company", "template", "mode", "step", "state", "format",
    "from_status", "shared", "c0_field", "c0_op", "c0_val", "cursor", "expanded", "period",
    "csrfmiddlewaretoken", "interests", "source", "type", "follow_up_by", "value",
]  # fmt: skip

params = st.dictionaries(
    st.sampled_from(KEYS),
    st.one_of(junk, st.lists(junk, max_size=3)).map(
        lambda v: (
            [x.encode("utf-8", "replace").decode() for x in v]
            if isinstance(v, list)
            else v.encode("utf-8", "replace").decode()
        )
    ),
    max_size=6,
)


@pytest.mark.parametrize("name", sorted(SPEC))
def test_junk_to_every_endpoint(name, world):  # noqa: F811 (the imported fixture)
    rule = SPEC[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    client = Client()
    client.force_login(world["users"]["manager"])
    methods = [m for m, r in (("GET", rule.get), ("POST", rule.post)) if r != NOT_ALLOWED]
    if name == "logout":  # would end the session of the sweep
        return

    @settings(FUZZ, max_examples=3)
    @given(data=params, method=st.sampled_from(methods))
    def check(data, method):
        with transaction.atomic():
            if method == "GET":
                response = client.get(url, data)
            else:
                response = client.post(url, data)
            transaction.set_rollback(True)
        assert response.status_code < 500, (method, url, data, response.status_code)

    check()
