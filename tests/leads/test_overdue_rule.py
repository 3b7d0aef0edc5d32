"""One overdue rule: `Lead.follow_up_overdue(today)` and `LeadQuerySet.overdue(today)` agree."""

import datetime as dt

import pytest
from django.db.models import Count

from leads.models import Lead, LeadQuerySet
from tests.factories import LeadFactory, status

TODAY = dt.date(2026, 3, 16)
DAY = dt.timedelta(days=1)
STATUSES = [
    "Offen",
    "Kontaktiert",
    "Qualifiziert",
    "Erneut bearbeiten",
    "Geschlossen",
    "Konvertiert",
    "Disqualifiziert",
]
DATES = [None, TODAY - 30 * DAY, TODAY - DAY, TODAY, TODAY + DAY]


@pytest.mark.django_db
@pytest.mark.parametrize("status_name", STATUSES)
@pytest.mark.parametrize("until", DATES)
def test_predicate_and_queryset_agree(status_name, until):
    lead = LeadFactory(follow_up_until=until, status=status(status_name))
    in_queryset = Lead.objects.overdue(TODAY).filter(pk=lead.pk).exists()
    counted = Lead.objects.filter(pk=lead.pk).aggregate(
        n=Count("pk", filter=LeadQuerySet.overdue_condition(TODAY))
    )["n"]
    assert lead.follow_up_overdue(TODAY) is in_queryset
    assert counted == int(in_queryset)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("until", "status_name", "overdue"),
    [
        (TODAY - DAY, "Offen", True),
        (TODAY - DAY, "Kontaktiert", True),
        (TODAY, "Offen", False),
        (None, "Offen", False),
        (TODAY - DAY, "Konvertiert", False),
        (TODAY - DAY, "Geschlossen", False),
    ],
)
def test_overdue_rule_table(until, status_name, overdue):
    lead = LeadFactory(follow_up_until=until, status=status(status_name))
    assert lead.follow_up_overdue(TODAY) is overdue
    assert list(Lead.objects.overdue(TODAY)) == ([lead] if overdue else [])
