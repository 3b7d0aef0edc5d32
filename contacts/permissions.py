"""Who may do what with persons and companies, as named rules the views (and the merge
screen above contacts) share."""

from __future__ import annotations

from accounts.models import Role
from accounts.permissions import user_has_role

PERSON_MERGE_ROLES = (Role.SALES_MANAGER,)  # plus staff and superusers, as every role rule


def can_merge_persons(user) -> bool:
    """Merging two persons rewrites leads, activities, consents and selections of both."""
    return user_has_role(user, *PERSON_MERGE_ROLES)
