"""Admin for notifications (support: see what was sent and whether it was read).

Background jobs have their admin in `jobs.admin`.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification


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
    list_display = ("shown_title", "recipient", "kind", "priority", "created_at", "read_at")
    list_select_related = ("recipient",)
    list_filter = ("kind", "priority", ReadFilter)
    search_fields = ("title", "=dedupe_key")
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts scan the whole table
    autocomplete_fields = ("recipient",)
    readonly_fields = (
        "created_at",
        "content_type",
        "object_id",
        "dedupe_key",
        "shown_title",
        "shown_text",
        "params",
    )
    fields = (
        "recipient",
        ("kind", "priority"),
        "shown_title",
        "shown_text",
        "params",
        "title",
        "text",
        "url",
        ("content_type", "object_id"),
        "dedupe_key",
        ("created_at", "read_at"),
    )

    @admin.display(description=_("Titel"))
    def shown_title(self, obj: Notification) -> str:
        """As the recipient reads it (kind and parameters rendered, or the stored text)."""
        return obj.display_title

    @admin.display(description=_("Text"))
    def shown_text(self, obj: Notification) -> str:
        return obj.display_text
