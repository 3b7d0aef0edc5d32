"""Dashboard view: renders, CSV, tiles link to the lead list, outsider refused."""

from django.urls import reverse

from tests.factories import LeadFactory, status


def test_dashboard_renders_all_charts(rep_client, rep):
    LeadFactory.create_batch(3, follow_up_by=rep)
    LeadFactory(status=status("Kontaktiert"))
    response = rep_client.get(reverse("boards:dashboard"))
    assert response.status_code == 200
    body = response.content.decode()
    for key in ("status_source", "source_share", "type_share", "closed_months", "funnel"):
        assert f'id="chart-data-{key}"' in body
    assert "<script>" not in body.replace('<script src', '')
