"""Admin building blocks every app may use (the admin is UI too)."""

from __future__ import annotations


class ReadOnlyAdminMixin:
    """A model admin that shows rows but never adds, changes or deletes them: for records
    that are evidence or that only services write (status history, consent log, counters)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
