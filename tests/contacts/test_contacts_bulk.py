"""Bulk update [In großer Menge aktualisieren]: rules, atomicity, job progress, the screens."""

import pytest
from django.urls import reverse

from boards import selections as svc
from contacts import services
from contacts.models import Company, Person
from jobs.models import Job, JobState
from tests.factories import CompanyFactory, PersonFactory, UserFactory, category, status

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    prospect = CompanyFactory(category=category("Lead"))
    customer = CompanyFactory(category=category("Kunde"))
    return [
        PersonFactory(company=prospect, last_name="A", lead_status=status("Offen")),
        PersonFactory(company=prospect, last_name="B", lead_status=status("Kontaktaufnahme")),
        PersonFactory(company=prospect, last_name="C", lead_status=status("Qualifiziert")),
        PersonFactory(company=customer, last_name="D", lead_status=status("Offen")),
        PersonFactory(company=None, last_name="E"),
    ]


def _run(user, target, ids, action, value_id, capture):
    with capture(execute=True):
        job = services.bulk_update_start(
            user=user, target=target, ids=ids, action=action, value_id=value_id
        )
    job.refresh_from_db()
    return job


def test_set_lead_status_only_where_applicable(rep, people, django_capture_on_commit_callbacks):
    job = _run(
        rep,
        "person",
        [p.pk for p in people],
        "lead_status",
        status("Qualifiziert").pk,
        django_capture_on_commit_callbacks,
    )
    assert job.state == JobState.DONE and job.done == job.total == 5
    assert job.result["updated"] == 2
    assert job.result["skipped"] == 3
    assert job.result["reasons"] == {
        "Lead-Status gilt nicht für die Firmenkategorie": 2,
        "Lead-Status war bereits gesetzt": 1,
    }
    names = dict(Person.objects.values_list("last_name", "lead_status__name"))
    assert names == {
        "A": "Qualifiziert",
        "B": "Qualifiziert",
        "C": "Qualifiziert",
        "D": "Offen",
        "E": None,
    }
    assert Person.objects.get(last_name="A").history.count() >= 2  # history written


def test_set_owner(rep, people, django_capture_on_commit_callbacks):
    other = UserFactory()
    job = _run(
        rep, "person", [p.pk for p in people], "owner", other.pk, django_capture_on_commit_callbacks
    )
    assert job.result["updated"] == 5
    assert set(Person.objects.values_list("owner", flat=True)) == {other.pk}


def test_set_company_category_applies_the_lead_status_rule(
    rep, people, django_capture_on_commit_callbacks
):
    customer = people[3].company
    job = _run(
        rep,
        "company",
        [customer.pk, people[0].company_id],
        "category",
        category("Verkaufschance").pk,
        django_capture_on_commit_callbacks,
    )
    assert job.result["updated"] == 2
    assert Company.objects.get(pk=customer.pk).category.name == "Verkaufschance"
    people[3].refresh_from_db()
    people[2].refresh_from_db()
    assert people[3].lead_status.name == "Offen"  # moved into a prospect category
    assert people[2].lead_status.name == "Qualifiziert"  # prospect → prospect: kept


def test_lead_status_for_companies_is_refused(rep, people):
    from contacts.errors import ContactError

    with pytest.raises(ContactError, match="nur für Personen"):
        services.bulk_update_start(
            user=rep, target="company", ids=[1], action="lead_status", value_id=status("Offen").pk
        )


