"""Person merge: relations move to the winner, the loser is deleted; version conflicts,
permissions (managers and staff) and constant queries of the merge page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from activities.models import Activity
from contacts.errors import ConflictError
from contacts.models import Person
from leads.models import ConsentRecord, LeadContact
from merge.persons import person_merge
from opportunities.models import Opportunity
from tests import factories as f


@pytest.mark.django_db
def test_merge_moves_relations_and_deletes_loser(manager):
    win = f.PersonFactory(first_name="Eva", last_name="Lang", email="")
    lose = f.PersonFactory(first_name="Eva", last_name="Lang", email="eva@example.com")
    shared_lead, own_lead = f.LeadFactory(), f.LeadFactory()
    LeadContact.objects.create(lead=shared_lead, person=win, is_main=False)
    LeadContact.objects.create(lead=shared_lead, person=lose, is_main=True)
    LeadContact.objects.create(lead=own_lead, person=lose, is_main=True)
    activity = f.ActivityFactory(person=lose)
    both = f.ActivityFactory()
    both.recipients.add(win, lose)
    selection = f.SelectionFactory()
    selection.persons.add(lose)
    opportunity = f.OpportunityFactory(person=lose)
    ConsentRecord.objects.create(person=lose, action="confirmed", email="eva@example.com")

    merged = person_merge(
        winner=win,
        loser=lose,
        user=manager,
        choices={"email": "loser"},
        winner_version=win.version,
        loser_version=lose.version,
    )

    assert not Person.objects.filter(pk=lose.pk).exists()
    assert merged.email == "eva@example.com"
    assert merged.version == win.version + 1
    assert LeadContact.objects.get(lead=shared_lead).person_id == win.pk
    assert LeadContact.objects.get(lead=shared_lead).is_main
    assert LeadContact.objects.get(lead=own_lead, person=win).is_main
    assert Activity.objects.get(pk=activity.pk).person_id == win.pk
    assert list(both.recipients.values_list("pk", flat=True)) == [win.pk]
    assert list(selection.persons.values_list("pk", flat=True)) == [win.pk]
    assert Opportunity.objects.get(pk=opportunity.pk).person_id == win.pk
    assert ConsentRecord.objects.filter(person=win).count() == 1


@pytest.mark.django_db
def test_stale_version_is_a_conflict(manager):
    win, lose = f.PersonFactory(), f.PersonFactory()
    with pytest.raises(ConflictError):
        person_merge(
            winner=win,
            loser=lose,
            user=manager,
            choices={},
            winner_version=win.version - 1,
            loser_version=lose.version,
        )
    assert Person.objects.filter(pk=lose.pk).exists()


@pytest.mark.django_db
def test_merge_view_flow(manager_client):
    win = f.PersonFactory(last_name="Brandt")
    lose = f.PersonFactory(last_name="Brandt", first_name=win.first_name)
    url = reverse("merge:person", args=[win.pk])
    assert f"?other={lose.pk}" in manager_client.get(url).content.decode()
    assert manager_client.get(url, {"other": "abc"}).status_code == 200
    page = manager_client.get(url, {"other": lose.pk})
    assert "Zusammenführen" in page.content.decode()
    response = manager_client.post(
        url,
        {
            "other": lose.pk,
            "confirm": "1",
            "winner_version": win.version,
            "loser_version": "x",
        },
    )
    assert response.status_code == 200  # German conflict message, no 500
    assert Person.objects.filter(pk=lose.pk).exists()
    response = manager_client.post(
        url,
        {
            "other": lose.pk,
            "confirm": "1",
            "winner_version": win.version,
            "loser_version": lose.version,
        },
    )
    assert response.status_code == 302
    assert not Person.objects.filter(pk=lose.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("client_fixture", "status"),
    [
        ("outsider_client", 403),
        ("rep_client", 403),
        ("marketing_client", 403),
        ("admin_client_staff", 200),
    ],
)
def test_merge_permissions(request, client_fixture, status):
    person = f.PersonFactory()
    client = request.getfixturevalue(client_fixture)
    assert client.get(reverse("merge:person", args=[person.pk])).status_code == status


@pytest.mark.parametrize("size", [2, 8])
@pytest.mark.django_db
def test_merge_page_query_count_constant(manager_client, django_assert_num_queries, size):
    person = f.PersonFactory(last_name="Schulz", first_name="Tim")
    for _ in range(size):
        f.PersonFactory(last_name="Schulz", first_name="Tim")
    other = f.PersonFactory(last_name="Schulz", first_name="Tim")
    url = reverse("merge:person", args=[person.pk])
    with django_assert_num_queries(PAGE_QUERIES):
        assert manager_client.get(url).status_code == 200
    with django_assert_num_queries(COMPARE_QUERIES):
        assert manager_client.get(url, {"other": other.pk}).status_code == 200


PAGE_QUERIES = 4
COMPARE_QUERIES = 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("client_fixture", "shown"), [("manager_client", True), ("rep_client", False)]
)
def test_person_page_links_the_merge_for_those_who_may(request, client_fixture, shown):
    person = f.PersonFactory()
    body = request.getfixturevalue(client_fixture).get(person.get_absolute_url()).content.decode()
    assert ('data-testid="person-merge"' in body) is shown
    assert (reverse("merge:person", args=[person.pk]) in body) is shown
