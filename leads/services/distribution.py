"""Distribution of new leads [Neue Leads verteilen] (seeds 001 and 003).

`lead_assign_owner` is called by `lead_create` (form, web capture, import) when a new lead
has no "Nachbetreuung durch". The first active rule by rank whose conditions all match
picks a member; an empty condition matches every lead. Absent and inactive members are
skipped; if every member is away the rule's fallback user gets the lead; if no rule
matches the lead stays unassigned and shows up in "Leads ohne Zuständigkeit".

Fairness under concurrency: the rule's member rows are locked (SELECT … FOR UPDATE) in the
caller's transaction before the choice and the chosen member's counter is incremented in
it, so two leads created at the same moment queue behind each other and the second sees
the first one's pick. Weighted round robin is the smooth deterministic variant: the member
with the smallest (assigned_count + 1) / weight wins, ties by member id, which gives each
member its exact weight share over any run of leads. `assigned_count` is the member's
position in the rotation; a member coming back from an absence (or newly added) re-enters
at most one round behind instead of getting every lead until they have caught up.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from contacts.models import TERMINAL_PHASES
from leads.models import AssignmentMember, AssignmentRule, AssignmentStrategy, Lead
from leads.services.assignment_notices import notify_lead_assigned, notify_lead_unassigned
from notifications.kinds import assignment_reason


@dataclass(frozen=True)
class AssignmentResult:
    rule: AssignmentRule
    user: object
    why: dict  # how the member was picked: the parameters of `assignment_reason`

    @property
    def reason(self) -> str:
        """Why the rule gave the lead to the user, in the active language (history,
        notification text: notifications.kinds.assignment_reason)."""
        return assignment_reason(self.why)


def _split(value: str) -> list[str]:
    return [part.strip().upper() for part in value.split(",") if part.strip()]


def rule_matches(rule: AssignmentRule, lead: Lead, interest_ids: set[int]) -> bool:
    """True when every non-empty condition of `rule` fits `lead` (rule prefetched)."""
    sources = {s.pk for s in rule.sources.all()}
    if sources and lead.source_id not in sources:
        return False
    types = {t.pk for t in rule.types.all()}
    if types and lead.type_id not in types:
        return False
    campaigns = {c.pk for c in rule.campaigns.all()}
    if campaigns and lead.campaign_id not in campaigns:
        return False
    interests = {i.pk for i in rule.interests.all()}
    if interests and not interests & interest_ids:
        return False
    countries = _split(rule.countries)
    if countries and str(lead.country or "").upper() not in countries:
        return False
    prefixes = _split(rule.postal_code_prefixes)
    postal_code = (lead.postal_code or "").strip().upper()
    if prefixes and not any(postal_code.startswith(p) for p in prefixes):
        return False
    return True


def matching_rule(lead: Lead) -> AssignmentRule | None:
    rules = (
        AssignmentRule.objects.filter(active=True)
        .order_by("rank", "name")
        .prefetch_related("sources", "types", "interests", "campaigns")
    )
    interest_ids = set(lead.interests.values_list("pk", flat=True)) if lead.pk else set()
    for rule in rules:
        if rule_matches(rule, lead, interest_ids):
            return rule
    return None


def _rotation_positions(members: list[AssignmentMember]) -> dict[int, int]:
    """Each member's counter, but none more than one round behind the leader.

    In steady rotation no member is ever more than one round behind, so this changes
    nothing; it only stops a member who was absent, inactive or newly added (counter far
    behind) from receiving every new lead until they have caught up.
    """
    leader = max(Fraction(m.assigned_count, m.weight) for m in members)
    return {m.pk: max(m.assigned_count, math.floor(m.weight * (leader - 1))) for m in members}


def _pick_round_robin(members: list[AssignmentMember]) -> tuple[AssignmentMember, int]:
    """Smooth weighted round robin: smallest (position + 1) / weight, ties by member id."""
    positions = _rotation_positions(members)
    member = min(members, key=lambda m: (Fraction(positions[m.pk] + 1, m.weight), m.pk))
    return member, positions[member.pk]


def _pick_fewest_open(members: list[AssignmentMember]) -> tuple[AssignmentMember, int]:
    user_ids = [m.user_id for m in members]
    open_counts = dict(
        Lead.objects.filter(follow_up_by_id__in=user_ids, merged_into__isnull=True)
        .exclude(status__phase__in=TERMINAL_PHASES)
        .values("follow_up_by_id")
        .annotate(n=Count("pk"))
        .values_list("follow_up_by_id", "n")
    )
    member = min(members, key=lambda m: (open_counts.get(m.user_id, 0), m.assigned_count, m.pk))
    return member, open_counts.get(member.user_id, 0)


def role_members(rule: AssignmentRule):
    """The member rows a rule picks from, to be locked by the caller.

    A rule over a role (`member_role`, the default rule "Vertrieb reihum") has every active
    user of that role as a member: missing rows are added (weight 1) so each keeps its
    position in the rotation, users who left the role drop out. Other rules: their rows.
    """
    members = AssignmentMember.objects.filter(rule=rule)
    if not rule.member_role:
        return members
    User = get_user_model()
    in_role = User.objects.filter(is_active=True, groups__name=rule.member_role).values("pk")
    AssignmentMember.objects.bulk_create(
        [
            AssignmentMember(rule=rule, user_id=pk)
            for pk in in_role.exclude(pk__in=members.values("user_id")).values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    return members.filter(user_id__in=in_role)


def choose_owner(rule: AssignmentRule, *, today: dt.date) -> AssignmentResult | None:
    """Lock the rule's members, pick one and count the pick; must run in a transaction."""
    User = get_user_model()
    members = list(role_members(rule).select_for_update().order_by("pk"))
    available_ids = set(
        User.objects.filter(pk__in=[m.user_id for m in members], is_active=True)
        .present_on(today)
        .values_list("pk", flat=True)
    )
    available = [m for m in members if m.user_id in available_ids]
    if not available:
        return _fallback(rule)
    if rule.strategy == AssignmentStrategy.FEWEST_OPEN:
        member, open_count = _pick_fewest_open(available)
        position = member.assigned_count
        how = {"how": "fewest", "n": open_count}
    else:
        member, position = _pick_round_robin(available)
        how = {"how": "rotation", "weight": member.weight, "count": position}
    # the row is locked, so writing the new position cannot lose a concurrent increment
    AssignmentMember.objects.filter(pk=member.pk).update(assigned_count=position + 1)
    user = User.objects.get(pk=member.user_id)
    return AssignmentResult(rule=rule, user=user, why={"rule": rule.name, "user": str(user), **how})


