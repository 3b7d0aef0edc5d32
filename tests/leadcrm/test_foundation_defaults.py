"""The data migrations create the default lists of the seed documents and the role groups.

The expected values are written out here on purpose (not read from the defaults modules):
a fresh installation must show exactly these lists to the users.
"""

import pytest
from django.contrib.auth.models import Group
from django_celery_beat.models import PeriodicTask

from activities.models import MailTemplate
from contacts.models import Category, CategoryGroup, GroupKind, LeadStatus
from leads.models import Interest, LeadSource, LeadType, ScoringCriterion, ScoringOption

pytestmark = [pytest.mark.smoke, pytest.mark.django_db]

SOURCES = ["Messe", "Webseite", "Empfehlung", "Telefon", "E-Mail", "Kampagne", "Sonstige"]


def test_lead_statuses_in_order_with_phases_and_one_default():
    rows = list(LeadStatus.objects.order_by("rank").values_list("name", "phase", "is_default"))
    assert rows == [
        ("Offen", "open", True),
        ("Kontaktaufnahme", "working", False),
        ("Kontaktiert", "working", False),
        ("Qualifiziert", "qualified", False),
        ("Erneut bearbeiten", "revisit", False),
        ("Disqualifiziert", "disqualified", False),
        ("Geschlossen", "closed", False),
        ("Konvertiert", "converted", False),
    ]
    assert LeadStatus.objects.default().name == "Offen"
    assert {s.name for s in LeadStatus.objects.terminal()} == {
        "Disqualifiziert",
        "Geschlossen",
        "Konvertiert",
    }
    assert all(s.description for s in LeadStatus.objects.all())


def test_category_groups_and_categories():
    assert list(CategoryGroup.objects.values_list("name", "kind")) == [
        ("Kunde", GroupKind.CUSTOMER),
        ("Potenzieller Kunde", GroupKind.PROSPECT),
        ("Partner", GroupKind.PARTNER),
        ("Lieferant", GroupKind.SUPPLIER),
    ]
    rows = list(Category.objects.values_list("name", "group__name", "lead_status_enabled"))
    assert rows == [
        ("Kunde", "Kunde", False),
        ("Lead", "Potenzieller Kunde", True),
        ("Marketingqualifiziertes Lead", "Potenzieller Kunde", True),
        ("Verkaufschance", "Potenzieller Kunde", True),
        ("Verlorene Chance", "Potenzieller Kunde", True),
        ("Partner", "Partner", False),
        ("Lieferant", "Lieferant", False),
    ]
    # the lead status is only ever enabled in the prospect group
    enabled = Category.objects.filter(lead_status_enabled=True)
    assert {c.group.kind for c in enabled} == {GroupKind.PROSPECT}
    assert all(c.uses_lead_status for c in enabled)


def test_sources_types_interests():
    assert list(LeadSource.objects.values_list("name", flat=True)) == SOURCES
    assert list(LeadType.objects.values_list("name", flat=True)) == [
        "MQL",
        "SQL",
        "PQL",
        "Service-QL",
        "Information-QL",
    ]
    assert all(t.description for t in LeadType.objects.all())
    assert list(Interest.objects.values_list("name", flat=True)) == [
        "Photovoltaik",
        "Windkraft",
        "Energiemanagement",
        "Smart-Home-Produkte",
        "Batteriespeichersysteme",
    ]


def test_six_scoring_criteria_and_the_source_criterion_maps_all_sources():
    criteria = list(ScoringCriterion.objects.values_list("name", "weight", "uses_source"))
    assert criteria == [
        ("Einfluss", 3, False),
        ("Größe", 2, False),
        ("Branche", 2, False),
        ("Bedarf", 3, False),
        ("Quelle", 1, True),
        ("Volumen", 3, False),
    ]
    source_criterion = ScoringCriterion.objects.get(uses_source=True)
    options = ScoringOption.objects.filter(criterion=source_criterion).select_related("source")
    assert {o.source.name for o in options} == set(SOURCES)
    assert all(o.label == o.source.name for o in options)
    assert {o.source.name: o.points for o in options}["Empfehlung"] == 100
    # every other criterion has its own options, none of them tied to a source
    for criterion in ScoringCriterion.objects.filter(uses_source=False):
        opts = list(criterion.options.all())
        assert len(opts) >= 3, criterion.name
        assert all(o.source_id is None for o in opts)
        assert max(o.points for o in opts) == 100


