"""Person board of a dynamic person selection: columns by person lead status."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.models import SelectionTarget
from contacts.models import Person
from tests.factories import CompanyFactory, PersonFactory, SelectionFactory, category, status

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def selection(rep):
    return SelectionFactory(owner=rep, target=SelectionTarget.PERSON, name="Offene Interessenten")


def _prospect(**kwargs):
    return PersonFactory(company=CompanyFactory(category=category("Lead")), **kwargs)


def _board(client, selection, **params):
    return client.get(reverse("boards:selection_board", args=[selection.pk]), params)


def test_columns_by_lead_status_without_inapplicable_persons(rep_client, selection):
    _prospect(last_name="Interessiert", lead_status=status("Offen"))
    _prospect(last_name="Qualifizierer", lead_status=status("Qualifiziert"))
    customer_company = CompanyFactory(category=category("Kunde"))
    PersonFactory(company=customer_company, last_name="Kundenmensch", lead_status=status("Offen"))
    response = _board(rep_client, selection)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Interessiert" in body and "Qualifizierer" in body
    assert "Kundenmensch" not in body  # status kept but not applicable: not shown
    counts = {c.status.name: c.count for c in response.context["columns"]}
    assert counts["Offen"] == 1 and counts["Qualifiziert"] == 1


def test_criteria_of_the_selection_apply(rep_client, rep):
    selection = SelectionFactory(
        owner=rep,
        target=SelectionTarget.PERSON,
        criteria=[{"field": "person.lead_status", "op": "in", "values": [str(status("Offen").pk)]}],
    )
    _prospect(last_name="Drin", lead_status=status("Offen"))
    _prospect(last_name="Draussen", lead_status=status("Qualifiziert"))
    body = _board(rep_client, selection).content.decode()
    assert "Drin" in body and "Draussen" not in body


def test_move_person_through_the_service(rep_client, selection):
    person = _prospect(lead_status=status("Offen"))
    target = status("Kontaktaufnahme")
    url = reverse("boards:selection_person_move", args=[selection.pk, person.pk])
    response = rep_client.post(
        url,
        {"status": target.pk, "version": person.version, "from_status": person.lead_status_id},
        **HX,
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.lead_status == target
    assert person.version == 2
    assert f'data-status-id="{target.pk}"' in response.content.decode()


def test_stale_person_move_is_refused(rep_client, selection):
    person = _prospect(lead_status=status("Offen"))
    Person.objects.filter(pk=person.pk).update(version=4)
    url = reverse("boards:selection_person_move", args=[selection.pk, person.pk])
    response = rep_client.post(url, {"status": status("Qualifiziert").pk, "version": 1}, **HX)
    person.refresh_from_db()
    assert person.lead_status.name == "Offen"
    assert 'class="alert alert-danger' in response.content.decode()


def test_person_move_without_js_redirects(rep_client, selection):
    person = _prospect(lead_status=status("Offen"))
    url = reverse("boards:selection_person_move", args=[selection.pk, person.pk])
    response = rep_client.post(url, {"status": status("Qualifiziert").pk, "version": 1})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.lead_status.name == "Qualifiziert"


def test_inapplicable_person_cannot_be_moved(rep_client, selection):
    person = PersonFactory(
        company=CompanyFactory(category=category("Kunde")), lead_status=status("Offen")
    )
    url = reverse("boards:selection_person_move", args=[selection.pk, person.pk])
    assert rep_client.post(url, {"status": status("Qualifiziert").pk}).status_code == 404


def test_private_selection_of_someone_else_is_not_found(teammate_client, selection):
    assert _board(teammate_client, selection).status_code == 404


def test_lead_selection_has_no_person_board(rep_client, rep):
    selection = SelectionFactory(owner=rep, target=SelectionTarget.LEAD)
    assert _board(rep_client, selection).status_code == 404


def test_outsider_is_refused(outsider_client, selection):
    assert _board(outsider_client, selection).status_code == 403
    more = reverse("boards:selection_board_more", args=[selection.pk, status("Offen").pk])
    assert outsider_client.get(more).status_code == 403
    person = _prospect(lead_status=status("Offen"))
    move = reverse("boards:selection_person_move", args=[selection.pk, person.pk])
    assert outsider_client.post(move, {"status": status("Offen").pk}).status_code == 403


def test_more_pages(rep_client, selection):
    for _i in range(23):
        _prospect(lead_status=status("Offen"))
    column = next(
        c for c in _board(rep_client, selection).context["columns"] if c.status.name == "Offen"
    )
    assert column.count == 23 and len(column.cards) == 20
    more = rep_client.get(column.more_url, **HX).content.decode()
    assert more.count('id="card-person-') == 3


def test_query_count_does_not_grow(rep_client, selection):
    for i in range(6):
        _prospect(lead_status=status(["Offen", "Qualifiziert"][i % 2]))
    url = reverse("boards:selection_board", args=[selection.pk])
    rep_client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            rep_client.get(url)
        return len(ctx.captured_queries)

    small = count()
    for i in range(40):  # same columns filled: one page query per non-empty column
        _prospect(lead_status=status(["Offen", "Qualifiziert"][i % 2]))
    assert count() == small
