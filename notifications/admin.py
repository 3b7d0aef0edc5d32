"""Admin for notifications and background jobs (support: see what was sent and what ran)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import Job, Notification


class ReadFilter(admin.SimpleListFilter):
    title = _("Gelesen")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return (("yes", _("Gelesen")), ("no", _("Ungelesen")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "priority", "created_at", "read_at")
    list_select_related = ("recipient",)
    list_filter = ("kind", "priority", ReadFilter)
    search_fields = ("title", "=dedupe_key")
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts scan the whole table
    autocomplete_fields = ("recipient",)
    readonly_fields = ("created_at", "content_type", "object_id", "dedupe_key")
    fields = (
        "recipient",
        ("kind", "priority"),
        "title",
        "text",
        "url",
        ("content_type", "object_id"),
        "dedupe_key",
        ("created_at", "read_at"),
    )


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "state", "done", "total", "created_by", "created_at")
    list_select_related = ("created_by",)
    list_filter = ("state", "kind")
    search_fields = ("title",)
    ordering = ("-created_at", "-id")
    readonly_fields = (
        "kind",
        "title",
        "created_by",
        "state",
        "params",
        "total",
        "done",
        "result",
        "error",
        "created_at",
        "finished_at",
    )
    fields = (*readonly_fields, "cancel_requested")

    def has_add_permission(self, request):
        return False
