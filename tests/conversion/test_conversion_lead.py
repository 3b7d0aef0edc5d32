"""Conversion [Konvertierung]: each path of the service, carry-over, idempotency and
locking, the three-step wizard (plain and HTMX), the action box entry."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import signing
from django.urls import reverse

from activities.models import ActivityKind
from contacts.models import Company, Person, Phase
from conversion.services import lead_convert
from conversion.views import STATE_SALT
from leads.action_box import action_box_entries
from leads.errors import ConflictError, LeadError
from leads.models import (
    ConsentAction,
    ConsentRecord,
    Lead,
    LeadContact,
    LeadStatusChange,
)
from opportunities.models import Opportunity
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    LeadFactory,
    PersonFactory,
    category,
    status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(rep):
    lead = LeadFactory(
        company_name="Sonnenhof Energie GmbH",
        salutation="Frau",
        first_name="Julia",
        last_name="Schneider",
        email="julia@sonnenhof-energie.de",
        city="München",
        follow_up_by=rep,
        status=status("Qualifiziert"),
        notes="Interesse an PV für zwei Hallendächer.",
        utm_source="newsletter",
        interests=["Photovoltaik", "Batteriespeichersysteme"],
    )
    return lead


def company_data():
    return {"name": "Sonnenhof Energie GmbH", "city": "München", "category": category("Lead")}


def person_data():
    return {
        "salutation": "Frau",
        "first_name": "Julia",
        "last_name": "Schneider",
        "email": "julia@sonnenhof-energie.de",
    }


@pytest.mark.smoke
def test_new_company_person_and_offer(lead, rep):
    activity = ActivityFactory(person=None, company=None)
    lead.activities.add(activity)
    consent = ConsentRecord.objects.create(
        lead=lead, action=ConsentAction.CONFIRMED, email=lead.email
    )
    version = lead.version
    result = lead_convert(
        lead=lead,
        user=rep,
        expected_version=version,
        company_data=company_data(),
        person_data=person_data(),
        opportunity_data={
            "kind": "offer",
            "title": "PV-Anlage 2 × 250 kWp",
            "amount": Decimal("180000"),
            "expected_close": dt.date(2026, 12, 15),
        },
    )
    lead.refresh_from_db()
    assert result.company_created and result.person_created
    assert lead.status.phase == Phase.CONVERTED
    assert lead.converted_at and lead.converted_by == rep and lead.closed_at
    assert lead.version == version + 1
    assert lead.customer == result.company
    assert LeadContact.objects.get(lead=lead, is_main=True).person == result.person
    change = LeadStatusChange.objects.filter(lead=lead).latest("changed_at")
    assert (change.from_status.name, change.to_status.phase) == ("Qualifiziert", Phase.CONVERTED)
    # the lead status carries to the person (prospect category "Lead")
    assert result.person.lead_status == status("Qualifiziert")
    assert result.company.category == category("Lead")
    assert result.company.owner == rep and result.person.owner == rep
    offer = result.opportunity
    assert (offer.kind, offer.company, offer.person, offer.lead) == (
        "offer",
        result.company,
        result.person,
        lead,
    )
    activity.refresh_from_db()
    assert activity.person == result.person and activity.company == result.company
    consent.refresh_from_db()
    assert consent.person == result.person and consent.lead == lead
    note = lead.activities.get(kind=ActivityKind.NOTE, subject__startswith="Konvertiert aus Lead")
    assert "Photovoltaik" in note.body and "Hallendächer" in note.body and "newsletter" in note.body
    assert note.company == result.company


def test_existing_company_and_person(lead, rep):
    company = CompanyFactory(name="Sonnenhof Energie", category=category("Lead"))
    person = PersonFactory(company=company, lead_status=status("Offen"))
    result = lead_convert(
        lead=lead, user=rep, expected_version=lead.version, company=company, person=person
    )
    assert not result.company_created and not result.person_created
    assert Company.objects.count() == 1 and Person.objects.count() == 1
    person.refresh_from_db()
    assert person.lead_status == status("Qualifiziert")
    assert result.opportunity is None


def test_customer_category_keeps_person_without_lead_status(lead, rep):
    company = CompanyFactory(category=category("Kunde"))
    result = lead_convert(
        lead=lead,
        user=rep,
        expected_version=lead.version,
        company=company,
        person_data=person_data(),
    )
    assert result.person.lead_status is None


def test_inquiry_path(lead, rep):
    result = lead_convert(
        lead=lead,
        user=rep,
        expected_version=lead.version,
        company_data=company_data(),
        person_data=person_data(),
        opportunity_data={"kind": "inquiry", "title": "Anfrage Speicher"},
    )
    assert result.opportunity.get_kind_display() == "Anfrage"


def test_person_of_other_company_refused(lead, rep):
    company = CompanyFactory()
    stranger = PersonFactory()
    with pytest.raises(LeadError):
        lead_convert(
            lead=lead, user=rep, expected_version=lead.version, company=company, person=stranger
        )
    lead.refresh_from_db()
    assert lead.converted_at is None


def test_missing_names_refused_and_nothing_written(lead, rep):
    with pytest.raises(LeadError):
        lead_convert(
            lead=lead,
            user=rep,
            expected_version=lead.version,
            company_data=company_data(),
            person_data={"last_name": ""},
        )
    assert Company.objects.count() == 0  # the company of step 1 was rolled back too


def test_cannot_run_twice(lead, rep):
    version = lead.version
    lead_convert(
        lead=lead,
        user=rep,
        expected_version=version,
        company_data=company_data(),
        person_data=person_data(),
    )
    with pytest.raises(LeadError) as info:
        lead_convert(
            lead=lead,
            user=rep,
            expected_version=version + 1,
            company_data=company_data(),
            person_data=person_data(),
        )
    assert "bereits konvertiert" in info.value.message
    assert Company.objects.count() == 1 and Person.objects.count() == 1


def test_double_submit_with_same_version(lead, rep):
    version = lead.version
    lead_convert(
        lead=lead,
        user=rep,
        expected_version=version,
        company_data=company_data(),
        person_data=person_data(),
    )
    with pytest.raises(LeadError):
        lead_convert(
            lead=lead,
            user=rep,
            expected_version=version,
            company_data=company_data(),
            person_data=person_data(),
        )
    assert Company.objects.count() == 1 and Opportunity.objects.count() == 0


def test_stale_version_is_a_conflict(lead, rep):
    with pytest.raises(ConflictError):
        lead_convert(
            lead=lead,
            user=rep,
            expected_version=lead.version - 1,
            company_data=company_data(),
            person_data=person_data(),
        )
    assert Company.objects.count() == 0


# --- wizard --------------------------------------------------------------------------------


def url(lead):
    return reverse("conversion:convert", args=[lead.pk])


def test_wizard_plain_form_new_company(rep_client, lead):
    page = rep_client.get(url(lead))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="Sonnenhof Energie GmbH"' in html  # prefilled from the lead
    state = page.context["state"]
    step2 = rep_client.post(
        url(lead),
        {
            "state": state,
            "step": "1",
            "mode": "new",
            "name": "Sonnenhof Energie GmbH",
            "category": category("Lead").pk,
            "city": "München",
        },
    )
    assert step2.status_code == 200 and step2.context["step"] == 2
    assert 'value="Schneider"' in step2.content.decode()
    step3 = rep_client.post(
        url(lead),
        {
            "state": step2.context["state"],
            "step": "2",
            "mode": "new",
            "salutation": "Frau",
            "first_name": "Julia",
            "last_name": "Schneider",
            "email": "julia@sonnenhof-energie.de",
        },
    )
    assert step3.context["step"] == 3
    done = rep_client.post(
        url(lead),
        {
            "state": step3.context["state"],
            "step": "3",
            "kind": "offer",
            "title": "PV-Angebot",
            "amount": "95000",
            "finish": "1",
        },
    )
    assert done.status_code == 302
    assert done.url == reverse("leads:detail", args=[lead.pk])
    lead.refresh_from_db()
    assert lead.converted_at is not None
    assert Opportunity.objects.get().title == "PV-Angebot"


def test_wizard_htmx_existing_company_and_back(rep_client, lead):
    company = CompanyFactory(name="Sonnenhof Energie AG", category=category("Lead"))
    person = PersonFactory(company=company)
    page = rep_client.get(url(lead))
    assert company.name in page.content.decode()  # suggested by the duplicate matcher
    headers = {"HTTP_HX_REQUEST": "true"}
    step2 = rep_client.post(
        url(lead),
        {"state": page.context["state"], "step": "1", "mode": "existing", "company": company.pk},
        **headers,
    )
    html = step2.content.decode()
    assert "<html" not in html and person.last_name in html
    back = rep_client.post(
        url(lead), {"state": step2.context["state"], "step": "2", "back": "1"}, **headers
    )
    assert back.context["step"] == 1
    step3 = rep_client.post(
        url(lead),
        {"state": step2.context["state"], "step": "2", "mode": "existing", "person": person.pk},
        **headers,
    )
    done = rep_client.post(
        url(lead), {"state": step3.context["state"], "step": "3", "kind": ""}, **headers
    )
    assert done.status_code == 200 and done.headers["HX-Redirect"] == reverse(
        "leads:detail", args=[lead.pk]
    )
    lead.refresh_from_db()
    assert lead.customer == company


def test_wizard_validation_errors_are_german(rep_client, lead):
    page = rep_client.get(url(lead))
    response = rep_client.post(
        url(lead), {"state": page.context["state"], "step": "1", "mode": "existing"}
    )
    assert response.status_code == 400
    assert "Bitte wählen Sie einen Geschäftspartner." in response.content.decode()


def test_wizard_forged_state_does_not_convert_other_lead(rep_client, lead, rep):
    other = LeadFactory(follow_up_by=rep)
    forged = signing.dumps({"lead": other.pk, "v": other.version}, salt=STATE_SALT, compress=True)
    response = rep_client.post(url(lead), {"state": forged, "step": "3", "kind": ""})
    assert response.status_code == 409  # state without company → refused with a message
    other.refresh_from_db()
    assert other.converted_at is None


def test_wizard_refused_for_outsider_and_other_rep(outsider_client, teammate_client, lead):
    outsider = outsider_client.get(url(lead))
    assert outsider.status_code == 403 and "Zugriff verweigert" in outsider.content.decode()
    response = teammate_client.get(url(lead))  # may see the lead, not convert it
    assert response.status_code == 403
    assert "Nur lesbar: Sie dürfen diesen Lead nicht bearbeiten." in response.content.decode()


def test_converted_lead_redirects(rep_client, lead, rep):
    lead_convert(
        lead=lead,
        user=rep,
        expected_version=lead.version,
        company_data=company_data(),
        person_data=person_data(),
    )
    response = rep_client.get(url(lead))
    assert response.status_code == 302


def test_wizard_query_count(rep_client, lead, django_assert_max_num_queries):
    CompanyFactory(name="Sonnenhof GmbH")
    with django_assert_max_num_queries(25):
        rep_client.get(url(lead))
    for i in range(15):
        CompanyFactory(name=f"Sonnenhof {i} GmbH")
    with django_assert_max_num_queries(25):
        rep_client.get(url(lead))


# --- action box ----------------------------------------------------------------------------


def _entry(lead, user):
    return next(e for e in action_box_entries(lead, user) if e["key"] == "convert")


def test_action_box_entry_enabled_without_partner_or_contact(lead, rep):
    entry = _entry(lead, rep)
    assert entry["enabled"] and entry["url"] == url(lead)


@pytest.mark.parametrize("link", ["customer", "main_contact", "converted"])
def test_action_box_entry_disabled(lead, rep, link):
    if link == "customer":
        lead.customer = CompanyFactory()
        lead.save()
    elif link == "main_contact":
        LeadContact.objects.create(lead=lead, person=PersonFactory(), is_main=True)
    else:
        lead_convert(
            lead=lead,
            user=rep,
            expected_version=lead.version,
            company_data=company_data(),
            person_data=person_data(),
        )
        lead = Lead.objects.get(pk=lead.pk)
    entry = _entry(lead, rep)
    assert not entry["enabled"] and entry["reason"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_converts_once(rep):
    import threading

    from django.db import connection

    lead = LeadFactory(follow_up_by=rep, company_name="Parallel GmbH", last_name="Zwei")
    version = lead.version
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            lead_convert(
                lead=lead,
                user=rep,
                expected_version=version,
                company_data={"name": "Parallel GmbH", "category": category("Lead")},
                person_data={"last_name": "Zwei"},
            )
            outcomes.append("ok")
        except LeadError:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Company.objects.filter(name="Parallel GmbH").count() == 1
