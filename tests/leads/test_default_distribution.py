"""Ownership out of the box (issue #15, point 6): the mask proposes the creator, a fresh
install distributes round robin over the role Vertrieb, web-form and imported leads go
through the rules, the assignee hears of it, and an unplaceable lead reaches the
Vertriebsleitung."""

import time

import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import Role
from capture.views.webform import TIMESTAMP_SALT
from leads import defaults
from leads.bulk.create import leads_bulk_create
from leads.models import AssignmentMember, AssignmentRule, Lead
from leads.services.lead import lead_create
from notifications.models import Kind, Notification
from tests import factories as f
from tests.factories.leads import lead_data

pytestmark = pytest.mark.django_db


def _default_rule() -> AssignmentRule:
    return AssignmentRule.objects.get(name=defaults.DEFAULT_RULE)


def test_fresh_install_has_an_active_round_robin_over_vertrieb():
    """The rule comes from the migration (pytest-django migrates the test database)."""
    rule = _default_rule()
    assert rule.active and rule.strategy == "round_robin"
    assert rule.member_role == Role.SALES
    assert not rule.members.exists()  # members are the role's users, nobody to list by hand


def test_loading_the_defaults_again_adds_no_second_rule():
    from django.apps import apps

    defaults.load_default_rule(apps)
    defaults.load_default_rule(apps)
    assert AssignmentRule.objects.filter(name=defaults.DEFAULT_RULE).count() == 1


def test_new_lead_without_owner_goes_round_robin_over_the_reps(rep, teammate, manager):
    owners = [lead_create(data=lead_data(), user=None).lead.follow_up_by for _ in range(4)]
    assert set(owners) == {rep, teammate}
    assert owners[0] != owners[1] and owners[0] == owners[2]
    assert manager not in owners  # Vertriebsleitung is not in the role Vertrieb
    first = Lead.objects.order_by("pk").first()
    note = Notification.objects.get(object_id=first.pk, kind=Kind.LEAD_ASSIGNED)
    assert note.recipient == first.follow_up_by
    assert "Vertrieb reihum" in note.display_text


def test_a_rep_who_leaves_the_role_gets_no_more_leads(rep, teammate):
    lead_create(data=lead_data(), user=None)
    teammate.groups.clear()
    owners = {lead_create(data=lead_data(), user=None).lead.follow_up_by for _ in range(3)}
    assert owners == {rep}


def test_an_own_rule_ranked_first_wins_over_the_default(rep, teammate):
    special = AssignmentRule.objects.create(name="Nord", rank=1)
    AssignmentMember.objects.create(rule=special, user=teammate)
    assert lead_create(data=lead_data(), user=None).lead.follow_up_by == teammate


def test_mask_proposes_the_creator_as_follow_up_owner(rep_client, rep):
    response = rep_client.get(reverse("leads:create"))
    form = response.context["form"]
    assert form["follow_up_by"].value() == rep.pk
    assert f'<option value="{rep.pk}" selected' in response.content.decode()


def test_the_owner_chosen_in_the_mask_wins_over_the_rules(rep_client, rep, teammate):
    data = {
        "status": str(f.default_status().pk),
        "company_name": "Wahl GmbH",
        "email": "info@wahl-beispiel.de",
        "follow_up_by": str(teammate.pk),
        "country": "DE",
    }
    assert rep_client.post(reverse("leads:create"), data).status_code == 302
    lead = Lead.objects.get(company_name="Wahl GmbH")
    assert lead.follow_up_by == teammate
    assert _default_rule().members.filter(assigned_count__gt=0).count() == 0


def test_web_form_lead_gets_an_owner_and_the_owner_is_told(client, rep):
    campaign = f.CampaignFactory(
        name="Webanfrage 2026",
        slug="webanfrage",
        web_form_enabled=True,
        consent_text="Ich möchte Informationen per E-Mail erhalten.",
        consent_version="2026-1",
    )
    payload = {
        "first_name": "Julia",
        "last_name": "Schneider",
        "company_name": "Sonnenhof Energie GmbH",
        "email": "julia.schneider@sonnenhof-energie.de",
        "ts": signing.dumps({"t": time.time() - 10, "c": campaign.pk}, salt=TIMESTAMP_SALT),
        "homepage": "",
    }
    response = client.post(
        reverse("capture:web_form", args=[campaign.slug]), payload, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302
    lead = Lead.objects.get(email="julia.schneider@sonnenhof-energie.de")
    assert lead.follow_up_by == rep
    assert Notification.objects.filter(
        recipient=rep, kind=Kind.LEAD_ASSIGNED, object_id=lead.pk
    ).exists()


def test_imported_leads_go_through_the_default_rule(rep, teammate, marketing):
    leads = leads_bulk_create(
        rows=[lead_data(company_name=f"Import {i} GmbH") for i in range(4)], user=marketing
    )
    owners = [Lead.objects.get(pk=lead.pk).follow_up_by for lead in leads]
    assert owners.count(rep) == 2 and owners.count(teammate) == 2
    assert Notification.objects.filter(kind=Kind.LEAD_ASSIGNED).count() == 4


def test_unplaceable_lead_notifies_the_vertriebsleitung_once(manager, rep):
    AssignmentRule.objects.update(active=False)
    lead = lead_create(data=lead_data(company_name="Niemand GmbH"), user=rep).lead
    assert lead.follow_up_by is None
    note = Notification.objects.get(kind=Kind.LEAD_UNASSIGNED)
    assert note.recipient == manager and note.object_id == lead.pk
    assert "Niemand GmbH" in note.display_title
    assert note.priority == "A"


def test_nobody_in_the_role_notifies_the_vertriebsleitung(manager):
    lead = lead_create(data=lead_data(), user=None).lead  # the rule has no rep to pick
    assert lead.follow_up_by is None
    assert Notification.objects.filter(recipient=manager, kind=Kind.LEAD_UNASSIGNED).exists()


def test_unplaceable_import_batch_is_one_notification_per_manager(manager, marketing):
    AssignmentRule.objects.update(active=False)
    leads_bulk_create(rows=[lead_data(company_name=f"Los {i}") for i in range(5)], user=marketing)
    notes = list(Notification.objects.filter(recipient=manager))
    assert [n.kind for n in notes] == [Kind.LEADS_UNASSIGNED]
    assert notes[0].display_title == "5 importierte Leads ohne Zuständigkeit"
    assert notes[0].url.endswith("?follow_up_by=nobody")
