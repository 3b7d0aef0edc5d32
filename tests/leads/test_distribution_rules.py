"""Distribution of new leads [Neue Leads verteilen]: rules, weights, absences, fallback."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection, transaction
from django.utils import timezone

from leads.models import AssignmentMember, AssignmentStrategy, Lead
from leads.services.distribution import (
    choose_owner,
    lead_assign_owner,
    matching_rule,
    unassigned_leads,
)
from notifications.models import Kind, Notification
from tests.factories import (
    CampaignFactory,
    LeadFactory,
    UserFactory,
    interest,
    lead_type,
    source,
    status,
)
from tests.factories.leads import bulk_leads, lead_data, make_rule

TODAY = timezone.localdate()


def assign_all(leads, **kwargs):
    picks = Counter()
    for lead in leads:
        with transaction.atomic():
            result = lead_assign_owner(lead=lead, **kwargs)
        picks[result.user.pk if result else None] += 1
    return picks


@pytest.mark.smoke
@pytest.mark.django_db
def test_weighted_round_robin_is_exact_over_1000_leads():
    """The picker with its lock and counter, 1,000 times (the full path is tested below)."""
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    rule = make_rule(members=[(a, 1), (b, 1), (c, 2)])

    picks = Counter()
    for _ in range(1000):
        with transaction.atomic():
            picks[choose_owner(rule, today=TODAY).user.pk] += 1

    assert abs(picks[a.pk] - 250) <= 1
    assert abs(picks[b.pk] - 250) <= 1
    assert abs(picks[c.pk] - 500) <= 1
    counts = dict(AssignmentMember.objects.values_list("user_id", "assigned_count"))
    assert counts == {a.pk: picks[a.pk], b.pk: picks[b.pk], c.pk: picks[c.pk]}


@pytest.mark.django_db
def test_weighted_shares_through_lead_assign_owner():
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    make_rule(members=[(a, 1), (b, 1), (c, 2)])

    picks = assign_all(bulk_leads(100))

    assert picks == {a.pk: 25, b.pk: 25, c.pk: 50}
    assert Counter(Lead.objects.values_list("follow_up_by_id", flat=True)) == picks
    counts = dict(AssignmentMember.objects.values_list("user_id", "assigned_count"))
    assert counts == {a.pk: picks[a.pk], b.pk: picks[b.pk], c.pk: picks[c.pk]}


@pytest.mark.django_db
def test_round_robin_order_is_smooth():
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    make_rule(members=[(a, 1), (b, 1), (c, 2)])

    order = [lead_assign_owner(lead=lead).user for lead in bulk_leads(8)]

    # never two in a row for the light members, c gets every second lead
    assert Counter(u.pk for u in order[:4]) == {a.pk: 1, b.pk: 1, c.pk: 2}
    assert Counter(u.pk for u in order[4:]) == {a.pk: 1, b.pk: 1, c.pk: 2}


@pytest.mark.django_db
def test_absent_and_inactive_members_get_none():
    present, absent, gone = UserFactory(), UserFactory(), UserFactory(is_active=False)
    absent.absent_from = TODAY - dt.timedelta(days=1)
    absent.absent_until = TODAY + dt.timedelta(days=3)
    absent.save()
    make_rule(members=[present, (absent, 5), (gone, 5)])

    picks = assign_all(bulk_leads(20))

    assert picks == {present.pk: 20}


@pytest.mark.django_db
def test_absence_that_ended_counts_again():
    back = UserFactory(
        absent_from=TODAY - dt.timedelta(days=9), absent_until=TODAY - dt.timedelta(days=1)
    )
    make_rule(members=[back])

    assert lead_assign_owner(lead=bulk_leads(1)[0]).user == back


@pytest.mark.django_db
def test_all_absent_goes_to_fallback_user():
    away = UserFactory(absent_from=TODAY, absent_until=TODAY)
    fallback = UserFactory(first_name="Erika", last_name="Ersatz")
    make_rule(members=[away], fallback_user=fallback)

    result = lead_assign_owner(lead=bulk_leads(1)[0])

    assert result.user == fallback
    assert "abwesend" in result.reason


@pytest.mark.django_db
def test_all_absent_without_fallback_stays_in_team_queue():
    away = UserFactory(absent_from=TODAY, absent_until=TODAY)
    make_rule(members=[away])
    lead = bulk_leads(1)[0]

    assert lead_assign_owner(lead=lead) is None
    assert list(unassigned_leads()) == [lead]


@pytest.mark.django_db
def test_no_matching_rule_leaves_the_lead_unassigned():
    rep = UserFactory()
    make_rule(members=[rep], countries="AT,CH")
    lead = LeadFactory(country="DE", follow_up_by=None)

    assert lead_assign_owner(lead=lead) is None
    lead.refresh_from_db()
    assert lead.follow_up_by is None
    assert lead in unassigned_leads()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("condition", "matching", "other"),
    [
        ("countries", {"country": "AT"}, {"country": "DE"}),
        ("postal_code_prefixes", {"postal_code": "80331"}, {"postal_code": "10115"}),
        ("sources", {"source": "Messe"}, {"source": "Webseite"}),
        ("types", {"type": "SQL"}, {"type": "MQL"}),
        ("campaigns", {"campaign": "Frühjahr"}, {"campaign": None}),
        ("interests", {"interests": ["Windkraft"]}, {"interests": ["Photovoltaik"]}),
    ],
)
def test_each_condition_narrows_the_rule(condition, matching, other):
    special, general = UserFactory(), UserFactory()
    campaign = CampaignFactory(name="Frühjahr")
    rule = make_rule("Speziell", rank=1, members=[special])
    make_rule("Rest", rank=2, members=[general])
    if condition == "countries":
        rule.countries = "at, ch"
    elif condition == "postal_code_prefixes":
        rule.postal_code_prefixes = "80,81"
    elif condition == "sources":
        rule.sources.set([source("Messe")])
    elif condition == "types":
        rule.types.set([lead_type("SQL")])
    elif condition == "campaigns":
        rule.campaigns.set([campaign])
    elif condition == "interests":
        rule.interests.set([interest("Windkraft")])
    rule.save()

    def make(fields):
        fields = dict(fields)
        if "source" in fields:
            fields["source"] = source(fields["source"])
        if "type" in fields:
            fields["type"] = lead_type(fields["type"])
        if "campaign" in fields:
            fields["campaign"] = campaign if fields["campaign"] else None
        return LeadFactory(follow_up_by=None, **fields)

    assert lead_assign_owner(lead=make(matching)).user == special
    assert lead_assign_owner(lead=make(other)).user == general


@pytest.mark.django_db
def test_first_active_rule_by_rank_wins():
    first, second = UserFactory(), UserFactory()
    make_rule("Inaktiv", rank=0, members=[UserFactory()], active=False)
    make_rule("Zweite", rank=5, members=[second])
    make_rule("Erste", rank=1, members=[first])

    lead = bulk_leads(1)[0]
    assert matching_rule(lead).name == "Erste"
    assert lead_assign_owner(lead=lead).user == first


@pytest.mark.django_db
def test_fewest_open_leads_strategy():
    busy, idle = UserFactory(), UserFactory()
    bulk_leads(3, follow_up_by=busy)
    bulk_leads(5, follow_up_by=idle, status=status("Geschlossen"))  # closed ones don't count
    make_rule(members=[busy, idle], strategy=AssignmentStrategy.FEWEST_OPEN)

    picks = assign_all(bulk_leads(5))

    # idle catches up to 3 first, then they alternate
    assert picks == {idle.pk: 4, busy.pk: 1}


@pytest.mark.django_db
def test_rule_and_reason_in_history_and_owner_notified():
    creator = UserFactory()
    owner = UserFactory(first_name="Nina", last_name="Neu")
    make_rule("Messe Süd", members=[owner])
    lead = LeadFactory(follow_up_by=None, company_name="Solar Süd GmbH")

    result = lead_assign_owner(lead=lead, actor=creator)

    lead.refresh_from_db()
    assert lead.follow_up_by == owner
    assert lead.version == 1
    latest = lead.history.latest()
    assert latest.follow_up_by_id == owner.pk
    assert "Messe Süd" in latest.history_change_reason
    assert latest.history_user == creator
    note = Notification.objects.get(recipient=owner, kind=Kind.LEAD_ASSIGNED)
    assert "Solar Süd GmbH" in note.display_title
    assert note.entity == lead
    assert result.reason.startswith("Regel „Messe Süd“")


@pytest.mark.django_db
def test_owner_who_created_the_lead_is_not_notified():
    owner = UserFactory()
    make_rule(members=[owner])

    lead_assign_owner(lead=bulk_leads(1)[0], actor=owner)

    assert not Notification.objects.filter(recipient=owner).exists()


@pytest.mark.django_db
def test_a_lead_with_owner_is_left_alone():
    rep, other = UserFactory(), UserFactory()
    make_rule(members=[other])
    lead = LeadFactory(follow_up_by=rep)

    assert lead_assign_owner(lead=lead) is None
    assert AssignmentMember.objects.get().assigned_count == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_never_pick_from_the_same_counter():
    """Threads assigning at once: member rows are locked, so the split stays exact."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    a, b = UserFactory(), UserFactory()
    make_rule(members=[a, b])
    leads = bulk_leads(40)
    barrier = threading.Barrier(8)
    errors = []

    def worker(chunk):
        from django.db import connections

        try:
            barrier.wait()
            for lead in chunk:
                with transaction.atomic():
                    lead_assign_owner(lead=lead)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(leads[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    owners = Counter(Lead.objects.values_list("follow_up_by_id", flat=True))
    assert owners == {a.pk: 20, b.pk: 20}
    assert sorted(AssignmentMember.objects.values_list("assigned_count", flat=True)) == [20, 20]


@pytest.mark.django_db
def test_lead_create_without_owner_is_distributed(rep):
    from leads.services.lead import lead_create

    owner = UserFactory()
    rule = make_rule("Nur Wind", rank=0, members=[owner])
    rule.interests.set([interest("Windkraft")])

    result = lead_create(
        data={**lead_data(), "company_name": "Windpark Nord GmbH"},
        user=rep,
        interests=[interest("Windkraft")],
    )
    owned = lead_create(
        data={**lead_data(), "company_name": "Ohne Wind AG", "follow_up_by": rep}, user=rep
    )

    lead = Lead.objects.get(pk=result.lead.pk)
    assert lead.follow_up_by == owner
    assert "Nur Wind" in lead.history.latest().history_change_reason
    assert Notification.objects.filter(recipient=owner, kind=Kind.LEAD_ASSIGNED).count() == 1
    assert Lead.objects.get(pk=owned.lead.pk).follow_up_by == rep


@pytest.mark.django_db
def test_a_returning_or_new_member_does_not_get_every_lead():
    a, b, newcomer = UserFactory(), UserFactory(), UserFactory()
    rule = make_rule(members=[a, b])
    AssignmentMember.objects.filter(rule=rule).update(assigned_count=300)
    AssignmentMember.objects.create(rule=rule, user=newcomer, weight=1)

    picks = assign_all(bulk_leads(30))

    assert picks == {a.pk: 10, b.pk: 10, newcomer.pk: 10}
