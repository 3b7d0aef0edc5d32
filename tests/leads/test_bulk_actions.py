"""Bulk actions of the lead list: selection (ticked ids / all matching), each action with
permitted and refused leads, manager-only delete and export, the job above the threshold."""

import pytest
from django.urls import reverse

from jobs.models import Job, JobState
from leads.bulk.actions import JOB_KIND
from leads.bulk.selection import selected_leads
from leads.models import Lead, LostReason
from tests import factories as f
from tests.factories.leads import bulk_leads


def many(n, name, **fields):
    """`n` leads named `name` in one INSERT (tests.factories.leads.bulk_leads numbers them)."""
    leads = bulk_leads(n, **fields)
    Lead.objects.filter(pk__in=[lead.pk for lead in leads]).update(company_name=name)
    return leads


def bulk_url():
    return reverse("boards:lead_bulk")


def post(client, action, *, ids=(), all_matching=False, query="", **values):
    data = {"action": action, "confirm": "1", **values}
    if all_matching:
        data.update({"all": "1", "query": query})
    else:
        data["ids"] = [str(i) for i in ids]
    return client.post(bulk_url(), data)


def job_of(response) -> Job:
    assert response.status_code == 302, getattr(response, "content", b"")[:2000]
    job = Job.objects.filter(kind=JOB_KIND).latest("id")
    assert response["Location"] == reverse("boards:bulk_job", args=[job.pk])
    return job


# --- selection ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_selection_by_ids_ignores_bad_ids(rep):
    a, b = f.LeadFactory(), f.LeadFactory()
    data = {"ids": [str(a.pk), str(b.pk), "x", "-3", "9" * 40, str(a.pk)]}
    from django.http import QueryDict

    qd = QueryDict(mutable=True)
    qd.setlist("ids", data["ids"])
    assert set(selected_leads(rep, qd).values_list("pk", flat=True)) == {a.pk, b.pk}


@pytest.mark.django_db
def test_all_matching_is_the_list_filter(rep, rep_client):
    many(30, "Kiel GmbH")
    many(5, "Ulm AG")
    query = "q=Kiel&sort=-score&cursor=abc&per=25"
    qs = selected_leads(rep, {"all": "1", "query": query})
    # walk the keyset-paged list at the same filter: same leads
    seen, cursor = set(), None
    while True:
        params = {"q": "Kiel", "sort": "-score", "per": 25}
        if cursor:
            params["cursor"] = cursor
        page = rep_client.get(reverse("leads:list"), params).context["page"]
        seen |= {lead.pk for lead in page.items}
        cursor = page.next_cursor
        if not cursor:
            break
    assert set(qs.values_list("pk", flat=True)) == seen
    assert qs.count() == 30


@pytest.mark.django_db
def test_outsider_selects_nothing(outsider):
    lead = f.LeadFactory()
    assert not selected_leads(outsider, {"ids": [str(lead.pk)]}).exists()
    assert not selected_leads(outsider, {"all": "1", "query": ""}).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"action": "assign", "ids": ["abc"]},
        {"action": "nope", "ids": ["1"]},
        {"action": "assign", "all": "1", "query": "score_min=abc&status=999999999999999999999"},
        {"action": "status", "confirm": "1", "ids": ["1"], "status": "x"},
        {"action": "follow_up", "confirm": "1", "all": "1", "follow_up_until": "31.02.99999"},
    ],
)
def test_bad_input_is_no_500(rep_client, data):
    f.LeadFactory()
    response = rep_client.post(bulk_url(), data)
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_outsider_refused(outsider_client):
    lead = f.LeadFactory()
    response = post(outsider_client, "assign", ids=[lead.pk])
    assert response.status_code in (302, 403)
    assert not Job.objects.filter(kind=JOB_KIND).exists()


# --- actions -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_assign_changes_permitted_and_skips_others(rep, teammate, rep_client):
    free = f.LeadFactory(follow_up_by=None)
    mine = f.LeadFactory(follow_up_by=rep)
    theirs = f.LeadFactory(follow_up_by=teammate)
    versions = {lead.pk: lead.version for lead in (free, mine, theirs)}
    job = job_of(post(rep_client, "assign", ids=[free.pk, theirs.pk], follow_up_by=rep.pk))
    assert job.state == JobState.DONE
    assert job.result["updated"] == 1 and job.result["skipped"] == 1
    assert "Keine Berechtigung" in job.result["reasons"]
    free.refresh_from_db(), theirs.refresh_from_db()
    assert free.follow_up_by == rep and free.version == versions[free.pk] + 1
    assert free.history.latest().history_user == rep
    assert theirs.follow_up_by == teammate and theirs.version == versions[theirs.pk]
    page = rep_client.get(reverse("boards:bulk_job", args=[job.pk]))
    assert "Aktualisiert: 1, übersprungen: 1" in page.content.decode()


@pytest.mark.django_db
def test_status_needs_lost_reason_and_skips_not_permitted(rep, teammate, rep_client):
    mine = f.LeadFactory(follow_up_by=rep)
    theirs = f.LeadFactory(follow_up_by=teammate)
    closed = f.status("Disqualifiziert")
    # no reason: the form refuses, nothing changes
    response = post(rep_client, "status", ids=[mine.pk, theirs.pk], status=closed.pk)
    assert response.status_code == 200
    assert "Verlustgrund" in response.content.decode()
    reason = LostReason.objects.filter(active=True).first()
    job = job_of(
        post(
            rep_client,
            "status",
            ids=[mine.pk, theirs.pk],
            status=closed.pk,
            lost_reason=reason.pk,
            lost_note="zu teuer",
        )
    )
    assert job.result["updated"] == 1 and job.result["skipped"] == 1
    mine.refresh_from_db()
    assert mine.status == closed and mine.lost_reason == reason and mine.lost_note == "zu teuer"


