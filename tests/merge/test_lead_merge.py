"""Merge two leads: per-field choice, related rows move, loser kept as a stub."""

import pytest
from django.urls import reverse

from leads.errors import ConflictError, LeadError
from leads.models import ConsentAction, ConsentRecord, Lead, LeadContact, LeadStatusChange
from merge.leads import differing_fields, lead_merge
from tests.factories import ActivityFactory, LeadFactory, OpportunityFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(rep):
    winner = LeadFactory(
        company_name="Müller Energie GmbH",
        city="",
        phone="+49 89 1234567",
        follow_up_by=rep,
        interests=["Windkraft"],
    )
    loser = LeadFactory(
        company_name="Mueller Energie",
        city="München",
        phone="+49 89 7654321",
        follow_up_by=rep,
        interests=["Photovoltaik"],
    )
    return winner, loser


@pytest.mark.smoke
def test_merge_moves_everything_and_keeps_stub(pair, rep):
    winner, loser = pair
    activity = ActivityFactory()
    loser.activities.add(activity)
    person = PersonFactory()
    LeadContact.objects.create(lead=loser, person=person, is_main=True)
    main = PersonFactory()
    LeadContact.objects.create(lead=winner, person=main, is_main=True)
    ConsentRecord.objects.create(lead=loser, action=ConsentAction.CONFIRMED, email="x@y.de")
    LeadStatusChange.objects.create(lead=loser, to_status=loser.status, changed_at=loser.created_at)
    opportunity = OpportunityFactory(lead=loser)
    merged = lead_merge(
        winner=winner,
        loser=loser,
        user=rep,
        choices={"city": "loser", "phone": "winner", "company_name": "winner"},
        winner_version=winner.version,
        loser_version=loser.version,
    )
    assert merged.city == "München"
    assert merged.phone.as_e164 == "+49891234567"
    assert merged.company_name == "Müller Energie GmbH"
    assert activity in merged.activities.all()
    assert {i.name for i in merged.interests.all()} == {"Windkraft", "Photovoltaik"}
    links = {link.person_id: link.is_main for link in LeadContact.objects.filter(lead=merged)}
    assert links == {main.pk: True, person.pk: False}
    assert ConsentRecord.objects.get().lead == merged
    assert LeadStatusChange.objects.filter(lead=loser).count() == 0
    opportunity.refresh_from_db()
    assert opportunity.lead == merged
    loser.refresh_from_db()
    assert loser.merged_into == merged
    assert loser not in Lead.objects.active()
    assert merged in Lead.objects.active()


def test_differing_fields_default_keeps_non_empty(pair):
    winner, loser = pair
    rows = {r["name"]: r for r in differing_fields(winner, loser)}
    assert rows["city"]["default"] == "loser"  # winner's city is empty
    assert rows["company_name"]["default"] == "winner"


def test_refusals(pair, rep, teammate):
    winner, loser = pair
    with pytest.raises(LeadError):
        lead_merge(
            winner=winner, loser=winner, user=rep, choices={}, winner_version=1, loser_version=1
        )
    with pytest.raises(ConflictError):
        lead_merge(
            winner=winner,
            loser=loser,
            user=rep,
            choices={},
            winner_version=winner.version - 1,
            loser_version=loser.version,
        )
    with pytest.raises(LeadError):
        lead_merge(
            winner=winner,
            loser=loser,
            user=teammate,
            choices={},
            winner_version=winner.version,
            loser_version=loser.version,
        )
    lead_merge(
        winner=winner,
        loser=loser,
        user=rep,
        choices={},
        winner_version=winner.version,
        loser_version=loser.version,
    )
    loser.refresh_from_db()
    with pytest.raises(LeadError):
        lead_merge(
            winner=winner,
            loser=loser,
            user=rep,
            choices={},
            winner_version=winner.version + 1,
            loser_version=loser.version,
        )


def test_merge_view(rep_client, pair):
    winner, loser = pair
    url = reverse("merge:lead", args=[winner.pk])
    pick = rep_client.get(url)
    assert loser.number in pick.content.decode()  # suggested as duplicate (company name)
    compare = rep_client.get(url, {"other": loser.number})
    html = compare.content.decode()
    assert 'name="f_city"' in html and "München" in html
    response = rep_client.post(
        url,
        {
            "other": loser.pk,
            "confirm": "1",
            "f_city": "loser",
            "f_phone": "winner",
            "winner_version": winner.version,
            "loser_version": loser.version,
        },
    )
    assert response.status_code == 302
    winner.refresh_from_db()
    assert winner.city == "München"


def test_merge_view_refused(outsider_client, teammate_client, pair):
    winner, _loser = pair
    url = reverse("merge:lead", args=[winner.pk])
    assert outsider_client.get(url).status_code == 403
    assert teammate_client.get(url).status_code == 403


def test_merge_view_query_count(rep_client, pair, django_assert_max_num_queries):
    winner, loser = pair
    url = reverse("merge:lead", args=[winner.pk])
    with django_assert_max_num_queries(15):
        rep_client.get(url, {"other": loser.pk})
    for _i in range(10):
        LeadFactory(company_name="Müller Energie AG")
    with django_assert_max_num_queries(15):
        rep_client.get(url, {"other": loser.pk})


@pytest.mark.parametrize("version", ["", "abc"])
def test_merge_view_with_a_broken_version_is_refused_not_an_error(rep_client, pair, version):
    winner, loser = pair
    response = rep_client.post(
        reverse("merge:lead", args=[winner.pk]),
        {"other": loser.pk, "confirm": "1", "winner_version": version, "loser_version": 1},
    )
    assert response.status_code == 200
    assert "inzwischen" in response.content.decode()  # the conflict message
    loser.refresh_from_db()
    assert loser.merged_into_id is None


def test_merge_form_posts_back_to_the_merge_page(rep_client, pair):
    winner, loser = pair
    url = reverse("merge:lead", args=[winner.pk])
    html = rep_client.get(url, {"other": loser.pk}).content.decode()
    assert f'<form method="post" action="{url}">' in html
    assert f'name="winner_version" value="{winner.version}"' in html
