"""Lead mask views: create, edit, locking conflict, permissions, bad input, queries."""

import pytest
from django.urls import reverse

from contacts.models import Person
from leads.models import AssignmentRule, ConsentRecord, Lead, LeadContact, ScoringCriterion
from leads.services.lead import lead_create, lead_update
from tests import factories as f
from tests.factories.leads import lead_data


def _form_data(lead=None, **overrides):
    """A complete, valid POST for the mask."""
    data = {
        "company_name": "Windpark Nord GmbH",
        "salutation": "Frau",
        "first_name": "Eva",
        "last_name": "Sommer",
        "status": str(f.default_status().pk),
        "source": str(f.source("Messe").pk),
        "type": "",
        "campaign": "",
        "appointment_with": "",
        "follow_up_by": "",
        "follow_up_until": "",
        "planned_start": "",
        "planned_end": "",
        "function": "Geschäftsführerin",
        "street": "Hafenstraße 1",
        "postal_code": "24103",
        "city": "Kiel",
        "country": "DE",
        "phone": "",
        "email": "eva.sommer@windpark-nord.de",
        "website": "",
        "next_appointment": "",
        "notes": "",
        "customer": "",
        "main_contact": "",
    }
    if lead is not None:
        data["version"] = str(lead.version)
        data["status"] = str(lead.status_id)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _criterion(name):
    return ScoringCriterion.objects.get(name=name)


