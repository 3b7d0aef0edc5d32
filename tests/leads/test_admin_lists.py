"""The Django admin: staff only, every list opens, and the list rules hold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import MailTemplate, TemplatePurpose
from contacts.models import Category, CategoryGroup, GroupKind, LeadStatus
from leads.models import LeadStatusChange, LostReason, ScoringCriterion
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

ADMIN_MODELS = [
    "accounts.user",
    "accounts.listpreference",
    "contacts.categorygroup",
    "contacts.category",
    "contacts.leadstatus",
    "contacts.company",
    "contacts.person",
    "leads.leadsource",
    "leads.leadtype",
    "leads.interest",
    "leads.scoringcriterion",
    "leads.campaign",
    "leads.assignmentrule",
    "leads.lead",
    "leads.leadstatuschange",
    "opportunities.opportunity",
    "leads.consentrecord",
    "leads.leadnumbercounter",
    "activities.activity",
    "activities.document",
    "activities.mailtemplate",
    "notifications.notification",
    "jobs.job",
    "boards.selection",
]
ADDABLE = [
    m
    for m in ADMIN_MODELS
    if m
    not in {
        "leads.leadstatuschange",
        "leads.consentrecord",
        "leads.leadnumbercounter",
        "jobs.job",
    }
]


def _url(label: str, view: str, *args) -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_{view}", args=args)


def _status_form(status: LeadStatus, **changes) -> dict:
    data = {
        "name": status.name,
        "description": status.description,
        "phase": status.phase,
        "colour": status.colour,
        "rank": status.rank,
        "active": "on" if status.active else "",
        "is_default": "on" if status.is_default else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


@pytest.mark.smoke
@pytest.mark.parametrize("label", ADMIN_MODELS)
def test_staff_opens_every_changelist(admin_client_staff, label):
    response = admin_client_staff.get(_url(label, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("label", ADDABLE)
def test_staff_opens_every_add_page(admin_client_staff, label):
    response = admin_client_staff.get(_url(label, "add"))
    assert response.status_code == 200


@pytest.mark.smoke
@pytest.mark.parametrize("persona", ["rep_client", "manager_client", "outsider_client"])
@pytest.mark.parametrize("label", ["contacts.leadstatus", "leads.lead", "accounts.user"])
def test_non_staff_is_sent_to_admin_login(request, persona, label):
    client = request.getfixturevalue(persona)
    url = _url(label, "changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_site_header_is_german(admin_client_staff):
    response = admin_client_staff.get(reverse("admin:index"))
    assert "LeadCRM Verwaltung" in response.content.decode()


def test_ticking_a_second_default_status_unticks_the_first(admin_client_staff):
    old = LeadStatus.objects.get(is_default=True)
    new = LeadStatus.objects.get(name="Kontaktaufnahme")
    response = admin_client_staff.post(
        _url("contacts.leadstatus", "change", new.pk), _status_form(new, is_default="on")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(LeadStatus.objects.filter(is_default=True)) == [new]
    old.refresh_from_db()
    assert old.is_default is False


def test_unticking_the_only_default_is_refused(admin_client_staff):
    default = LeadStatus.objects.get(is_default=True)
    response = admin_client_staff.post(
        _url("contacts.leadstatus", "change", default.pk), _status_form(default, is_default="")
    )
    assert response.status_code == 200
    assert "Es muss genau einen Standard-Status geben" in response.content.decode()
    default.refresh_from_db()
    assert default.is_default is True


def test_colour_is_a_colour_picker(admin_client_staff):
    status = LeadStatus.objects.first()
    response = admin_client_staff.get(_url("contacts.leadstatus", "change", status.pk))
    assert 'type="color"' in response.content.decode()


def test_lead_status_on_non_prospect_category_is_refused(admin_client_staff):
    customer_group = CategoryGroup.objects.filter(kind=GroupKind.CUSTOMER).first()
    response = admin_client_staff.post(
        _url("contacts.category", "add"),
        {
            "name": "Bestandskunde",
            "group": customer_group.pk,
            "lead_status_enabled": "on",
            "rank": 5,
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "nur für Kategorien der Gruppe" in response.content.decode()
    assert not Category.objects.filter(name="Bestandskunde").exists()


def _template_form(**changes) -> dict:
    data = {
        "name": "Testvorlage",
        "purpose": TemplatePurpose.INFO_MATERIAL,
        "subject": "Ihre Anfrage",
        "body": "Guten Tag {{ contact.full_name }},\n\nanbei die Unterlagen.",
        "rank": 1,
        "active": "on",
    }
    data.update(changes)
    return data


def test_mail_template_with_broken_tag_is_refused(admin_client_staff):
    response = admin_client_staff.post(
        _url("activities.mailtemplate", "add"),
        _template_form(body="Hallo,\n{% if contact.salutation %}Frau {{ contact.last_name }}"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vorlagenfehler in Zeile 2" in body
    assert not MailTemplate.objects.filter(name="Testvorlage").exists()


def test_mail_template_with_unknown_placeholder_is_saved_with_warning(admin_client_staff):
    response = admin_client_staff.post(
        _url("activities.mailtemplate", "add"),
        _template_form(body="Hallo {{ kunde.name }}, {{ lead.number }}"),
        follow=True,
    )
    assert MailTemplate.objects.filter(name="Testvorlage").exists()
    assert "Unbekannte Platzhalter" in response.content.decode()
    assert "kunde" in response.content.decode()


def test_default_mail_templates_pass_validation():
    from activities.admin import compile_template, unknown_placeholders

    for template in MailTemplate.objects.all():
        compile_template(template.body)
        assert unknown_placeholders(f"{template.subject}\n{template.body}") == []


def test_scoring_criterion_page_shows_option_inline(admin_client_staff):
    criterion = ScoringCriterion.objects.get(name="Einfluss")
    response = admin_client_staff.get(_url("leads.scoringcriterion", "change", criterion.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "options-TOTAL_FORMS" in body
    assert "Entscheidungsträger" in body


@pytest.mark.parametrize("rows", [2, 12])
def test_lead_changelist_query_count_is_constant(
    admin_client_staff, django_assert_max_num_queries, rows
):
    LeadFactory.create_batch(rows)
    with django_assert_max_num_queries(14):
        response = admin_client_staff.get(_url("leads.lead", "changelist"))
    assert response.status_code == 200
    assert response.content.decode().count('class="field-number"') >= rows


def test_status_change_in_admin_writes_history(admin_client_staff, staff_admin):
    lead = LeadFactory()
    target = LeadStatus.objects.get(name="Disqualifiziert")
    response = admin_client_staff.get(_url("leads.lead", "change", lead.pk))
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.pop("business_card", None)
    data.update(
        {
            "status": target.pk,
            "lost_reason": LostReason.objects.get(name="Kein Bedarf").pk,
            "country": "DE",
            "capture_channel": lead.capture_channel,
            "company_name": lead.company_name,
        }
    )
    for prefix in ("lead_contacts", "ratings", "status_changes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client_staff.post(_url("leads.lead", "change", lead.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    lead.refresh_from_db()
    assert lead.status == target
    assert lead.closed_at is not None
    change = LeadStatusChange.objects.get(lead=lead)
    assert change.to_status == target and change.changed_by == staff_admin


def _criterion_form(client, criterion, **changes) -> dict:
    response = client.get(_url("leads.scoringcriterion", "change", criterion.pk))
    inline = response.context["inline_admin_formsets"][0].formset
    data = {
        "name": criterion.name,
        "description": criterion.description,
        "weight": criterion.weight,
        "rank": criterion.rank,
        "active": "on",
        "options-TOTAL_FORMS": inline.initial_form_count(),
        "options-INITIAL_FORMS": inline.initial_form_count(),
    }
    if criterion.uses_source:
        data["uses_source"] = "on"
    for i, option_form in enumerate(inline.initial_forms):
        option = option_form.instance
        data.update(
            {
                f"options-{i}-id": option.pk,
                f"options-{i}-criterion": criterion.pk,
                f"options-{i}-label": option.label,
                f"options-{i}-points": option.points,
                f"options-{i}-rank": option.rank,
                f"options-{i}-source": option.source_id or "",
            }
        )
    data.update(changes)
    return data


def test_changing_weights_starts_rescoring(admin_client_staff, monkeypatch):
    import leads.services.scoring

    calls = []
    monkeypatch.setattr(leads.services.scoring, "rescore_all_async", calls.append)
    criterion = ScoringCriterion.objects.get(name="Größe")
    data = _criterion_form(admin_client_staff, criterion, weight=criterion.weight + 1)
    response = admin_client_staff.post(
        _url("leads.scoringcriterion", "change", criterion.pk), data, follow=True
    )
    assert response.redirect_chain, response.context["adminform"].form.errors or [
        f.errors for f in response.context["inline_admin_formsets"][0].formset
    ]
    assert len(calls) == 1
    assert "Lead-Scores werden neu berechnet" in response.content.decode()


def test_lead_list_does_not_count_the_whole_table(admin_client_staff):
    LeadFactory.create_batch(3)
    with CaptureQueriesContext(connection) as ctx:
        admin_client_staff.get(_url("leads.lead", "changelist") + "?status__id__exact=1")
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    # show_full_result_count=False: only the filtered list is counted, never the table
    assert len(counts) == 1 and "WHERE" in counts[0].upper()


def _changelist_queries(client, label: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_url(label, "changelist"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


BIG_LISTS = {
    "contacts.company": "CompanyFactory",
    "contacts.person": "PersonFactory",
    "opportunities.opportunity": "OpportunityFactory",
    "activities.activity": "ActivityFactory",
    "notifications.notification": "NotificationFactory",
    "jobs.job": "JobFactory",
    "boards.selection": "SelectionFactory",
}


@pytest.mark.parametrize("label", sorted(BIG_LISTS))
def test_changelist_query_count_does_not_grow(admin_client_staff, label):
    import tests.factories as factories

    make = getattr(factories, BIG_LISTS[label])
    make.create_batch(2)
    small = _changelist_queries(admin_client_staff, label)
    make.create_batch(8)
    assert _changelist_queries(admin_client_staff, label) == small


def test_make_default_action_moves_the_default(admin_client_staff):
    target = LeadStatus.objects.get(name="Qualifiziert")
    response = admin_client_staff.post(
        _url("contacts.leadstatus", "changelist"),
        {"action": "make_default", "_selected_action": [target.pk]},
        follow=True,
    )
    assert "ist jetzt der Standard-Status" in response.content.decode()
    assert list(LeadStatus.objects.filter(is_default=True)) == [target]


@pytest.mark.postgres
def test_lead_paginator_uses_the_planner_estimate_on_postgres(monkeypatch):
    from leads.admin.leads import EstimatedCountPaginator
    from leads.models import Lead

    LeadFactory.create_batch(4)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE leads_lead")
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_ABOVE", 0)
    with CaptureQueriesContext(connection) as ctx:
        count = EstimatedCountPaginator(Lead.objects.all(), 50).count
    assert count == 4
    assert "reltuples" in ctx.captured_queries[0]["sql"]
    filtered = EstimatedCountPaginator(Lead.objects.filter(score__gte=0), 50)
    with CaptureQueriesContext(connection) as ctx:
        assert filtered.count == 4
    assert "COUNT" in ctx.captured_queries[0]["sql"].upper()


def test_new_source_gets_its_scoring_option(admin_client_staff):
    from leads.models import LeadSource, ScoringOption

    response = admin_client_staff.post(
        _url("leads.leadsource", "add"),
        {"name": "Partnerportal", "rank": 80, "active": "on"},
        follow=True,
    )
    source = LeadSource.objects.get(name="Partnerportal")
    option = ScoringOption.objects.get(source=source)
    assert option.criterion.uses_source and option.points == 0
    assert "Bewertungsoption mit 0 Punkten" in response.content.decode()


@pytest.mark.parametrize("label", ["leads.lead", "contacts.company", "contacts.person"])
def test_history_pages_open(admin_client_staff, label):
    from tests.factories import CompanyFactory, PersonFactory

    make = {"leads.lead": LeadFactory, "contacts.company": CompanyFactory}.get(label, PersonFactory)
    obj = make()
    response = admin_client_staff.get(_url(label, "history", obj.pk))
    assert response.status_code == 200
    assert "simple_history/object_history.html" in [t.name for t in response.templates]


def test_lead_change_page_links_to_the_lead_mask(admin_client_staff):
    lead = LeadFactory()
    response = admin_client_staff.get(_url("leads.lead", "change", lead.pk))
    assert f'href="{reverse("leads:detail", args=[lead.pk])}"' in response.content.decode()


def test_lead_added_in_admin_gets_a_number_and_history(admin_client_staff, staff_admin):
    from leads.models import Lead

    default = LeadStatus.objects.default()
    data = {
        "company_name": "Admin Test GmbH",
        "last_name": "Probe",
        "email": "probe@admin-test-beispiel.de",
        "status": default.pk,
        "country": "DE",
        "capture_channel": "manual",
    }
    for prefix in ("lead_contacts", "ratings", "status_changes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    response = admin_client_staff.post(_url("leads.lead", "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    lead = Lead.objects.get(company_name="Admin Test GmbH")
    assert lead.number.startswith("L-")
    assert lead.created_by == staff_admin
    assert LeadStatusChange.objects.filter(lead=lead, from_status=None, to_status=default).exists()


def test_mail_template_with_a_library_the_renderer_lacks_is_refused(admin_client_staff):
    response = admin_client_staff.post(
        _url("activities.mailtemplate", "add"),
        _template_form(body="{% load humanize %}Hallo {{ contact.full_name }}"),
    )
    assert response.status_code == 200
    assert "Vorlagenfehler in Zeile 1" in response.content.decode()


def test_source_on_a_plain_criterion_option_is_refused(admin_client_staff):
    from leads.models import LeadSource

    criterion = ScoringCriterion.objects.get(name="Einfluss")
    spare = LeadSource.objects.create(name="Ohne Option", rank=99)
    data = _criterion_form(admin_client_staff, criterion, **{"options-0-source": spare.pk})
    response = admin_client_staff.post(_url("leads.scoringcriterion", "change", criterion.pk), data)
    assert response.status_code == 200
    assert "Eine Quelle ist nur beim Kriterium" in response.content.decode()
