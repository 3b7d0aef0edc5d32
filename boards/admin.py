"""Admin for saved selections."""

from django.contrib import admin

from boards.models import Selection


@admin.register(Selection)
class SelectionAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "target", "kind", "shared", "updated_at")
    list_select_related = ("owner",)
    list_filter = ("target", "kind", "shared")
    search_fields = ("name", "owner__username", "owner__last_name")
    ordering = ("name", "id")
    autocomplete_fields = ("owner",)
    # member tables may hold many rows: ids instead of a select of every person/lead
    raw_id_fields = ("persons", "companies", "leads")
    readonly_fields = ("created_at", "updated_at")
