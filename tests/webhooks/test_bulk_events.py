"""The import's bulk path announces its leads like lead_create does: one outbox row per
subscription and lead for lead.created (and lead.assigned for distributed leads), written
set-based in a constant number of queries, nothing when no subscription wants the event."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leads.bulk.create import leads_bulk_create
from leads.models import Lead
from tests.capture.test_import_bulk import rows_csv, run
from tests.capture.test_import_leads import upload
from tests.factories import UserFactory
from tests.factories.leads import lead_data, make_rule
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db


def _subscribe(name: str, events_: list[str], **kw) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        name=name, url=f"http://127.0.0.1:9/{name}", events=events_, **kw
    )


def test_import_of_a_few_rows_records_lead_created_per_subscription(marketing):
    erp = _subscribe("erp", ["lead.created"])
    zapier = _subscribe("zapier", ["lead.created", "lead.updated"])
    _subscribe("other", ["activity.created"])
    _subscribe("off", ["lead.created"], active=False)
    rows = [[f"Firma {i}", f"N{i}", f"n{i}@f{i}.de", "", "", ""] for i in range(4)]
    run(upload(marketing, rows_csv(rows)), batch_size=10)

    leads = list(Lead.objects.filter(capture_channel="import").order_by("number"))
    assert len(leads) == 4
    rows_ = WebhookDelivery.objects.filter(event="lead.created")
    assert rows_.count() == 8  # one per active interested subscription and lead
    assert set(rows_.values_list("subscription", flat=True)) == {erp.pk, zapier.pk}
    for subscription in (erp, zapier):
        numbers = sorted(
            d.payload["data"]["number"] for d in rows_.filter(subscription=subscription)
        )
        assert numbers == [lead.number for lead in leads]
    assert set(rows_.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    assert len(set(rows_.values_list("message_id", flat=True))) == 8
    payload = rows_.first().payload
    assert payload["type"] == "lead.created" and "timestamp" in payload
    assert not WebhookDelivery.objects.exclude(event="lead.created").exists()


def test_bulk_create_records_created_and_assigned_in_constant_queries(marketing):
    make_rule("Alle", members=[UserFactory()])
    _subscribe("erp", ["lead.created", "lead.assigned"])

    def queries(n: int, offset: int) -> int:
        rows = [lead_data(company_name=f"Los {offset + i}") for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            leads_bulk_create(rows=rows, user=marketing)
        return len(ctx.captured_queries)

    queries(1, 200)  # warm the per-process caches (statuses, settings)
    few, many = queries(2, 0), queries(8, 100)
    assert few == many
    assert WebhookDelivery.objects.filter(event="lead.created").count() == 11
    assert WebhookDelivery.objects.filter(event="lead.assigned").count() == 11
    assigned = WebhookDelivery.objects.filter(event="lead.assigned").first()
    assert assigned.payload["data"]["follow_up_by"] is not None


def test_no_subscription_no_rows_and_no_payload_queries(marketing):
    _subscribe("other", ["activity.created"])
    rows = [lead_data(company_name=f"Los {i}") for i in range(3)]
    with CaptureQueriesContext(connection) as ctx:
        leads_bulk_create(rows=rows, user=marketing)
    assert not WebhookDelivery.objects.exists()
    lead_reads = [
        q for q in ctx.captured_queries if q["sql"].startswith('SELECT "leads_lead"."id"')
    ]
    assert lead_reads == []
