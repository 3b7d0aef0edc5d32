"""Reads for activities: the list screen and the sub-areas of person, company and lead."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from activities.models import Activity, ActivityKind, ActivityStatus

NEWEST_FIRST = ("-created_at", "-id")


def activity_list(*, user, scope: str = "mine", kind: str = "", status: str = "") -> QuerySet:
    """Activities for the list screen; "mine" = delegated to the user."""
    qs = Activity.objects.for_list()
    if scope != "all":
        qs = qs.filter(delegated_to=user)
    if kind in ActivityKind.values:
        qs = qs.filter(kind=kind)
    if status in ActivityStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-start", *NEWEST_FIRST)


def activities_for_person(person) -> QuerySet:
    """Activities with the person or sent to them as a further recipient, newest first."""
    return (
        Activity.objects.for_list()
        .filter(Q(person=person) | Q(recipients=person))
        .distinct()
        .order_by(*NEWEST_FIRST)
    )


def activities_for_company(company) -> QuerySet:
    """Activities of the company or of one of its persons, newest first."""
    return (
        Activity.objects.for_list()
        .filter(Q(company=company) | Q(person__company=company))
        .order_by(*NEWEST_FIRST)
    )


def activities_newest_first(qs: QuerySet) -> QuerySet:
    """For a related manager such as `lead.activities.all()`."""
    return qs.select_related("person", "company", "delegated_to", "delegated_by").order_by(
        *NEWEST_FIRST
    )


def activity_detail(pk: int) -> Activity | None:
    return (
        Activity.objects.for_list()
        .select_related("template", "created_by", "updated_by")
        .prefetch_related("recipients", "documents")
        .filter(pk=pk)
        .first()
    )


def can_edit(user, activity: Activity) -> bool:
    if getattr(user, "is_manager", False):
        return True
    return user.pk in (activity.created_by_id, activity.delegated_to_id, activity.delegated_by_id)
