"""object_url() gives exactly what reverse() gives, for every one-id URL of the lists."""

import pytest
from django.urls import reverse, set_script_prefix

from ui.object_urls import object_url


@pytest.mark.parametrize(
    "name",
    ["leads:detail", "contacts:company_detail", "contacts:person_detail", "boards:lead_move"],
)
@pytest.mark.parametrize("pk", [1, 42, 987654321, 10**12])
def test_same_as_reverse(name, pk):
    assert object_url(name, pk) == reverse(name, args=[pk])


def test_follows_the_script_prefix():
    try:
        set_script_prefix("/crm/")
        assert object_url("leads:detail", 7) == reverse("leads:detail", args=[7])
        assert object_url("leads:detail", 7).startswith("/crm/")
    finally:
        set_script_prefix("/")
