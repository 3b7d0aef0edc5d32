"""Helpers for the jobs/distribution tests: many leads fast, rules with members."""

import datetime as dt
import itertools

from leads.models import AssignmentMember, AssignmentRule, Lead
from tests.factories import default_status

_numbers = itertools.count(1)


def bulk_leads(n: int, **fields) -> list[Lead]:
    """`n` leads in one INSERT (no factories, no history), numbered J-<seq>."""
    fields.setdefault("status", default_status())
    leads = [
        Lead(number=f"J-{next(_numbers):07d}", company_name=f"Firma {i}", **fields)
        for i in range(n)
    ]
    return Lead.objects.bulk_create(leads, batch_size=2000)


def make_rule(name="Alle", *, members=(), rank=0, **fields) -> AssignmentRule:
    """A rule; `members` is a sequence of users or (user, weight) pairs."""
    rule = AssignmentRule.objects.create(name=name, rank=rank, **fields)
    for entry in members:
        user, weight = entry if isinstance(entry, tuple) else (entry, 1)
        AssignmentMember.objects.create(rule=rule, user=user, weight=weight)
    return rule


def days_ago(days: int) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() - dt.timedelta(days=days)
