"""Which service writes announce which webhook event (the outbox row is the evidence)."""

import pytest
from django.utils import timezone

from activities.models import ActivityKind
from activities.services import activity_create
from contacts.models import LeadStatus
from conversion.services import lead_convert
from leads.services.lead import lead_create, lead_update
from leads.services.lifecycle import lead_set_status
from opportunities.services import opportunity_update
from tests.factories import LeadFactory, OpportunityFactory
from tests.factories.leads import lead_data, make_rule
from webhooks.models import Event, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def subscription():
    # a receiver that is never reached: the tests read the outbox, not the wire
    return WebhookSubscription.objects.create(
        name="Alles", url="http://127.0.0.1:9/hook", events=list(Event.values)
    )


def _events() -> list[str]:
    return list(WebhookDelivery.objects.order_by("id").values_list("event", flat=True))


def test_create_with_distribution_announces_created_and_assigned(
    rep, django_capture_on_commit_callbacks
):
    make_rule(members=[rep])
    with django_capture_on_commit_callbacks(execute=False):
        lead = lead_create(data=lead_data(), user=None).lead
    assert lead.follow_up_by == rep
    assert _events() == ["lead.created", "lead.assigned"]
    assert WebhookDelivery.objects.first().payload["data"]["follow_up_by"] == rep.pk


def test_update_announces_updated_and_status_and_owner_changes(
    rep, teammate, django_capture_on_commit_callbacks
):
    lead = LeadFactory(follow_up_by=rep, version=1)
    status = LeadStatus.objects.get(name="Kontaktiert")
    with django_capture_on_commit_callbacks(execute=False):
        lead_update(
            lead=lead,
            data={"status": status, "follow_up_by": teammate},
            user=rep,
            expected_version=1,
        )
    assert _events() == ["lead.status_changed", "lead.updated", "lead.assigned"]


def test_status_change_announces_status_changed(rep, django_capture_on_commit_callbacks):
    lead = LeadFactory(follow_up_by=rep, version=1)
    with django_capture_on_commit_callbacks(execute=False):
        lead_set_status(
            lead=lead,
            status=LeadStatus.objects.get(name="Kontaktiert"),
            user=rep,
            expected_version=1,
        )
    assert _events() == ["lead.status_changed"]


def test_activity_and_opportunity_events(rep, django_capture_on_commit_callbacks):
    opportunity = OpportunityFactory(version=1)
    with django_capture_on_commit_callbacks(execute=False):
        activity_create(
            data={"kind": ActivityKind.NOTE, "subject": "Telefonat", "start": timezone.now()},
            user=rep,
        )
        opportunity_update(
            opportunity=opportunity, data={"title": "Neu"}, user=rep, expected_version=1
        )
    assert _events() == ["activity.created", "opportunity.updated"]
    assert WebhookDelivery.objects.order_by("id").last().payload["data"]["title"] == "Neu"


def test_conversion_announces_converted(rep, django_capture_on_commit_callbacks):
    lead = LeadFactory(follow_up_by=rep, version=1)
    with django_capture_on_commit_callbacks(execute=False):
        lead_convert(
            lead=lead,
            user=rep,
            expected_version=1,
            company_data={"name": "Sonnen GmbH"},
            person_data={"last_name": "Berg"},
        )
    assert "lead.converted" in _events()
    converted = WebhookDelivery.objects.get(event="lead.converted")
    assert converted.payload["data"]["id"] == lead.pk
