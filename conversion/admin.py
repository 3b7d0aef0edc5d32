"""Admin of the opportunities [Verkaufschancen] that the conversion creates."""

from django.contrib import admin

from leads.models import Opportunity


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "company", "person", "amount", "expected_close", "owner")
    list_select_related = ("company", "person", "owner")
    list_filter = ("kind",)
    search_fields = ("title", "company__name", "=lead__number")
    ordering = ("-created_at",)
    autocomplete_fields = ("company", "person", "owner")
    raw_id_fields = ("lead", "activities")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts scan the whole table