def lead_assign_owner(*, lead: Lead, actor=None, today: dt.date | None = None):
    """Give a new lead without owner its "Nachbetreuung durch" by the assignment rules.

    Returns the `AssignmentResult`, or None when no rule matched (or nobody is available
    and there is no fallback): the lead then stays in the team queue and the
    Vertriebsleitung is told. Call it inside the transaction that created the lead, after
    its interests are set.
    """
    if lead.follow_up_by_id:
        return None
    rule = matching_rule(lead)
    result = None
    if rule is not None:
        today = today or timezone.localdate()
        with transaction.atomic():
            result = choose_owner(rule, today=today)
            if result is not None:
                # save(update_fields) leaves version/updated_at alone and writes one
                # history row carrying the rule and the reason.
                lead.follow_up_by = result.user
                lead._change_reason = result.reason[:100]
                if actor is not None:
                    lead._history_user = actor
                lead.save(update_fields=["follow_up_by"])
                notify_lead_assigned(lead=lead, user=result.user, why=result.why, actor=actor)
    if result is None:
        notify_lead_unassigned(lead=lead)
    return result


def unassigned_leads():
    """The team queue "Leads ohne Zuständigkeit": open leads without an owner."""
    return Lead.objects.filter(
        follow_up_by__isnull=True, merged_into__isnull=True, anonymised_at__isnull=True
    ).exclude(status__phase__in=TERMINAL_PHASES)


# --- bulk variant (import) ------------------------------------------------------------------


class _RulePool:
    """One rule's locked members during a bulk assignment (picks counted in memory)."""

    def __init__(self, rule: AssignmentRule, today: dt.date):
        User = get_user_model()
        self.rule = rule
        self.members = list(role_members(rule).select_for_update().order_by("pk"))
        users = {
            u.pk: u
            for u in User.objects.filter(
                pk__in=[m.user_id for m in self.members], is_active=True
            ).present_on(today)
        }
        self.users = users
        self.names = {pk: str(u) for pk, u in users.items()}
        self.available = [m for m in self.members if m.user_id in users]
        self.touched: dict[int, AssignmentMember] = {}


def plan_owners(
    leads: list[Lead],
    interest_ids: list[set[int]] | None = None,
    *,
    today: dt.date | None = None,
) -> list[AssignmentResult | None]:
    """`lead_assign_owner` for many new (unsaved) leads at once, in their order.

    Same rules, strategies, fallback and reasons as one `lead_assign_owner` per lead in a
    row, but the picks are counted in memory: the active rules are read once, each used
    rule's members are locked (SELECT … FOR UPDATE, held until the caller's transaction
    commits, so concurrent single assignments queue behind the batch) and the new
    positions are written in one statement at the end. Leads that already have an owner
    get None. Sets nothing on the leads; the caller stores `result.user` as
    `follow_up_by` and writes history and notifications (`assignment_notices.notify_new_owners`).
    Must run in a transaction. The notifications: `assignment_notices.notify_new_owners`.
    """
    results: list[AssignmentResult | None] = [None] * len(leads)
    if all(lead.follow_up_by_id for lead in leads):
        return results
    rules = list(
        AssignmentRule.objects.filter(active=True)
        .order_by("rank", "name")
        .select_related("fallback_user")
        .prefetch_related("sources", "types", "interests", "campaigns")
    )
    if not rules:
        return results
    conditions = [(rule, _conditions(rule)) for rule in rules]
    today = today or timezone.localdate()
    pools: dict[int, _RulePool] = {}
    open_db: dict[int, int] = {}  # open leads per user in the database (loaded lazily)
    open_batch: dict[int, int] = {}  # open leads per user assigned in this batch
    for i, lead in enumerate(leads):
        owner_id = lead.follow_up_by_id
        if owner_id is None:
            ids = interest_ids[i] if interest_ids else set()
            rule = next((r for r, c in conditions if _conditions_match(c, lead, ids)), None)
            if rule is None:
                continue
            pool = pools.get(rule.pk)
            if pool is None:
                pool = pools[rule.pk] = _RulePool(rule, today)
            result = _pick_in_memory(pool, open_db, open_batch)
            if result is None:
                continue
            results[i] = result
            owner_id = result.user.pk
        # an earlier lead of the batch counts as open for "fewest open" like a saved one
        status = getattr(lead, "status", None)
        if lead.merged_into_id is None and (status is None or status.phase not in TERMINAL_PHASES):
            open_batch[owner_id] = open_batch.get(owner_id, 0) + 1
    touched = [m for pool in pools.values() for m in pool.touched.values()]
    if touched:
        AssignmentMember.objects.bulk_update(touched, ["assigned_count"])
    return results