@pytest.mark.django_db
def test_status_converted_fails_with_reason(rep, rep_client):
    lead = f.LeadFactory(follow_up_by=rep)
    kontaktiert = f.status("Kontaktiert")
    job = job_of(post(rep_client, "status", ids=[lead.pk], status=kontaktiert.pk))
    assert job.result["updated"] == 1
    # Konvertiert is not offered: the form refuses it
    converted = f.status("Konvertiert")
    response = post(rep_client, "status", ids=[lead.pk], status=converted.pk)
    assert response.status_code == 200


@pytest.mark.django_db
def test_follow_up_date_and_campaign(rep, teammate, rep_client):
    mine = f.LeadFactory(follow_up_by=rep)
    theirs = f.LeadFactory(follow_up_by=teammate)
    job = job_of(
        post(rep_client, "follow_up", ids=[mine.pk, theirs.pk], follow_up_until="2027-01-15")
    )
    assert (job.result["updated"], job.result["skipped"]) == (1, 1)
    mine.refresh_from_db()
    assert mine.follow_up_until.isoformat() == "2027-01-15"
    campaign = f.CampaignFactory()
    job = job_of(post(rep_client, "campaign", ids=[mine.pk, theirs.pk], campaign=campaign.pk))
    assert (job.result["updated"], job.result["skipped"]) == (1, 1)
    mine.refresh_from_db()
    assert mine.campaign == campaign


@pytest.mark.django_db
def test_delete_and_export_managers_only(rep_client, manager_client):
    a, b = f.LeadFactory(), f.LeadFactory()
    assert post(rep_client, "delete", ids=[a.pk]).status_code == 403
    assert post(rep_client, "export", ids=[a.pk], file_format="csv").status_code == 403
    assert Lead.objects.filter(pk=a.pk).exists()
    response = post(manager_client, "export", ids=[a.pk], file_format="csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert a.number in body and b.number not in body
    job = job_of(post(manager_client, "delete", ids=[a.pk]))
    assert job.result["updated"] == 1
    assert not Lead.objects.filter(pk=a.pk).exists() and Lead.objects.filter(pk=b.pk).exists()


@pytest.mark.django_db
def test_add_to_selection_and_save_as_selection(rep, rep_client):
    from boards.models import Selection, SelectionKind, SelectionTarget

    a, b = f.LeadFactory(), f.LeadFactory()
    response = post(rep_client, "save_selection", ids=[a.pk], selection_name="Messe Kiel")
    selection = Selection.objects.get(owner=rep, name="Messe Kiel")
    assert response.status_code == 302
    assert selection.target == SelectionTarget.LEAD and selection.kind == SelectionKind.STATIC
    post(rep_client, "add_to_selection", ids=[a.pk, b.pk], selection=selection.pk)
    assert set(selection.leads.values_list("pk", flat=True)) == {a.pk, b.pk}


@pytest.mark.django_db
def test_above_threshold_runs_as_job_with_progress(
    settings, rep, rep_client, django_capture_on_commit_callbacks
):
    settings.LEADCRM_BULK_JOB_THRESHOLD = 3
    many(5, "Kiel GmbH", follow_up_by=None)
    f.LeadFactory(city="Ulm", company_name="Ulm AG")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(
            rep_client, "assign", all_matching=True, query="q=Kiel", follow_up_by=rep.pk
        )
    job = job_of(response)
    assert job.state == JobState.PENDING and len(callbacks) == 1  # queued, not run in the request
    pending = rep_client.get(reverse("boards:bulk_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" in pending.content.decode()  # the fragment polls its progress
    callbacks[0]()  # the broker delivers it (Celery eager)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.total == 5 and job.done == 5
    assert job.result["updated"] == 5
    assert Lead.objects.filter(follow_up_by=rep).count() == 5
    fragment = rep_client.get(reverse("boards:bulk_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert 'data-testid="bulk-progress"' in fragment.content.decode()


@pytest.mark.django_db
def test_job_page_only_for_its_owner(rep_client, teammate_client, rep):
    lead = f.LeadFactory(follow_up_by=None)
    job = job_of(post(rep_client, "assign", ids=[lead.pk], follow_up_by=rep.pk))
    assert teammate_client.get(reverse("boards:bulk_job", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_list_shows_bulk_bar(rep_client, manager_client):
    f.LeadFactory()
    body = rep_client.get(reverse("leads:list")).content.decode()
    assert 'data-testid="bulk-bar"' in body and 'name="ids"' in body
    assert 'value="delete"' not in body
    assert 'value="delete"' in manager_client.get(reverse("leads:list")).content.decode()


@pytest.mark.django_db
def test_a_refused_rule_counts_as_failed_and_rolls_back_alone(rep):
    from leads.bulk.actions import lead_bulk_start

    a, b = f.LeadFactory(follow_up_by=rep), f.LeadFactory(follow_up_by=rep)
    versions = (a.version, b.version)
    # Konvertiert only by the conversion: the lifecycle refuses it for every lead
    job = lead_bulk_start(
        user=rep,
        spec={"ids": [a.pk, b.pk]},
        action="status",
        values={"status": f.status("Konvertiert").pk},
    )
    assert job.state == JobState.DONE
    assert job.result["failed"] == 2 and not job.result.get("updated")
    assert any("Konvertiert" in reason for reason in job.result["reasons"])
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.version, b.version) == versions
