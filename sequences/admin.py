"""Admin of sequences: define a sequence with its steps inline; enrolments read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from sequences.models import Enrolment, Sequence, SequenceStep, StepRun


class SequenceStepInline(admin.TabularInline):
    model = SequenceStep
    extra = 1
    fields = ("position", "kind", "template", "wait_days", "subject")
    ordering = ("position",)


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "auto_enrol", "rule_source", "rule_type", "rule_campaign")
    list_filter = ("active", "auto_enrol")
    search_fields = ("name",)
    inlines = [SequenceStepInline]
    fieldsets = (
        (None, {"fields": ("name", "description", "active")}),
        (
            _("Aufnahme per Regel"),
            {
                "fields": (
                    "auto_enrol",
                    "auto_enrol_from",
                    "rule_source",
                    "rule_type",
                    "rule_campaign",
                    "rule_status",
                )
            },
        ),
    )


class StepRunInline(admin.TabularInline):
    model = StepRun
    extra = 0
    can_delete = False
    fields = ("step", "outcome", "activity", "ran_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("lead", "sequence", "state", "stop_reason", "next_step", "next_run_at")
    list_filter = ("state", "stop_reason", "sequence")
    list_select_related = ("lead", "sequence", "next_step", "next_step__template")
    raw_id_fields = ("lead",)
    readonly_fields = (
        "lead",
        "sequence",
        "state",
        "stop_reason",
        "stop_detail",
        "next_step",
        "next_run_at",
        "started_by",
        "started_at",
        "ended_at",
    )
    inlines = [StepRunInline]

    def has_add_permission(self, request) -> bool:
        return False  # enrolments come from the lead page, the list and the rules
