"""Admin of the consent log [Einwilligungen]: evidence, so read-only."""

from django.contrib import admin

from leads.models import ConsentRecord
from ui.admin_mixins import ReadOnlyAdminMixin


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The consent log is evidence: visible, never edited in the admin."""

    list_display = ("created_at", "action", "purpose", "email", "lead", "person", "text_version")
    list_select_related = ("lead", "person")
    list_filter = ("action", "purpose")
    search_fields = ("=email", "=lead__number")
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts scan the whole table