@pytest.mark.smoke
@pytest.mark.django_db
def test_rep_creates_lead_with_ratings_and_interests(rep, rep_client):
    influence = _criterion("Einfluss")
    option = influence.options.get(points=100)
    data = _form_data(
        **{f"rating_{influence.pk}": str(option.pk)},
        interests=[str(f.interest("Windkraft").pk), str(f.interest("Photovoltaik").pk)],
        send_info_material="on",
    )
    response = rep_client.post(reverse("leads:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    lead = Lead.objects.get(company_name="Windpark Nord GmbH")
    assert response["Location"] == reverse("leads:detail", args=[lead.pk])
    assert lead.created_by == rep
    assert lead.send_info_material is True
    assert lead.score == round((100 * 3 + 80 * 1) / 14)
    assert set(lead.interests.values_list("name", flat=True)) == {"Windkraft", "Photovoltaik"}
    page = rep_client.get(response["Location"])
    assert page.status_code == 200
    assert lead.number in page.content.decode()


@pytest.mark.django_db
def test_create_form_renders_sections(rep_client):
    response = rep_client.get(reverse("leads:create"))
    html = response.content.decode()
    assert response.status_code == 200
    for section in (
        "Allgemeine Informationen",
        "Organisation und Zuständigkeiten",
        "Detailinformationen",
        "Bewertung des Leadpotenzials",
        "Interessensschwerpunkte",
        "Folgeaktionen und Sonstiges",
    ):
        assert section in html
    assert "Einfluss" in html and "Volumen" in html
    assert f'name="rating_{_criterion("Quelle").pk}"' not in html  # source criterion = Quelle


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "keine-mail"}, "email", "gültige E-Mail"),
        ({"company_name": "x" * 500}, "company_name", "höchstens 200 Zeichen"),
        ({"status": "999999"}, "status", "Auswahl"),
        ({"source": "abc"}, "source", "Auswahl"),
        ({"customer": "424242"}, "customer", "Auswahl"),
        ({"follow_up_until": "31.02.2026"}, "follow_up_until", "Datum"),
        (
            {"planned_start": "2026-05-02T10:00", "planned_end": "2026-05-01T10:00"},
            "planned_end",
            "Termin bis",
        ),
        ({"interests": ["77777"]}, "interests", "Auswahl"),
        ({"phone": "123"}, "phone", "Telefonnummer"),
    ],
)
@pytest.mark.django_db
def test_bad_input_gives_german_form_error_not_500(rep_client, overrides, field, message):
    response = rep_client.post(reverse("leads:create"), _form_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    errors = (
        form.errors.get(field or "__all__", [])
        if field
        else [e for errs in form.errors.values() for e in errs]
    )
    assert any(message in str(e) for e in errors), form.errors
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_tampered_rating_option_is_refused(rep_client):
    influence = _criterion("Einfluss")
    other = _criterion("Volumen").options.first()
    response = rep_client.post(
        reverse("leads:create"), _form_data(**{f"rating_{influence.pk}": str(other.pk)})
    )
    assert response.status_code == 200
    assert f"rating_{influence.pk}" in response.context["form"].errors


@pytest.mark.django_db
def test_converted_status_cannot_be_chosen_in_mask(rep_client):
    response = rep_client.post(
        reverse("leads:create"), _form_data(status=str(f.status("Konvertiert").pk))
    )
    assert response.status_code == 200
    assert "status" in response.context["form"].errors


@pytest.mark.smoke
@pytest.mark.django_db
def test_conflict_keeps_input_and_names_other_user(rep, teammate, rep_client):
    lead = lead_create(data={**lead_data(), "company_name": "Alt GmbH"}, user=rep).lead
    opened_version = lead.version
    lead_update(
        lead=lead,
        data={"company_name": "Teammate GmbH"},
        user=teammate,
        expected_version=opened_version,
    )
    data = _form_data(lead, notes="Meine wichtige Notiz", city="Lübeck")
    data["version"] = str(opened_version)
    response = rep_client.post(reverse("leads:detail", args=[lead.pk]), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Jonas Keller" in html
    assert "Unternehmen" in html
    assert "Meine wichtige Notiz" in html and "Lübeck" in html
    # the hidden version now allows a deliberate second save
    assert f'name="version" value="{opened_version + 1}"' in html
    lead.refresh_from_db()
    assert lead.company_name == "Teammate GmbH" and lead.notes == ""
    data["version"] = str(opened_version + 1)
    response = rep_client.post(reverse("leads:detail", args=[lead.pk]), data)
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.notes == "Meine wichtige Notiz"


@pytest.mark.django_db
def test_mask_shows_stored_interests_and_ratings_so_a_save_keeps_them(rep, rep_client):
    influence = _criterion("Einfluss")
    option = influence.options.get(points=60)
    windkraft = f.interest("Windkraft")
    lead = lead_create(
        data=lead_data(), user=rep, interests=[windkraft], ratings={influence.pk: option.pk}
    ).lead
    response = rep_client.get(reverse("leads:detail", args=[lead.pk]))
    form = response.context["form"]
    assert list(form["interests"].value()) == [windkraft.pk]
    assert form[f"rating_{influence.pk}"].value() == option.pk
    html = response.content.decode()
    assert f'value="{windkraft.pk}"' in html and "checked" in html


@pytest.mark.django_db
def test_edit_sets_main_contact_and_customer(rep, rep_client):
    lead = lead_create(data=lead_data(), user=rep).lead
    person = f.PersonFactory()
    company = person.company or f.CompanyFactory()
    response = rep_client.post(
        reverse("leads:detail", args=[lead.pk]),
        _form_data(lead, main_contact=str(person.pk), customer=str(company.pk)),
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.customer == company
    assert LeadContact.objects.get(lead=lead, is_main=True).person == person
    html = rep_client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert person.last_name in html


@pytest.mark.django_db
def test_rep_cannot_edit_teammates_lead(rep, teammate, rep_client):
    lead = lead_create(data={**lead_data(), "follow_up_by": teammate}, user=teammate).lead
    response = rep_client.get(reverse("leads:detail", args=[lead.pk]))
    assert response.status_code == 200
    assert "nicht bearbeiten" in response.content.decode()
    response = rep_client.post(reverse("leads:detail", args=[lead.pk]), _form_data(lead))
    assert response.status_code == 403


@pytest.mark.django_db
def test_marketing_cannot_change_status_of_others_lead(rep, marketing, marketing_client):
    AssignmentRule.objects.update(active=False)  # no default distribution: stays unassigned
    lead = lead_create(data=lead_data(), user=rep).lead  # unassigned, created by the rep
    data = _form_data(lead, status=str(f.status("Qualifiziert").pk))
    response = marketing_client.post(reverse("leads:detail", args=[lead.pk]), data)
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status.is_default


@pytest.mark.django_db
def test_outsider_refused_on_every_view(rep, outsider_client):
    lead = lead_create(data=lead_data(), user=rep).lead
    urls = [
        ("get", reverse("leads:list")),
        ("get", reverse("leads:create")),
        ("post", reverse("leads:create")),
        ("get", reverse("leads:detail", args=[lead.pk])),
        ("post", reverse("leads:detail", args=[lead.pk])),
        ("get", reverse("leads:history", args=[lead.pk])),
        ("get", reverse("leads:business_card", args=[lead.pk])),
        ("post", reverse("leads:score_preview")),
        ("get", reverse("leads:company_search") + "?q=a"),
        ("get", reverse("leads:person_search") + "?q=a"),
        ("get", reverse("leads:export")),
        ("post", reverse("leads:columns")),
        ("get", reverse("leads:delete", args=[lead.pk])),
        ("post", reverse("leads:delete", args=[lead.pk])),
    ]
    for method, url in urls:
        response = getattr(outsider_client, method)(url)
        assert response.status_code == 403, url


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, rep):
    lead = lead_create(data=lead_data(), user=rep).lead
    response = client.get(reverse("leads:detail", args=[lead.pk]))
    assert response.status_code == 302 and "/anmelden/" in response["Location"]


@pytest.mark.django_db
def test_unknown_lead_is_404(rep_client):
    assert rep_client.get(reverse("leads:detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_score_preview_returns_fragment_with_breakdown(rep_client):
    influence = _criterion("Einfluss")
    option = influence.options.get(points=100)
    response = rep_client.post(
        reverse("leads:score_preview"),
        {f"rating_{influence.pk}": option.pk, "source": f.source("Empfehlung").pk},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="score-value">29<' in html  # (300 + 100) / 14
    assert "Entscheidungsträger" in html
    garbage = rep_client.post(reverse("leads:score_preview"), {"source": "x", "rating_1": "y"})
    assert garbage.status_code == 200


@pytest.mark.django_db
def test_company_and_person_search(rep_client):
    company = f.CompanyFactory(name="Solarwerk Kiel AG")
    person = f.PersonFactory(company=company, last_name="Brandt")
    response = rep_client.get(reverse("leads:company_search"), {"company_q": "Solarwerk"})
    assert f'value="{company.pk}"' in response.content.decode()
    response = rep_client.get(reverse("leads:person_search"), {"person_q": "Brandt"})
    assert f'value="{person.pk}"' in response.content.decode()
    response = rep_client.get(reverse("leads:person_search"), {"customer": company.pk})
    assert f'value="{person.pk}"' in response.content.decode()
    response = rep_client.get(reverse("leads:company_search"), {"customer": "x", "q": "y" * 500})
    assert response.status_code == 200


# session, user with its roles, lead + 3 prefetches (contacts, activities, consents),
# interests + ratings (one UNION), scoring criteria + options, choice lists (one UNION)
MASK_QUERIES = 10


@pytest.mark.parametrize("size", [5, 30])
@pytest.mark.django_db
def test_mask_query_count_constant(rep, rep_client, django_assert_num_queries, size):
    """Same number of queries with 5 or 30 contacts, activities, interests and history rows."""
    lead = lead_create(
        data={**lead_data(), "follow_up_by": rep}, user=rep, interests=[f.interest("Windkraft")]
    ).lead
    for i in range(size):
        LeadContact.objects.create(lead=lead, person=f.PersonFactory(), is_main=i == 0)
        lead.activities.add(f.ActivityFactory())
        lead_update(lead=lead, data={"notes": f"Notiz {i}"}, user=rep, expected_version=i + 1)
        ConsentRecord.objects.create(
            lead=lead, action="requested", email=f"p{i}@example.com", recorded_by=rep
        )
    with django_assert_num_queries(MASK_QUERIES):
        response = rep_client.get(reverse("leads:detail", args=[lead.pk]))
    assert response.status_code == 200
    assert Person.objects.count() >= size


@pytest.mark.django_db
def test_only_managers_delete(rep, rep_client, manager_client):
    lead = lead_create(data=lead_data(), user=rep).lead
    url = reverse("leads:delete", args=[lead.pk])
    assert rep_client.get(url).status_code == 403
    assert rep_client.post(url).status_code == 403
    assert manager_client.get(url).status_code == 200
    response = manager_client.post(url)
    assert response.status_code == 302
    assert not Lead.objects.filter(pk=lead.pk).exists()


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999999999999"])
@pytest.mark.django_db
def test_tampered_or_missing_version_is_a_form_error(rep, rep_client, version):
    lead = lead_create(data=lead_data(), user=rep).lead
    data = _form_data(lead, notes="bleibt")
    data["version"] = version
    response = rep_client.post(reverse("leads:detail", args=[lead.pk]), data)
    assert response.status_code in (200, 409)
    assert 'id="form-errors"' in response.content.decode()
    lead.refresh_from_db()
    assert lead.notes == ""


@pytest.mark.django_db
def test_mask_starts_from_the_saved_interests_and_ratings(rep, rep_client):
    from leads.models import LeadRating
    from leads.selectors import interests_and_ratings

    wind, solar = f.interest("Windkraft"), f.interest("Photovoltaik")
    lead = lead_create(
        data={**lead_data(), "follow_up_by": rep}, user=rep, interests=[wind, solar]
    ).lead
    criterion = ScoringCriterion.objects.filter(uses_source=False).first()
    option = criterion.options.first()
    LeadRating.objects.update_or_create(lead=lead, criterion=criterion, defaults={"option": option})
    interest_ids, ratings = interests_and_ratings(lead)
    assert interest_ids == sorted([wind.pk, solar.pk])
    assert ratings[criterion.pk] == option.pk
    form = rep_client.get(reverse("leads:detail", args=[lead.pk])).context["form"]
    assert sorted(form.initial["interests"]) == sorted([wind.pk, solar.pk])
    assert form.initial[f"rating_{criterion.pk}"] == option.pk
