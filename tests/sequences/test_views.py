"""The lead section, enrolment by hand and in bulk, the rule job, the report."""

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityKind, DeliveryStatus, MailState
from sequences.jobs.rules import enrol_by_rules
from sequences.jobs.steps import run_due_steps
from sequences.models import Enrolment, EnrolmentState, StopReason
from sequences.services import enrolment_start
from tests.factories.activities import ActivityFactory
from tests.factories.base import source
from tests.factories.leads import LeadFactory
from tests.sequences.conftest import consent, monday_10

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def section_url(lead):
    return reverse("sequences:lead_section", args=[lead.pk])


def test_lead_page_loads_the_section(rep_client, lead):
    response = rep_client.get(lead.get_absolute_url())
    assert section_url(lead) in response.content.decode()


def test_section_shows_current_sequence_and_next_step(rep_client, enrolment, lead):
    response = rep_client.get(section_url(lead), **HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "Webanfrage nachfassen" in body and "E-Mail „Nachfass 1“" in body


def test_outsider_is_refused(outsider_client, lead, sequence):
    assert outsider_client.get(section_url(lead)).status_code == 403
    url = reverse("sequences:lead_enrol", args=[lead.pk])
    assert outsider_client.post(url, {"sequence": sequence.pk}).status_code == 403


def test_enrol_and_stop_by_hand(rep_client, lead, sequence):
    url = reverse("sequences:lead_enrol", args=[lead.pk])
    response = rep_client.post(url, {"sequence": sequence.pk}, **HX)
    assert response.status_code == 200 and "Sequenz beenden" in response.content.decode()
    again = rep_client.post(url, {"sequence": sequence.pk}, **HX)
    assert again.status_code == 409 and "bereits in der Sequenz" in again.content.decode()
    rep_client.post(reverse("sequences:lead_stop", args=[lead.pk]), **HX)
    enrolment = Enrolment.objects.get(lead=lead)
    assert (enrolment.state, enrolment.stop_reason) == (EnrolmentState.STOPPED, StopReason.MANUAL)


@pytest.mark.parametrize("value", ["", "abc", "99999999999999999999", "-1"])
def test_bad_sequence_input_is_a_400(rep_client, lead, value):
    url = reverse("sequences:lead_enrol", args=[lead.pk])
    assert rep_client.post(url, {"sequence": value}, **HX).status_code == 400


def test_teammate_cannot_enrol_a_lead_of_someone_else(teammate_client, lead, sequence):
    url = reverse("sequences:lead_enrol", args=[lead.pk])
    assert teammate_client.post(url, {"sequence": sequence.pk}).status_code == 403


def test_bulk_enrol_by_ids_skips_foreign_and_enrolled(rep, rep_client, teammate, sequence):
    mine = [LeadFactory(follow_up_by=rep) for _ in range(3)]
    foreign = LeadFactory(follow_up_by=teammate)
    enrolment_start(lead=mine[0], sequence=sequence, user=rep)
    data = {"sequence": sequence.pk, "ids": [lead.pk for lead in [*mine, foreign]] + ["x"]}
    response = rep_client.post(reverse("sequences:bulk_enrol"), data)
    assert response.status_code == 302
    enrolled = set(Enrolment.objects.active().values_list("lead_id", flat=True))
    assert enrolled == {lead.pk for lead in mine}


def test_bulk_enrol_all_matching_the_list_filter(manager_client, sequence):
    web = source("Webseite")
    matching = [LeadFactory(source=web) for _ in range(2)]
    LeadFactory()
    data = {"sequence": sequence.pk, "all": "1", "query": f"source={web.pk}&sort=-created"}
    manager_client.post(reverse("sequences:bulk_enrol"), data)
    assert set(Enrolment.objects.values_list("lead_id", flat=True)) == {
        lead.pk for lead in matching
    }


def test_bulk_enrol_refuses_outsider(outsider_client, sequence):
    response = outsider_client.post(reverse("sequences:bulk_enrol"), {"sequence": sequence.pk})
    assert response.status_code == 403


def test_rule_enrols_new_matching_leads_once(sequence):
    web = source("Webseite")
    sequence.auto_enrol, sequence.rule_source = True, web
    sequence.auto_enrol_from = timezone.now()
    sequence.save()
    new = LeadFactory(source=web)
    LeadFactory()  # another source
    assert enrol_by_rules() == {sequence.name: 1}
    assert enrol_by_rules() == {sequence.name: 0}
    Enrolment.objects.filter(lead=new).update(state=EnrolmentState.FINISHED)
    assert enrol_by_rules() == {sequence.name: 0}  # never again by the rule
    assert Enrolment.objects.get().lead == new


def _report_data(sequence, rep, n):
    for _i in range(n):
        lead = LeadFactory(follow_up_by=rep)
        consent(lead)
        enrolment_start(lead=lead, sequence=sequence, user=rep)
    run_due_steps(now=monday_10())
    mails = list(
        ActivityFactory._meta.model.objects.filter(kind=ActivityKind.EMAIL_OUT).order_by("id")
    )
    return mails


def test_report_numbers(manager_client, sequence, rep):
    mails = _report_data(sequence, rep, 4)
    type(mails[0]).objects.filter(pk__in=[m.pk for m in mails]).update(mail_state=MailState.SENT)
    type(mails[0]).objects.filter(pk=mails[0].pk).update(delivery_status=DeliveryStatus.OPENED)
    type(mails[0]).objects.filter(pk=mails[1].pk).update(delivery_status=DeliveryStatus.CLICKED)
    replied = mails[2].leads.get()
    replied.activities.add(ActivityFactory(kind=ActivityKind.EMAIL_IN, subject="Re"))
    converted = mails[3].leads.get()
    converted.converted_at = timezone.now()
    converted.save()
    response = manager_client.get(reverse("sequences:report"))
    row = next(r for r in response.context["rows"] if r["sequence"] == sequence)
    assert {k: v for k, v in row.items() if k != "sequence"} == {
        "enrolled": 4,
        "active": 4,
        "sent": 4,
        "opened": 2,
        "clicked": 1,
        "replied": 1,
        "converted": 1,
    }


def test_report_query_count_is_constant(
    manager_client, sequence, rep, django_assert_max_num_queries
):
    _report_data(sequence, rep, 2)
    with django_assert_max_num_queries(12) as small:
        manager_client.get(reverse("sequences:report"))
    _report_data(sequence, rep, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        manager_client.get(reverse("sequences:report"))


def test_section_query_count_is_constant(rep_client, lead, sequence, django_assert_max_num_queries):
    enrolment = enrolment_start(lead=lead, sequence=sequence, user=lead.follow_up_by)
    with django_assert_max_num_queries(15) as small:
        rep_client.get(section_url(lead), **HX)
    for _ in range(4):
        Enrolment.objects.filter(pk=enrolment.pk).update(state=EnrolmentState.STOPPED)
        enrolment = enrolment_start(lead=lead, sequence=sequence, user=lead.follow_up_by)
    with django_assert_max_num_queries(len(small.captured_queries)):
        rep_client.get(section_url(lead), **HX)


@pytest.mark.parametrize("who", ["rep_client", "marketing_client", "outsider_client"])
def test_report_is_for_managers(request, who):
    client = request.getfixturevalue(who)
    assert client.get(reverse("sequences:report")).status_code == 403


def test_demo_sequence_is_built_once(rep, staff_admin, manager):
    from demo.sequences import NAME, ensure_demo_sequence

    users = {"vertrieb": rep}
    lead = LeadFactory(follow_up_by=rep)
    consent(lead)
    assert ensure_demo_sequence(users=users).steps.count() == 7
    assert ensure_demo_sequence(users=users) is None
    assert Enrolment.objects.get(sequence__name=NAME).lead == lead


def test_bulk_bar_without_sequence_asks_and_keeps_the_selection(rep, rep_client, sequence):
    lead = LeadFactory(follow_up_by=rep)
    response = rep_client.post(reverse("sequences:bulk_enrol"), {"ids": [lead.pk], "query": ""})
    body = response.content.decode()
    assert response.status_code == 200 and sequence.name in body
    assert f'name="ids" value="{lead.pk}"' in body
    assert not Enrolment.objects.exists()