def test_four_mail_templates():
    rows = set(MailTemplate.objects.values_list("purpose", "name"))
    assert rows == {
        ("appointment_confirmation", "Messebesuch"),
        ("appointment_confirmation", "Meeting"),
        ("info_material", "Messegespräch"),
        ("info_material", "Internetanfrage"),
    }
    assert all(t.subject and t.body and t.active for t in MailTemplate.objects.all())


def test_beat_schedules_present():
    tasks = dict(PeriodicTask.objects.values_list("name", "task"))
    assert tasks == {
        "Nachbetreuung überfällig": "leads.tasks.notify_overdue_follow_ups",
        "Terminerinnerungen": "activities.tasks.send_appointment_reminders",
        "Mail-Ausgang prüfen": "activities.tasks.requeue_pending_mails",
        "Bestätigungsmails (Double-Opt-in) prüfen": "leads.tasks.requeue_pending_doi_mails",
        "Veraltete Leads markieren": "leads.tasks.flag_stale_leads",
        "Wochenübersicht veraltete Leads": "leads.tasks.send_stale_digests",
        "Tägliche Zusammenfassung": "notifications.tasks.send_daily_digests",
        "Aufbewahrung (DSGVO)": "leads.tasks.apply_retention",
        "Auswertungen vorberechnen": "boards.tasks.refresh_dashboard_summary",
        "Hintergrundaufträge prüfen": "jobs.tasks.requeue_stalled_jobs",
        "Webhook-Zustellungen prüfen": "webhooks.tasks.requeue_due_webhooks",
        "E-Mail-Eingang abrufen": "inbound.tasks.poll_inbound_mail",
        "Reaktionszeiten (SLA) prüfen": "sla.tasks.check_response_slas",
        "Nachfass-Sequenzen: fällige Schritte": "sequences.tasks.run_due_steps",
        "Nachfass-Sequenzen: Aufnahme per Regel": "sequences.tasks.enrol_by_rules",
        "Engagement-Score berechnen": "engagement.tasks.recompute_engagement_scores",
    }
    # every scheduled task is registered with the worker's app (no typo, no missing module)
    from leadcrm.celery import app

    app.loader.import_default_modules()
    assert set(tasks.values()) <= set(app.tasks)
    overdue = PeriodicTask.objects.get(name="Nachbetreuung überfällig")
    assert overdue.interval.every == 15 and overdue.interval.period == "minutes"
    weekly = PeriodicTask.objects.get(name="Wochenübersicht veraltete Leads")
    assert (weekly.crontab.minute, weekly.crontab.hour, weekly.crontab.day_of_week) == (
        "0",
        "7",
        "1",
    )
    assert str(weekly.crontab.timezone) == "Europe/Berlin"


def _perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_role_groups_exist_with_permissions():
    assert {"Vertrieb", "Vertriebsleitung", "Marketing"} <= set(
        Group.objects.values_list("name", flat=True)
    )
    sales, managers, marketing = _perms("Vertrieb"), _perms("Vertriebsleitung"), _perms("Marketing")

    for perms in (sales, managers, marketing):
        assert {"leads.add_lead", "leads.change_lead", "leads.view_lead"} <= perms
        assert {"contacts.change_company", "contacts.change_person"} <= perms
        assert "activities.add_activity" in perms

    # only managers delete business records
    assert "leads.delete_lead" not in sales
    assert "leads.delete_lead" not in marketing
    assert {"leads.delete_lead", "contacts.delete_company", "contacts.delete_person"} <= managers
    # configuration lists are for admins (staff), not for the roles
    for perms in (sales, managers, marketing):
        assert "contacts.change_leadstatus" not in perms
        assert "leads.change_scoringcriterion" not in perms
    # marketing runs campaigns, sales does not
    assert "leads.change_campaign" in marketing
    assert "leads.change_campaign" not in sales
