"""Every action-box process refuses on the server what the box disables (issue #15, 1 and 9):
for GET and POST, for a user who may only read the lead and for a lead that does not meet
the process's condition. A refusal ends on the lead page, inside the app layout, with the
entry's German reason, and changes nothing. The box shows the same entries disabled with
their reason visible."""

import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import User
from activities.models import Activity, MailTemplate, TemplatePurpose
from contacts.models import Company, Person
from conversion.views import STATE_SALT
from leads.action_box import action_box_entries
from leads.models import Lead, LeadContact
from tests.factories import LeadFactory, PersonFactory, category
from tests.factories.activities import lead_with_appointment

pytestmark = pytest.mark.django_db

READ_ONLY = "Nur lesbar: Sie dürfen diesen Lead nicht bearbeiten."


def _template(purpose):
    return MailTemplate.objects.filter(purpose=purpose, active=True).first()


def _convert_post(lead):
    state = {
        "lead": lead.pk,
        "v": lead.version,
        "company": None,
        "company_data": {"name": "Neu GmbH", "category": category("Lead").pk},
        "person": None,
        "person_data": {"last_name": "Neumann"},
    }
    return {"state": signing.dumps(state, salt=STATE_SALT, compress=True), "step": "3"}


# process key → (path under /leads/<pk>/, POST data for lead)
PROCESSES = {
    "add_contacts": ("prozesse/ansprechpartner/", lambda lead: {"persons": [_person().pk]}),
    "appointment_confirmation": (
        "prozesse/terminbestaetigung/",
        lambda lead: {"template": _template(TemplatePurpose.APPOINTMENT_CONFIRMATION).pk},
    ),
    "add_employees": ("prozesse/mitarbeiter/", lambda lead: {"users": [_manager_pk()]}),
    "info_material": (
        "prozesse/infomaterial/",
        lambda lead: {"template": _template(TemplatePurpose.INFO_MATERIAL).pk},
    ),
    "convert": ("prozesse/konvertieren/", _convert_post),
}


def _person():
    return PersonFactory(last_name="Zusatz")


def _manager_pk():
    return User.objects.get(username="manager").pk  # the `manager` persona


def _snapshot(lead):
    return (
        LeadContact.objects.filter(lead=lead).count(),
        Activity.objects.count(),
        Company.objects.count(),
        Person.objects.count(),
        Lead.objects.get(pk=lead.pk).version,
    )


def _ready_lead(owner, key):
    """A lead of `owner` on which process `key` may run."""
    if key == "convert":
        return LeadFactory(follow_up_by=owner, company_name="Umwandel GmbH")
    return lead_with_appointment(appointment_with=owner, follow_up_by=owner)


def _unready_lead(owner, key):
    """A lead of `owner` on which process `key` may not run (its condition fails)."""
    if key == "convert":
        lead = LeadFactory(follow_up_by=owner, company_name="Schon verknüpft GmbH")
        LeadContact.objects.create(lead=lead, person=PersonFactory(), is_main=True)
        return lead
    if key == "add_employees":
        return lead_with_appointment(appointment_with=None, follow_up_by=owner)
    return LeadFactory(follow_up_by=owner, email="", planned_start=None)


def _assert_in_layout(html, reason):
    assert 'class="navbar' in html  # inside the app layout
    assert reason in html and "Forbidden" not in html


def _assert_refused(client, lead, method, path, data, reason):
    """A lead that does not meet the condition: back to the lead page with the reason."""
    before = _snapshot(lead)
    url = f"/leads/{lead.pk}/{path}"
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 302 and response.url == lead.get_absolute_url()
    page = client.get(response.url)
    assert page.status_code == 200
    _assert_in_layout(page.content.decode(), reason)
    assert _snapshot(lead) == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("key", PROCESSES)
def test_read_only_user_is_refused(teammate_client, rep, manager, key, method):
    """The finding: active entries that ended on a bare English "403 Forbidden"."""
    lead = _ready_lead(rep, key)
    path, data = PROCESSES[key]
    payload = data(lead)  # before the snapshot: it may create the person to add
    before = _snapshot(lead)
    url = f"/leads/{lead.pk}/{path}"
    response = teammate_client.get(url) if method == "get" else teammate_client.post(url, payload)
    assert response.status_code == 403
    html = response.content.decode()
    _assert_in_layout(html, READ_ONLY)
    assert "Zugriff verweigert" in html
    assert _snapshot(lead) == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("key", PROCESSES)
def test_unmet_condition_is_refused(rep_client, rep, manager, key, method):
    lead = _unready_lead(rep, key)
    entry = next(e for e in action_box_entries(lead, rep) if e["key"] == key)
    assert not entry["enabled"]
    path, data = PROCESSES[key]
    _assert_refused(rep_client, lead, method, path, data(lead), entry["reason"])


@pytest.mark.parametrize("key", PROCESSES)
def test_the_owner_may_start_each_process(rep_client, rep, key):
    lead = _ready_lead(rep, key)
    response = rep_client.get(f"/leads/{lead.pk}/{PROCESSES[key][0]}")
    assert response.status_code == 200


def test_contact_search_fragment_is_refused(teammate_client, rep_client, rep):
    lead = _ready_lead(rep, "add_contacts")
    url = f"/leads/{lead.pk}/prozesse/ansprechpartner/suche/"
    assert teammate_client.get(url, {"q": "Zu"}, HTTP_HX_REQUEST="true").status_code == 403
    unready = _unready_lead(rep, "add_contacts")
    response = rep_client.get(
        f"/leads/{unready.pk}/prozesse/ansprechpartner/suche/", {"q": "Zu"}, HTTP_HX_REQUEST="true"
    )
    assert response.headers["HX-Redirect"] == unready.get_absolute_url()


def test_marketing_may_edit_but_not_convert_a_lead_it_did_not_create(marketing_client, marketing):
    lead = LeadFactory(follow_up_by=None)  # unassigned: Marketing may edit it
    entries = {e["key"]: e for e in action_box_entries(lead, marketing)}
    assert entries["convert"]["reason"] == "Sie dürfen diesen Lead nicht konvertieren."
    response = marketing_client.get(reverse("conversion:convert", args=[lead.pk]))
    assert response.status_code == 403
    assert "Sie dürfen diesen Lead nicht konvertieren." in response.content.decode()


# --- the box shows what the server does -----------------------------------------------------


def test_read_only_user_sees_every_entry_disabled_with_its_reason(teammate_client, rep):
    lead = _ready_lead(rep, "add_contacts")
    html = teammate_client.get(lead.get_absolute_url()).content.decode()
    for key in PROCESSES:
        assert f'data-action-key="{key}"' in html
    assert html.count(f'<small class="d-block action-box-reason">{READ_ONLY}</small>') == 5
    assert "/prozesse/ansprechpartner/" not in html  # no active link to a process


def test_owner_sees_enabled_links_and_the_reason_of_a_disabled_entry(rep_client, rep):
    lead = _ready_lead(rep, "add_contacts")  # has a main contact: no conversion
    html = rep_client.get(lead.get_absolute_url()).content.decode()
    assert f'href="/leads/{lead.pk}/prozesse/ansprechpartner/"' in html
    assert 'data-action-key="convert"' in html
    assert "Am Lead ist bereits ein Geschäftspartner oder Ansprechpartner verknüpft." in html
    assert 'data-bs-toggle="tooltip" data-bs-placement="left"' not in html
