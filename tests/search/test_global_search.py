"""The navbar's global search (issue 16 point 4): groups, phone in any notation, bounds,
constant query count, the dropdown fragment, the navbar box, refusal of the outsider."""

from __future__ import annotations

import pytest
from django.urls import reverse

from search.selectors import global_search, normalise_phone
from tests import factories as f

HX = {"HTTP_HX_REQUEST": "true"}
URL = "/suche/"


@pytest.mark.parametrize(
    "text", ["0821 5990490", "08215990490", "+49 821 5990490", "+49 (0)821 599-04 90"]
)
def test_any_notation_normalises_to_e164(text):
    assert normalise_phone(text) == "+498215990490"


@pytest.mark.parametrize("text", ["Müller", "L-000123", "12", "info@firma.de"])
def test_words_are_not_phone_numbers(text):
    assert normalise_phone(text) is None


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["0821 5990490", "08215990490", "+49 821 5990490"])
def test_phone_in_any_notation_finds_the_same_lead_and_person(rep, text):
    lead = f.LeadFactory(phone="+498215990490", company_name="Solar Schwaben GmbH")
    f.LeadFactory(phone="+498215990491")
    person = f.PersonFactory(mobile="+498215990490")
    groups = {g.key: g.rows for g in global_search(text, user=rep)}
    assert groups["leads"] == [lead]
    assert groups["persons"] == [person]


@pytest.mark.django_db
def test_groups_by_number_name_and_email(rep):
    lead = f.LeadFactory(company_name="Windpark Nordheide", email="kontakt@nordheide-wind.de")
    company = f.CompanyFactory(name="Nordheide Energie AG")
    person = f.PersonFactory(last_name="Nordheider", email="p.nordheider@example.de")
    activity = f.ActivityFactory(subject="Rückruf Nordheide")
    opportunity = f.OpportunityFactory(title="Angebot Nordheide Dach")
    groups = {g.key: g.rows for g in global_search("nordheide", user=rep)}
    assert groups == {
        "leads": [lead],
        "companies": [company],
        "persons": [person],
        "activities": [activity],
        "opportunities": [opportunity],
    }
    assert [g.rows for g in global_search(lead.number, user=rep) if g.key == "leads"] == [[lead]]
    by_mail = global_search("kontakt@nordheide-wind.de", user=rep)
    assert by_mail[0].rows == [lead]


@pytest.mark.django_db
def test_groups_are_bounded(rep):
    for _ in range(7):
        f.LeadFactory(company_name="Gleichname Solar")
    (group,) = global_search("Gleichname", user=rep, limit=5)
    assert len(group.rows) == 5 and group.more


@pytest.mark.django_db
def test_query_count_constant(rep_client, django_assert_max_num_queries):
    counts = []
    for size in (2, 30):
        for _ in range(size):
            f.LeadFactory(company_name=f"Mengen Test {size}")
            f.PersonFactory(last_name=f"Mengen{size}")
        with django_assert_max_num_queries(12) as captured:
            response = rep_client.get(URL, {"q": "Mengen"})
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[1] <= counts[0]


@pytest.mark.django_db
def test_dropdown_fragment_and_page(rep_client):
    lead = f.LeadFactory(company_name="Fragment Solar KG")
    fragment = rep_client.get(URL, {"q": "Fragment", "dropdown": "1"}, **HX).content.decode()
    assert "<html" not in fragment and 'id="search-panel"' in fragment
    assert reverse("leads:detail", args=[lead.pk]) in fragment
    assert "Alle Treffer anzeigen" in fragment
    page = rep_client.get(URL, {"q": "Fragment"}).content.decode()
    assert "<html" in page and reverse("leads:detail", args=[lead.pk]) in page


@pytest.mark.django_db
def test_navbar_has_the_box_for_users_with_a_role(rep_client, outsider_client):
    html = rep_client.get(reverse("leads:list")).content.decode()
    assert 'id="global-search"' in html and "js/search.js" in html
    assert outsider_client.get(URL, {"q": "abc"}).status_code == 403
