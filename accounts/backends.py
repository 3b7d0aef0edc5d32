"""The login backend: Django's ModelBackend, reading the user's roles with the user.

Every request loads the logged-in user (`get_user`) and every screen then checks the user's
roles. Both come from ONE query here (the group names aggregated into one text), so a page
does not pay a second round trip for the groups; `User.has_role` uses them.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, TextField

SEPARATOR = "\x1f"  # ASCII unit separator: never part of a group name typed in the admin


class GroupNames(Aggregate):
    """The group names of each user joined by SEPARATOR (NULL without groups). A membership
    is unique, so no DISTINCT is needed (SQLite allows none with a separator)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, CHR(31))"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template="%(function)s(%(expressions)s, CHAR(31))",
            **extra_context,
        )


class RoleModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.annotate(group_names=GroupNames("groups__name"))
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        user._role_names = set(user.group_names.split(SEPARATOR)) if user.group_names else set()
        return user
