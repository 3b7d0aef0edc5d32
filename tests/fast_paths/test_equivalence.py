"""Each Python-built fragment renders the same markup as its reference template.

The fast paths (leads/templatetags/lead_table.py,
contacts/templatetags/person_table.py, boards/templatetags/board_tags.py) were written to
replace a template; the templates in tests/fast_paths/templates/ say what that markup is.
Compared with Django's `parse_html` (assertHTMLEqual): whitespace between tags, attribute
order and entity spelling do not count, every element, attribute and text does.
"""

import datetime as dt

import pytest
from django.template import Context
from django.test.html import parse_html
from django.utils import timezone

from boards.templatetags.board_tags import lead_card
from contacts.selectors import PERSON_COLUMNS
from contacts.templatetags.person_table import person_cells
from leads.models import Lead
from leads.selectors import COLUMNS, list_queryset
from leads.templatetags.lead_table import lead_cells
from tests import factories as f
from tests.fast_paths import reference

pytestmark = pytest.mark.django_db

NASTY = "<b>&\"'Müller</b>"
TODAY = dt.date(2026, 11, 20)


def assert_same_html(python: str, template: str) -> None:
    assert parse_html(python) == parse_html(template), f"\npython:   {python}\ntemplate: {template}"


@pytest.fixture
def nasty_user():
    return f.UserFactory(username="nasty", first_name=NASTY, last_name="O'Brien")


# --------------------------------------------------------------------------- lead rows


def _full_lead(user) -> Lead:
    company = f.CompanyFactory(name=NASTY)
    return f.LeadFactory(
        company_name=NASTY,
        first_name="Ä<i>",
        last_name="O'Neil & Söhne",
        status=f.status("Kontaktiert"),
        source=f.source("Messe"),
        type=f.lead_type("MQL"),
        campaign=f.CampaignFactory(name=NASTY),
        follow_up_by=user,
        appointment_with=user,
        follow_up_until=TODAY - dt.timedelta(days=3),
        customer=company,
        city="Köln <Süd>",
        email="a&b@example.de",
        score=85,
    )


def _empty_lead() -> Lead:
    return f.LeadFactory(
        company_name="",
        first_name="",
        last_name="",
        city="",
        email="",
        phone="",
        score=0,
    )


LEAD_CASES = {
    "everything set, overdue": lambda user: _full_lead(user),
    "nothing set": lambda user: _empty_lead(),
    "follow-up today, mid score": lambda user: f.LeadFactory(
        follow_up_until=TODAY, score=45, last_name=NASTY
    ),
    "follow-up passed but terminal status": lambda user: f.LeadFactory(
        follow_up_until=TODAY - dt.timedelta(days=30), status=f.status("Konvertiert")
    ),
}


@pytest.mark.parametrize("case", LEAD_CASES)
def test_lead_cells_every_column(case, nasty_user):
    lead = list_queryset(Lead.objects.all()).get(pk=LEAD_CASES[case](nasty_user).pk)
    python = lead_cells(lead, COLUMNS, TODAY)
    assert python.count("<td") == len(COLUMNS)
    assert_same_html(
        python, reference.render("lead_cells", lead=lead, columns=COLUMNS, today=TODAY)
    )


@pytest.mark.parametrize("key", [c.key for c in COLUMNS])
def test_lead_cells_each_column_alone(key, nasty_user):
    lead = _full_lead(nasty_user)
    columns = [c for c in COLUMNS if c.key == key]
    python = lead_cells(lead, columns, TODAY)
    assert python.startswith("<td")
    assert_same_html(
        python, reference.render("lead_cells", lead=lead, columns=columns, today=TODAY)
    )


def test_lead_cells_timestamps_in_local_time():
    lead = f.LeadFactory()
    Lead.objects.filter(pk=lead.pk).update(
        created_at=dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)  # 01:30 CET, then DST
    )
    lead.refresh_from_db()
    columns = [c for c in COLUMNS if c.key in ("created", "updated")]
    python = lead_cells(lead, columns, TODAY)
    assert timezone.localtime(lead.created_at).strftime("%d.%m.%Y %H:%M") in python
    assert_same_html(
        python, reference.render("lead_cells", lead=lead, columns=columns, today=TODAY)
    )


# --------------------------------------------------------------------------- person rows


def _persons(user) -> list:
    with_status = f.PersonFactory(
        first_name=NASTY,
        company=f.CompanyFactory(name=NASTY),
        lead_status=f.status("Kontaktiert"),
        lead_status_changed_at=timezone.now(),
        owner=user,
        email="x&y@example.de",
    )
    hidden = f.PersonFactory(
        company=f.CompanyFactory(category=f.category("Kunde")), lead_status=f.status("Offen")
    )
    no_company = f.PersonFactory(company=None, function="", phone="", email="")
    no_names = f.PersonFactory(first_name="", last_name="", company=None)
    persons = [with_status, hidden, no_company, no_names]
    with_status.lead_sources = ["Messe", NASTY]
    hidden.lead_sources = []
    # no_company and no_names: the attribute missing, as on pages that do not attach it
    return persons


def test_person_cells_every_column(nasty_user):
    persons = _persons(nasty_user)
    assert not persons[1].lead_status_applicable  # the hidden-status case is really hidden
    for person in persons:
        python = person_cells(person, PERSON_COLUMNS)
        assert python.count("<td") == len(PERSON_COLUMNS)
        assert_same_html(python, reference.render("person_cells", p=person, columns=PERSON_COLUMNS))


@pytest.mark.parametrize("key", [c.key for c in PERSON_COLUMNS])
def test_person_cells_each_column_alone(key, nasty_user):
    columns = [c for c in PERSON_COLUMNS if c.key == key]
    for person in _persons(nasty_user):
        assert_same_html(
            person_cells(person, columns),
            reference.render("person_cells", p=person, columns=columns),
        )


# --------------------------------------------------------------------------- board cards

CARD_CONTEXTS = {
    "board": {
        "detail_url_name": "leads:detail",
        "csrf_token": "tok<&>",
        "board_url": "/b/?a=1&b=2",
    },
    "moved": {"placed": True, "from_status": 7, "csrf_token": "tok", "board_url": "/b/"},
    "no csrf": {"csrf_token": "NOTPROVIDED"},
    "bare": {},
}


@pytest.mark.parametrize("context_name", CARD_CONTEXTS)
@pytest.mark.parametrize("case", LEAD_CASES)
def test_lead_card(context_name, case, nasty_user):
    card = Lead.objects.for_board_cards().get(pk=LEAD_CASES[case](nasty_user).pk)
    statuses = [f.status("Offen"), f.status("Kontaktiert"), f.LeadStatusFactory(name=NASTY)]
    context = {"today": TODAY, "statuses": statuses, **CARD_CONTEXTS[context_name]}
    python = lead_card(Context(context), card)
    assert_same_html(python, reference.render("lead_card", card=card, **context))