def test_error_leaves_nothing_half_applied(
    rep, people, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BULK_BATCH", 2)
    real = services._bulk_batch
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("Datenbank weg")
        return real(**kwargs)

    monkeypatch.setattr(services, "_bulk_batch", failing)
    job = _run(
        rep,
        "person",
        [p.pk for p in people],
        "lead_status",
        status("Disqualifiziert").pk,
        django_capture_on_commit_callbacks,
    )
    assert job.state == JobState.FAILED
    assert "nichts davon wurde übernommen" in job.error
    assert not Person.objects.filter(lead_status__name="Disqualifiziert").exists()


def test_large_sets_run_in_batches_and_record_progress(
    rep, people, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "BULK_SINGLE_TRANSACTION", 2)
    monkeypatch.setattr(services, "BULK_BATCH", 2)
    job = _run(
        rep, "person", [p.pk for p in people], "owner", rep.pk, django_capture_on_commit_callbacks
    )
    assert job.state == JobState.DONE and job.done == 5
    assert job.result["updated"] == 5


def test_running_twice_is_harmless(rep, people, django_capture_on_commit_callbacks):
    job = _run(
        rep,
        "person",
        [people[0].pk],
        "lead_status",
        status("Qualifiziert").pk,
        django_capture_on_commit_callbacks,
    )
    services.bulk_update_run(job=job)  # a finished job is left alone
    job.refresh_from_db()
    assert job.result["updated"] == 1


def _find_params():
    return {
        "target": "person",
        "c0_field": "company.category",
        "c0_op": "in",
        "c0_val": [category("Lead").pk, category("Kunde").pk],
    }


def test_bulk_screen_from_find_results(rep_client, people, django_capture_on_commit_callbacks):
    url = reverse("boards:bulk_update")
    page = rep_client.get(url, _find_params())
    assert page.status_code == 200
    assert "Firma › Kategorie ist einer von" in page.content.decode()
    data = {**_find_params(), "action": "lead_status", "lead_status": status("Qualifiziert").pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post(url, data)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("boards:bulk_job", args=[job.pk])
    body = rep_client.get(response["Location"]).content.decode()
    assert "Aktualisiert: 2, übersprungen: 2" in body
    assert "Lead-Status gilt nicht für die Firmenkategorie: 1" in body
    fragment = rep_client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "bulk-summary" in fragment


def test_bulk_screen_from_selection(rep_client, rep, people, django_capture_on_commit_callbacks):
    selection = svc.selection_create(
        user=rep,
        name="Alle",
        target="person",
        kind="static",
        criteria=[{"field": "person.name", "op": "contains", "values": ["A"]}],
        shared=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post(
            reverse("boards:bulk_update"),
            {"selection": selection.pk, "action": "owner", "owner": rep.pk},
        )
    assert response.status_code == 302
    assert Person.objects.get(last_name="A").owner == rep


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "explode"}, "gültige Aktion"),
        ({"action": "lead_status", "lead_status": "999999"}, "gültigen Lead-Status"),
        ({"action": "lead_status"}, "Bitte einen Wert"),
        ({"action": "owner", "owner": "x"}, "gültigen Benutzer"),
        ({"action": "category", "category": "-5"}, "gültige Kategorie"),
    ],
)
def test_bulk_bad_input(rep_client, people, data, message):
    response = rep_client.post(reverse("boards:bulk_update"), {**_find_params(), **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Job.objects.exists()


def test_bulk_unknown_or_private_selection_is_404(rep_client, teammate):
    selection = svc.selection_create(
        user=teammate, name="Privat", target="person", kind="dynamic", criteria=[], shared=False
    )
    assert (
        rep_client.get(reverse("boards:bulk_update"), {"selection": selection.pk}).status_code
        == 404
    )
    assert rep_client.get(reverse("boards:bulk_update"), {"selection": 999999}).status_code == 404


def test_job_of_someone_else_is_404(rep_client, teammate):
    job = Job.objects.create(kind=services.BULK_JOB_KIND, title="x", created_by=teammate)
    assert rep_client.get(reverse("boards:bulk_job", args=[job.pk])).status_code == 404


def test_outsider_refused(outsider_client, outsider):
    job = Job.objects.create(kind=services.BULK_JOB_KIND, title="x", created_by=outsider)
    assert outsider_client.get(reverse("boards:bulk_update")).status_code == 403
    assert outsider_client.post(reverse("boards:bulk_update")).status_code == 403
    assert outsider_client.get(reverse("boards:bulk_job", args=[job.pk])).status_code == 403


def test_bulk_screen_query_count_does_not_grow(rep_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(n):
        for _ in range(n):
            PersonFactory(company=CompanyFactory(category=category("Lead")))

    grow(2)
    with CaptureQueriesContext(connection) as small:
        rep_client.get(reverse("boards:bulk_update"), _find_params())
    grow(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert rep_client.get(reverse("boards:bulk_update"), _find_params()).status_code == 200
