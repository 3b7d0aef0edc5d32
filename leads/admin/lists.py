"""Admin for the lead lists: sources, types, interests, scoring, campaigns, distribution."""

from django.contrib import admin, messages
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from contacts.admin import COMPACT_TABULAR
from leads.models import (
    AssignmentMember,
    AssignmentRule,
    Campaign,
    Interest,
    LeadSource,
    LeadType,
    LostReason,
    ScoringCriterion,
    ScoringOption,
)
from leads.services import scoring

# --- simple lists ---------------------------------------------------------------------


class RankedListAdmin(admin.ModelAdmin):
    list_display = ("name", "rank", "active")
    list_editable = ("rank", "active")
    list_filter = ("active",)
    search_fields = ("name",)
    ordering = ("rank", "name")


@admin.register(LeadSource)
class LeadSourceAdmin(RankedListAdmin):
    list_display = ("name", "source_points", "rank", "active")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("scoring_option")

    @admin.display(description=_("Punkte (Bewertung)"))
    def source_points(self, obj: LeadSource):
        option = getattr(obj, "scoring_option", None)
        return option.points if option else "–"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        criterion = ScoringCriterion.objects.filter(uses_source=True).first()
        if change or criterion is None or ScoringOption.objects.filter(source=obj).exists():
            return
        # The source is also a scoring criterion (one input): give it its option at once.
        ScoringOption.objects.create(
            criterion=criterion,
            label=obj.name[:80],
            points=0,
            source=obj,
            rank=obj.rank,
        )
        messages.warning(
            request,
            _(
                "Für die neue Quelle wurde eine Bewertungsoption mit 0 Punkten angelegt. "
                "Legen Sie die Punkte beim Bewertungskriterium „%(criterion)s“ fest."
            )
            % {"criterion": criterion.name},
        )


@admin.register(LeadType)
class LeadTypeAdmin(RankedListAdmin):
    list_display = ("name", "description", "rank", "active")
    search_fields = ("name", "description")


@admin.register(Interest)
class InterestAdmin(RankedListAdmin):
    pass


@admin.register(LostReason)
class LostReasonAdmin(RankedListAdmin):
    """Verlustgründe, asked for when a lead becomes Disqualifiziert or Geschlossen. A reason
    in use cannot be deleted (the leads keep it); deactivate it to stop offering it."""


# --- scoring --------------------------------------------------------------------------


class ScoringOptionFormSet(BaseInlineFormSet):
    """Options of the source criterion each stand for a source; other options never do."""

    def clean(self):
        super().clean()
        uses_source = self.instance.uses_source
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            source = data.get("source")
            if uses_source and source is None:
                form.add_error(
                    "source",
                    _(
                        "Bei einem Kriterium „Aus der Quelle des Leads“ braucht jede Option "
                        "eine Quelle."
                    ),
                )
            elif not uses_source and source is not None:
                form.add_error(
                    "source",
                    _("Eine Quelle ist nur beim Kriterium „Aus der Quelle des Leads“ möglich."),
                )


class ScoringOptionInline(admin.TabularInline):
    model = ScoringOption
    formset = ScoringOptionFormSet
    template = COMPACT_TABULAR
    fields = ("label", "points", "source", "rank")
    extra = 1
    ordering = ("rank", "id")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "source" and formfield is not None:
            # sources are kept in their own list; no add/edit pop-ups inside the table
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_view_related = widget.can_delete_related = False
        return formfield


@admin.register(ScoringCriterion)
class ScoringCriterionAdmin(admin.ModelAdmin):
    list_display = ("name", "weight", "uses_source", "option_count", "rank", "active")
    list_editable = ("weight", "rank", "active")
    list_filter = ("active", "uses_source")
    search_fields = ("name", "description")
    ordering = ("rank", "name")
    inlines = [ScoringOptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_option_count=Count("options"))

    @admin.display(description=_("Optionen"), ordering="_option_count")
    def option_count(self, obj: ScoringCriterion) -> int:
        return obj._option_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        options_changed = any(fs.has_changed() for fs in formsets)
        scoring_fields = {"weight", "active", "uses_source"}
        if options_changed or scoring_fields.intersection(form.changed_data) or not change:
            # once per request, also when list_editable saves several rows
            request._leadcrm_rescore = True

    def changeform_view(self, request, *args, **kwargs):
        response = super().changeform_view(request, *args, **kwargs)
        self._rescore_if_needed(request)
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        self._rescore_if_needed(request)
        return response

    @staticmethod
    def _rescore_if_needed(request) -> None:
        # runs after the admin's transaction has committed the new weights/points
        if not getattr(request, "_leadcrm_rescore", False):
            return
        request._leadcrm_rescore = False
        scoring.rescore_all_async(request.user)
        messages.info(request, _("Lead-Scores werden neu berechnet …"))


# --- campaigns and distribution -------------------------------------------------------


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "start_date",
        "end_date",
        "default_source",
        "web_form_enabled",
        "active",
    )
    list_editable = ("active",)
    list_filter = ("active", "web_form_enabled")
    list_select_related = ("default_source",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("-start_date", "name")
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", ("start_date", "end_date"), "active")}),
        (
            _("Webformular"),
            {
                "fields": (
                    "web_form_enabled",
                    "default_source",
                    "consent_text",
                    "consent_version",
                    "allowed_origins",
                )
            },
        ),
    )


class AssignmentMemberInline(admin.TabularInline):
    model = AssignmentMember
    template = COMPACT_TABULAR
    fields = ("user", "weight", "assigned_count")
    readonly_fields = ("assigned_count",)
    autocomplete_fields = ("user",)
    extra = 1


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "strategy", "member_role", "fallback_user", "rank", "active")
    list_editable = ("rank", "active")
    list_filter = ("active", "strategy")
    list_select_related = ("fallback_user",)
    search_fields = ("name",)
    ordering = ("rank", "name")
    filter_horizontal = ("sources", "types", "interests", "campaigns")
    autocomplete_fields = ("fallback_user",)
    inlines = [AssignmentMemberInline]
    fieldsets = (
        (
            None,
            {"fields": ("name", "rank", "active", "strategy", "member_role", "fallback_user")},
        ),
        (
            _("Bedingungen (leer = alle)"),
            {
                "fields": (
                    "sources",
                    "types",
                    "interests",
                    "campaigns",
                    "countries",
                    "postal_code_prefixes",
                )
            },
        ),
    )
