"""Which SLA policy applies to a lead, and when its first response is due.

The policies are few (an admin list): they are loaded once per job run and matched in
Python on the lead's source, type and campaign ids; `any_policy_q` lets the database
skip the leads no policy matches, so they are never loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from sla.models import SlaPolicy, WorkingHours
from sla.workhours import Calendar, add_working_hours


@dataclass
class PolicySet:
    policies: list[SlaPolicy]
    calendars: dict[int, Calendar]

    @classmethod
    def load(cls) -> PolicySet:
        policies = list(SlaPolicy.objects.filter(active=True).select_related("working_hours"))
        policies.sort(key=lambda p: (p.priority, -p.specificity, p.pk))
        default = Calendar.of(WorkingHours.objects.filter(is_default=True).first())
        calendars = {
            p.pk: Calendar.of(p.working_hours) if p.working_hours_id else default for p in policies
        }
        return cls(policies, calendars)

    def any_policy_q(self) -> Q | None:
        """Leads some policy matches (None: no active policy)."""
        if not self.policies:
            return None
        q = Q(pk__in=[])
        for policy in self.policies:
            q |= policy.matching_q()
        return q

    def for_lead(self, *, source_id, type_id, campaign_id) -> SlaPolicy | None:
        for policy in self.policies:
            if policy.matches(source_id=source_id, type_id=type_id, campaign_id=campaign_id):
                return policy
        return None

    def due_at(self, policy: SlaPolicy, created_at: dt.datetime) -> dt.datetime:
        return add_working_hours(created_at, policy.response_hours, self.calendars[policy.pk])

    @property
    def max_warning(self) -> dt.timedelta:
        return dt.timedelta(minutes=max((p.warning_minutes for p in self.policies), default=0))