def _conditions(rule: AssignmentRule) -> tuple:
    """A rule's conditions as sets, read once (rule prefetched); see `_conditions_match`."""
    return (
        {x.pk for x in rule.sources.all()},
        {x.pk for x in rule.types.all()},
        {x.pk for x in rule.campaigns.all()},
        {x.pk for x in rule.interests.all()},
        set(_split(rule.countries)),
        tuple(_split(rule.postal_code_prefixes)),
    )


def _conditions_match(conditions: tuple, lead: Lead, interest_ids: set[int]) -> bool:
    """`rule_matches` on the precomputed conditions of `_conditions` (same answers)."""
    sources, types, campaigns, interests, countries, prefixes = conditions
    if sources and lead.source_id not in sources:
        return False
    if types and lead.type_id not in types:
        return False
    if campaigns and lead.campaign_id not in campaigns:
        return False
    if interests and not interests & interest_ids:
        return False
    if countries and str(lead.country or "").upper() not in countries:
        return False
    postal_code = (lead.postal_code or "").strip().upper()
    if prefixes and not postal_code.startswith(prefixes):
        return False
    return True


def _pick_round_robin_int(members: list[AssignmentMember]) -> tuple[AssignmentMember, int]:
    """`_pick_round_robin` in integer arithmetic (same pick, same position): a/b < c/d is
    a·d < c·b for positive weights, floor(w·(lc/lw − 1)) is w·(lc − lw) // lw."""
    lc, lw = members[0].assigned_count, members[0].weight
    for m in members[1:]:
        if m.assigned_count * lw > lc * m.weight:
            lc, lw = m.assigned_count, m.weight
    best = best_pos = None
    for m in members:
        pos = max(m.assigned_count, (m.weight * (lc - lw)) // lw)
        if best is None:
            best, best_pos = m, pos
            continue
        left, right = (pos + 1) * best.weight, (best_pos + 1) * m.weight
        if left < right or (left == right and m.pk < best.pk):
            best, best_pos = m, pos
    return best, best_pos


def _fallback(rule: AssignmentRule) -> AssignmentResult | None:
    """All members absent: the rule's active fallback user, or nobody."""
    fallback = rule.fallback_user
    if fallback is None or not fallback.is_active:
        return None
    return AssignmentResult(
        rule=rule, user=fallback, why={"how": "fallback", "rule": rule.name, "user": str(fallback)}
    )


def _pick_in_memory(
    pool: _RulePool, open_db: dict[int, int], open_batch: dict[int, int]
) -> AssignmentResult | None:
    rule = pool.rule
    if not pool.available:
        return _fallback(rule)
    if rule.strategy == AssignmentStrategy.FEWEST_OPEN:
        missing = [m.user_id for m in pool.available if m.user_id not in open_db]
        if missing:
            found = dict(
                Lead.objects.filter(follow_up_by_id__in=missing, merged_into__isnull=True)
                .exclude(status__phase__in=TERMINAL_PHASES)
                .values("follow_up_by_id")
                .annotate(n=Count("pk"))
                .values_list("follow_up_by_id", "n")
            )
            for user_id in missing:
                open_db[user_id] = found.get(user_id, 0)

        def open_count(m: AssignmentMember) -> int:
            return open_db[m.user_id] + open_batch.get(m.user_id, 0)

        member = min(pool.available, key=lambda m: (open_count(m), m.assigned_count, m.pk))
        position = member.assigned_count
        how = {"how": "fewest", "n": open_count(member)}
    else:
        member, position = _pick_round_robin_int(pool.available)
        how = {"how": "rotation", "weight": member.weight, "count": position}
    member.assigned_count = position + 1
    pool.touched[member.pk] = member
    user = pool.users[member.user_id]
    return AssignmentResult(
        rule=rule, user=user, why={"rule": rule.name, "user": pool.names[user.pk], **how}
    )
