"""Issue 19, point 1: dates bounded to 1900–2200 everywhere, and the 500s of the fuzzing
report (Unicode digits, NUL bytes, crafted cursors, huge page numbers, 9999-12-31 in
Suchen). The sweep over every view is tests/leadcrm/test_fuzz_params.py."""

import base64
import datetime as dt
import json

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from activities.forms import ActivityForm
from activities.models import Activity
from leads.models import Lead
from tests.factories import ActivityFactory, CompanyFactory, LeadFactory, PersonFactory
from ui.dates import SaneDateField, parse_sane_date, validate_sane_date

pytestmark = pytest.mark.django_db

YEAR_ONE = dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Lead, "planned_start", YEAR_ONE),
        (Lead, "planned_end", dt.datetime(9999, 12, 31, tzinfo=dt.UTC)),
        (Lead, "follow_up_until", dt.date(1, 1, 1)),
        (Lead, "next_appointment", dt.date(2201, 1, 1)),
        (Activity, "start", YEAR_ONE),
        (Activity, "end", dt.datetime(9999, 12, 31, tzinfo=dt.UTC)),
    ],
)
def test_the_database_refuses_dates_it_could_not_give_back(model, field, value):
    """A row written by code (no form) with year 1 used to break its pages and the export."""
    row = LeadFactory() if model is Lead else ActivityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: value})


def test_bounds_are_inclusive():
    lead = LeadFactory()
    Lead.objects.filter(pk=lead.pk).update(
        follow_up_until=dt.date(1900, 1, 1), next_appointment=dt.date(2200, 12, 31)
    )
    validate_sane_date(dt.date(1900, 1, 1))
    assert parse_sane_date("2200-12-31") == dt.date(2200, 12, 31)
    assert parse_sane_date("9999-12-31") is None and parse_sane_date("²") is None


def test_activity_form_refuses_year_one_with_a_message(rep):
    form = ActivityForm(
        data={"kind": "task", "subject": "Rückruf", "start": "0001-01-01T10:00", "status": "open"}
    )
    assert not form.is_valid()
    assert "zwischen 1900 und 2200" in str(form.errors)


def test_filter_date_field_refuses_year_9999():
    field = SaneDateField(required=False)
    with pytest.raises(Exception, match="1900"):
        field.clean("9999-12-31")


def test_lead_list_date_filters_ignore_out_of_range_dates(rep_client):
    LeadFactory()
    response = rep_client.get(
        reverse("leads:list"), {"created_from": "0001-01-01", "updated_to": "9999-12-31"}
    )
    assert response.status_code == 200


def test_suchen_with_year_9999_explains_itself(rep_client):
    PersonFactory()
    response = rep_client.get(
        reverse("contacts:find"),
        {"target": "person", "c0_field": "created", "c0_op": "after", "c0_val": "9999-12-31"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("digits", ["²", "¹²³", "٣", "１２"])
def test_unicode_digits_in_id_parameters(digits, rep_client):
    """`"²".isdigit()` is True but `int("²")` raises: these answered 500."""
    lead = LeadFactory()
    company = CompanyFactory()
    for url, params in [
        (reverse("activities:create"), {"lead": digits, "person": digits, "company": digits}),
        (reverse("activities:subarea"), {"person": digits, "company": digits}),
        (reverse("boards:lead_board"), {"expand": digits}),
        (reverse("contacts:company_detail", args=[company.pk]), {"ls": digits}),
        (reverse("leads:list"), {"status": digits}),
        (reverse("opportunities:list"), {"page": digits}),
        (reverse("leads:detail", args=[lead.pk]), {"x": digits}),
    ]:
        assert rep_client.get(url, params).status_code < 500, url


def test_nul_bytes_in_search_parameters(rep_client):
    """PostgreSQL refuses NUL in text comparisons: every search answered 500."""
    for name, params in [
        ("contacts:company_list", {"q": "a\x00b"}),
        ("contacts:person_list", {"q": "\x00"}),
        ("leads:company_search", {"company_q": "x\x00"}),
        ("leads:person_search", {"person_q": "x\x00"}),
        ("contacts:company_options", {"company_q": "\x00"}),
    ]:
        assert rep_client.get(reverse(name), params).status_code == 200, name


def _cursor(value, pk, direction="after"):
    return base64.urlsafe_b64encode(json.dumps([value, pk, direction]).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor(None, 2**64),
        _cursor(2**70, 1),
        _cursor("x", -5),
        "9999999999999999999.1",
        "1." + "9" * 30,
        "!!!",
    ],
)
def test_crafted_paging_cursors(cursor, rep_client):
    LeadFactory()
    assert rep_client.get(reverse("leads:list"), {"cursor": cursor}).status_code == 200
    board = rep_client.get(
        reverse("boards:lead_board_more", args=[LeadFactory().status_id]), {"after": cursor}
    )
    assert board.status_code == 200


def test_page_numbers_beyond_bigint(rep_client):
    ActivityFactory()
    for name in ("activities:list", "contacts:company_list", "opportunities:list"):
        response = rep_client.get(reverse(name), {"page": str(2**64)})
        assert response.status_code == 200, name


def test_next_parameter_is_never_followed_off_site(rep_client):
    activity = ActivityFactory(created_by=None)
    url = reverse("activities:done", args=[activity.pk])
    for target in ("abc", "//evil.example", "https://evil.example/", "javascript:alert(1)"):
        response = rep_client.post(url, {"next": target})
        assert response.status_code < 500
        assert "evil.example" not in response.get("Location", "")


def test_timezone_edge_is_inside_the_range():
    """A datetime at the edge in local time stays inside the UTC constraint."""
    value = timezone.make_aware(dt.datetime(2200, 12, 31, 12, 0))
    validate_sane_date(value)
