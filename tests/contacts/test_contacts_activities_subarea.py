"""Person and company cards: activities come from the activities sub-area (links, new button,
further recipients) and the category group is shown only when it differs from the category."""

import pytest
from django.urls import reverse

from contacts.models import Category, CategoryGroup
from tests.factories import ActivityFactory, CompanyFactory, PersonFactory, category

pytestmark = pytest.mark.django_db


def test_person_card_loads_subarea_with_fallback_link_and_new_button(rep_client):
    person = PersonFactory()
    html = rep_client.get(reverse("contacts:person_detail", args=[person.pk])).content.decode()
    subarea = f"{reverse('activities:subarea')}?person={person.pk}"
    assert f'hx-get="{subarea}"' in html and 'hx-trigger="load"' in html
    assert f'href="{subarea}"' in html
    assert f'href="{reverse("activities:create")}?person={person.pk}"' in html
    assert "Neue Aktivität" in html


def test_person_subarea_lists_own_and_recipient_activities_with_links(rep_client):
    person = PersonFactory()
    own = ActivityFactory(person=person, subject="Eigener Anruf")
    cc = ActivityFactory(person=None, company=None, subject="Als weiterer Empfänger")
    cc.recipients.add(person)
    other = ActivityFactory(subject="Fremde Aktivität")
    html = rep_client.get(
        reverse("activities:subarea"), {"person": person.pk}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Eigener Anruf" in html and "Als weiterer Empfänger" in html
    assert "Fremde Aktivität" not in html
    for activity in (own, cc):
        assert f'href="{reverse("activities:detail", args=[activity.pk])}"' in html
    assert other.subject not in html
    assert "Neue Aktivität" in html


def test_company_activities_tab_loads_subarea(rep_client):
    company = CompanyFactory()
    html = rep_client.get(
        reverse("contacts:company_detail", args=[company.pk]), {"tab": "activities"}
    ).content.decode()
    subarea = f"{reverse('activities:subarea')}?company={company.pk}"
    assert f'hx-get="{subarea}"' in html
    assert f'href="{reverse("activities:create")}?company={company.pk}"' in html


def test_category_group_shown_only_when_it_differs(rep_client):
    group = CategoryGroup.objects.create(name="Stammkunde")
    same = Category.objects.create(name="Stammkunde", group=group)
    company = CompanyFactory(category=same)
    person = PersonFactory(company=company)
    company_html = rep_client.get(
        reverse("contacts:company_detail", args=[company.pk])
    ).content.decode()
    person_html = rep_client.get(
        reverse("contacts:person_detail", args=[person.pk])
    ).content.decode()
    for html in (company_html, person_html):
        assert "Stammkunde" in html
        assert "· Stammkunde" not in html

    other = CompanyFactory(category=category("Lead"))
    group_name = other.category.group.name
    assert group_name != other.category.name
    html = rep_client.get(reverse("contacts:company_detail", args=[other.pk])).content.decode()
    assert f"· {group_name}" in html
