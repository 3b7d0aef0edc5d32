"""Admin of the SLA lists: policies (Reaktionszeiten) and working hours."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sla.models import SlaPolicy, WorkingHours


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("name", "start", "end", "state", "is_default")
    list_filter = ("state", "is_default")
    fieldsets = (
        (None, {"fields": ("name", "is_default", "state")}),
        (_("Zeiten"), {"fields": ("start", "end")}),
        (
            _("Arbeitstage"),
            {
                "fields": (
                    ("monday", "tuesday", "wednesday", "thursday", "friday"),
                    ("saturday", "sunday"),
                )
            },
        ),
    )


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "source",
        "type",
        "campaign",
        "response_hours",
        "warning_minutes",
        "priority",
        "working_hours",
        "active",
    )
    list_filter = ("active", "source", "type")
    list_editable = ("priority", "active")
    list_select_related = ("source", "type", "campaign", "working_hours")
    autocomplete_fields = ()
    fieldsets = (
        (None, {"fields": ("name", "active", "priority")}),
        (_("Gilt für"), {"fields": ("source", "type", "campaign")}),
        (_("Frist"), {"fields": ("response_hours", "warning_minutes", "working_hours")}),
    )
