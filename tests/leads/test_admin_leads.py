"""The Lead admin writes through leads.services: status rules and history, numbering and
distribution on create, optimistic locking, ratings, deletion — no path around them."""

import datetime as dt

import pytest
from django.urls import reverse

from leads.models import Lead, LeadRating, LeadStatusChange, LostReason, ScoringCriterion
from tests.factories import LeadFactory, UserFactory, default_status, status
from tests.factories.leads import make_rule

pytestmark = pytest.mark.django_db

CHANGE = "admin:leads_lead_change"


def _url(lead: Lead) -> str:
    return reverse(CHANGE, args=[lead.pk])


def _value(value):
    return "on" if value is True else value


def _form_data(client, url: str, **changes) -> dict:
    """What the browser posts for the admin page at `url`, unchanged, plus `changes`."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, False, ""):
            data[name] = [str(v) for v in value] if isinstance(value, list) else _value(value)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        count = formset.initial_form_count()
        data[f"{formset.prefix}-TOTAL_FORMS"] = count
        data[f"{formset.prefix}-INITIAL_FORMS"] = count
        for i, inline_form in enumerate(formset.initial_forms):
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value not in (None, False, ""):
                    data[f"{formset.prefix}-{i}-{name}"] = _value(value)
    data.update(changes)
    return data


def _add_data(**changes) -> dict:
    data = {
        "company_name": "Admin Test GmbH",
        "last_name": "Probe",
        "email": "probe@admin-test-beispiel.de",
        "status": default_status().pk,
        "country": "DE",
        "capture_channel": "manual",
    }
    for prefix in ("lead_contacts", "ratings", "status_changes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


def _errors(response) -> str:
    return response.content.decode()


# --- status -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "closed"),
    [("Kontaktiert", False), ("Disqualifiziert", True), ("Geschlossen", True)],
)
def test_status_change_goes_through_the_service(admin_client_staff, staff_admin, target, closed):
    lead = LeadFactory()
    version = lead.version
    new = status(target)
    reason = LostReason.objects.get(name="Wettbewerber")  # needed for a lost status (#17)
    response = admin_client_staff.post(
        _url(lead),
        _form_data(admin_client_staff, _url(lead), status=new.pk, lost_reason=reason.pk),
    )
    assert response.status_code == 302, _errors(response)
    lead.refresh_from_db()
    assert (lead.status, lead.version) == (new, version + 1)
    assert (lead.closed_at is not None) is closed
    change = LeadStatusChange.objects.get(lead=lead)
    assert (change.to_status, change.changed_by) == (new, staff_admin)
    assert lead.history.latest().history_change_reason == f"v={version + 1}"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("Konvertiert", "Konvertiert nur über die Konvertierung"),
        ("inactive", "Dieser Status ist nicht mehr aktiv"),
    ],
)
def test_status_the_services_refuse_is_refused_in_the_admin(admin_client_staff, target, message):
    lead = LeadFactory(company_name="Sonnenhof KG")
    before = (lead.status_id, lead.version)
    if target == "inactive":
        new = status("Erneut bearbeiten")
        new.active = False
        new.save()
    else:
        new = status(target)
    data = _form_data(admin_client_staff, _url(lead), status=new.pk, company_name="Neu AG")
    response = admin_client_staff.post(_url(lead), data)
    assert response.status_code == 200
    assert message in _errors(response)
    assert 'value="Neu AG"' in _errors(response)  # the input is kept
    lead.refresh_from_db()
    assert (lead.status_id, lead.version, lead.company_name) == (*before, "Sonnenhof KG")
    assert not LeadStatusChange.objects.filter(lead=lead).exists()


def test_a_new_lead_cannot_be_converted_in_the_admin(admin_client_staff):
    response = admin_client_staff.post(
        reverse("admin:leads_lead_add"), _add_data(status=status("Konvertiert").pk)
    )
    assert response.status_code == 200
    assert "Konvertiert nur über die Konvertierung" in _errors(response)
    assert not Lead.objects.filter(company_name="Admin Test GmbH").exists()


# --- create -------------------------------------------------------------------------------


def test_lead_added_in_the_admin_is_numbered_distributed_and_recorded(
    admin_client_staff, staff_admin
):
    owner = UserFactory(username="verteilt")
    make_rule(members=[owner])
    response = admin_client_staff.post(reverse("admin:leads_lead_add"), _add_data())
    assert response.status_code == 302, _errors(response)
    lead = Lead.objects.get(company_name="Admin Test GmbH")
    assert lead.number.startswith("L-") and lead.version == 1
    assert lead.follow_up_by == owner  # the assignment rules ran
    assert (lead.created_by, lead.updated_by) == (staff_admin, staff_admin)
    assert LeadStatusChange.objects.filter(
        lead=lead, from_status=None, to_status=default_status(), changed_by=staff_admin
    ).exists()
    assert lead.history.earliest().history_change_reason == "v=1"


# --- locking, other fields ----------------------------------------------------------------


def test_stale_form_is_refused_and_a_second_save_overwrites(admin_client_staff, manager):
    from leads.services.lead import lead_update

    lead = LeadFactory(city="Berlin")
    data = _form_data(admin_client_staff, _url(lead), city="Hamburg")
    lead_update(lead=lead, data={"city": "Köln"}, user=manager, expected_version=lead.version)

    response = admin_client_staff.post(_url(lead), data)
    assert response.status_code == 200
    assert "Der Lead wurde inzwischen von" in _errors(response)
    lead.refresh_from_db()
    assert lead.city == "Köln"
    assert f'name="expected_version" value="{lead.version}"' in _errors(response)

    data["expected_version"] = lead.version
    response = admin_client_staff.post(_url(lead), data)
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.city == "Hamburg"


def test_form_without_version_is_refused(admin_client_staff):
    lead = LeadFactory(city="Berlin")
    data = _form_data(admin_client_staff, _url(lead), city="Hamburg")
    del data["expected_version"]
    response = admin_client_staff.post(_url(lead), data)
    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.city == "Berlin"


def test_planned_times_are_checked_by_the_service(admin_client_staff):
    lead = LeadFactory()
    day = dt.date.today().strftime("%d.%m.%Y")
    data = _form_data(
        admin_client_staff,
        _url(lead),
        planned_start_0=day,
        planned_start_1="14:00",
        planned_end_0=day,
        planned_end_1="13:00",
    )
    response = admin_client_staff.post(_url(lead), data)
    assert response.status_code == 200
    assert "„Termin bis“ muss nach „Termin von“ liegen." in _errors(response)
    lead.refresh_from_db()
    assert lead.planned_start is None


def test_ratings_are_saved_and_scored_in_one_service_call(admin_client_staff):
    lead = LeadFactory(score=0)
    criterion = ScoringCriterion.objects.filter(uses_source=False, active=True).first()
    option = criterion.options.order_by("-points").first()
    data = _form_data(admin_client_staff, _url(lead))
    data.update(
        {
            "ratings-TOTAL_FORMS": 1,
            "ratings-INITIAL_FORMS": 0,
            "ratings-0-criterion": criterion.pk,
            "ratings-0-option": option.pk,
        }
    )
    version = lead.version
    response = admin_client_staff.post(_url(lead), data)
    assert response.status_code == 302, _errors(response)
    lead.refresh_from_db()
    assert LeadRating.objects.get(lead=lead).option == option
    assert lead.score > 0 and lead.version == version + 1
    assert any(row["option_id"] == option.pk for row in lead.score_breakdown)


@pytest.mark.parametrize(
    "field",
    [
        "number",
        "converted_at",
        "converted_by",
        "merged_into",
        "closed_at",
        "status_changed_at",
        "score",
        "version",
        "business_card",
        "appointment",
        "activities",
        "is_stale",
    ],
)
def test_fields_only_the_services_write_are_not_in_the_admin_form(admin_client_staff, field):
    lead = LeadFactory()
    response = admin_client_staff.get(_url(lead))
    assert field not in response.context["adminform"].form.fields


def test_posting_a_service_owned_field_changes_nothing(admin_client_staff, staff_admin):
    lead = LeadFactory()
    data = _form_data(
        admin_client_staff, _url(lead), converted_at_0="01.01.2026", converted_at_1="10:00"
    )
    data["converted_by"] = staff_admin.pk
    assert admin_client_staff.post(_url(lead), data).status_code == 302
    lead.refresh_from_db()
    assert (lead.converted_at, lead.converted_by) == (None, None)


# --- delete, history ------------------------------------------------------------------------


def test_delete_goes_through_the_service(admin_client_staff, staff_admin):
    lead = LeadFactory()
    response = admin_client_staff.post(
        reverse("admin:leads_lead_delete", args=[lead.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Lead.objects.filter(pk=lead.pk).exists()
    deleted = Lead.history.filter(id=lead.pk, history_type="-").get()
    assert deleted.history_user == staff_admin


def test_staff_without_manager_role_may_not_delete(client):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(username="sachbearbeiter", is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(codename__endswith="_lead"))
    client.force_login(clerk)
    lead = LeadFactory()
    response = client.post(reverse("admin:leads_lead_delete", args=[lead.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_reverting_to_an_old_version_is_refused(admin_client_staff):
    lead = LeadFactory(city="Berlin")
    old = lead.history.earliest()
    Lead.objects.filter(pk=lead.pk).update(city="Köln")
    url = reverse("admin:leads_lead_simple_history", args=[lead.pk, old.history_id])
    assert admin_client_staff.get(url).status_code == 200
    response = admin_client_staff.post(url, _form_data(admin_client_staff, url))
    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.city == "Köln"


def test_status_history_cannot_be_deleted_in_the_admin(admin_client_staff):
    lead = LeadFactory()
    change = LeadStatusChange.objects.create(
        lead=lead, to_status=default_status(), changed_at=lead.created_at
    )
    url = reverse("admin:leads_leadstatuschange_delete", args=[change.pk])
    assert admin_client_staff.post(url, {"post": "yes"}).status_code == 403
    assert LeadStatusChange.objects.filter(pk=change.pk).exists()


@pytest.mark.parametrize("persona", ["rep_client", "manager_client", "outsider_client"])
def test_non_staff_never_reach_the_lead_admin(request, persona):
    lead = LeadFactory()
    client = request.getfixturevalue(persona)
    response = client.post(_url(lead), {"status": status("Konvertiert").pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_business_card_is_shown_through_the_protected_view(admin_client_staff):
    lead = LeadFactory()
    Lead.objects.filter(pk=lead.pk).update(business_card="business_cards/karte.png")
    html = admin_client_staff.get(_url(lead)).content.decode()
    assert f'href="{reverse("leads:business_card", args=[lead.pk])}"' in html
    assert "media/business_cards" not in html


@pytest.mark.django_db
def test_lead_number_counter_is_read_only(admin_client_staff):
    from leads.models import LeadNumberCounter

    LeadFactory()  # a lead number allocates the counter row
    counter = LeadNumberCounter.objects.first()
    url = reverse("admin:leads_leadnumbercounter_change", args=[counter.pk])
    assert admin_client_staff.get(url).status_code == 200  # view only
    response = admin_client_staff.post(url, {"name": counter.name, "value": 0})
    assert response.status_code == 403
    counter.refresh_from_db()
    assert counter.value > 0
