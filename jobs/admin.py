"""Admin for background jobs (support: see what ran, how far it got, ask it to stop)."""

from django.contrib import admin

from jobs.models import Job


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
