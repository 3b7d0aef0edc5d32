"""Each Python-built fragment renders the same markup as its reference template.

The fast paths (ui/templatetags/ui_forms.py, leads/templatetags/lead_table.py,
contacts/templatetags/person_table.py, boards/templatetags/board_tags.py) were written to
replace a template; the templates in tests/fast_paths/templates/ say what that markup is.
Compared with Django's `parse_html` (assertHTMLEqual): whitespace between tags, attribute
order and entity spelling do not count, every element, attribute and text does.
"""

import datetime as dt

import pytest
from django import forms
from django.template import Context
from django.test.html import parse_html
from django.utils import timezone, translation

from boards.templatetags.board_tags import lead_card
from contacts.selectors import PERSON_COLUMNS
from contacts.templatetags.person_table import person_cells
from leads.forms import LeadForm
from leads.models import Lead
from leads.selectors import COLUMNS, list_queryset
from leads.templatetags.lead_table import lead_cells
from tests import factories as f
from tests.fast_paths import reference
from ui.templatetags.ui_forms import form_field

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


def test_lead_cells_dates_in_the_readers_format():
    lead = f.LeadFactory(follow_up_until=dt.date(2026, 12, 24))
    columns = [c for c in COLUMNS if c.key in ("created", "follow_up_until")]
    with translation.override("en"):
        python = lead_cells(lead, columns, TODAY)
        assert "12/24/2026" in python
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


# who looks at the board: may move every card, only some (a rep: unassigned leads, not
# those of nasty_user), none (no user in the context)
VIEWERS = ["manager", "teammate", None]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("context_name", CARD_CONTEXTS)
@pytest.mark.parametrize("case", LEAD_CASES)
def test_lead_card(context_name, case, viewer, nasty_user, request):
    card = Lead.objects.for_board_cards().get(pk=LEAD_CASES[case](nasty_user).pk)
    statuses = [f.status("Offen"), f.status("Kontaktiert"), f.LeadStatusFactory(name=NASTY)]
    context = {"today": TODAY, "statuses": statuses, **CARD_CONTEXTS[context_name]}
    context["user"] = request.getfixturevalue(viewer) if viewer else None
    python = lead_card(Context(context), card)
    assert_same_html(python, reference.render("lead_card", card=card, **context))


# --------------------------------------------------------------------------- form fields


class EveryKind(forms.Form):
    name = forms.CharField(label=NASTY, help_text="Hilfe <i>kursiv</i>")
    email = forms.EmailField(label="E-Mail", required=False)
    flag = forms.BooleanField(label="Flag", required=True, help_text="Ankreuzen")
    optional_flag = forms.BooleanField(label="Flag", required=False)
    kind = forms.ChoiceField(label="Art", choices=[("", "—"), ("a", NASTY)])
    notes = forms.CharField(label="Notizen", widget=forms.Textarea, required=False)
    boxes = forms.MultipleChoiceField(
        label="Mehrere", choices=[("1", "Eins"), ("2", NASTY)], widget=forms.CheckboxSelectMultiple
    )


def _every_kind_forms():
    unbound = EveryKind()
    bound = EveryKind({"email": "kein-mail", "kind": "x", "notes": NASTY})
    bound.is_valid()
    bound.add_error("name", "<b>kaputt</b>")
    bound.add_error("name", "zweiter Fehler")
    no_ids = EveryKind({"email": "x"}, auto_id=False)
    no_ids.is_valid()
    return {"unbound": unbound, "bound with errors": bound, "auto_id off": no_ids}


@pytest.mark.parametrize("form_name", ["unbound", "bound with errors", "auto_id off"])
@pytest.mark.parametrize("field_name", list(EveryKind.base_fields))
def test_form_field_every_kind(form_name, field_name):
    field = _every_kind_forms()[form_name][field_name]
    assert_same_html(form_field(field), reference.render("form_field", field=field))


def test_form_field_lead_mask(rep):
    """Every field of the lead mask, empty, filled and after a failed submit."""
    lead = _full_lead(rep)
    bound = LeadForm({"company_name": NASTY, "email": "kein-mail"}, instance=lead, user=rep)
    bound.is_valid()
    for form in (LeadForm(user=rep), LeadForm(instance=lead, user=rep), bound):
        assert len(form.fields) > 30
        for name in form.fields:
            field = form[name]
            assert_same_html(form_field(field), reference.render("form_field", field=field))
