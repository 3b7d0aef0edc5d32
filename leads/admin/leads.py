"""Admin for leads, status changes, opportunities, consents and the number counter.

The Lead admin's fieldsets, changelist columns, joins, search and filters are the field
catalogue's (`leads.fields`): a new lead field is classified there once and shows up here.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from contacts.admin import COMPACT_TABULAR, site_url
from leads.errors import ConflictError, LeadError
from leads.fields import (
    admin_fieldsets,
    admin_list_display,
    admin_list_filter,
    admin_list_relations,
    admin_search_fields,
)
from leads.models import (
    Lead,
    LeadContact,
    LeadNumberCounter,
    LeadRating,
    LeadStatusChange,
)
from leads.permissions import can_delete_lead
from leads.services import lead as lead_services
from ui.admin_mixins import ReadOnlyAdminMixin


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL an unfiltered big table is counted from the planner's statistics.

    COUNT(*) over a million leads costs a sequential scan per page view; the page links
    only need a size. Filtered lists (status, search …) are still counted exactly.
    """

    ESTIMATE_ABOVE = 100_000

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        db = connections[getattr(qs, "db", "default")]
        if db.vendor == "postgresql" and hasattr(qs, "query") and not qs.query.where:
            with db.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [qs.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] and row[0] > self.ESTIMATE_ABOVE:
                return int(row[0])
        return super().count


# --- leads ----------------------------------------------------------------------------


class LeadContactInline(admin.TabularInline):
    model = LeadContact
    template = COMPACT_TABULAR
    fields = ("person", "is_main")
    autocomplete_fields = ("person",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


class LeadRatingForm(forms.ModelForm):
    class Meta:
        model = LeadRating
        fields = ("criterion", "option")
        labels = {"criterion": _("Kriterium"), "option": _("Bewertung")}

    def clean(self):
        cleaned = super().clean()
        criterion, option = cleaned.get("criterion"), cleaned.get("option")
        if criterion and option and option.criterion_id != criterion.pk:
            self.add_error(
                "option",
                _("Diese Option gehört nicht zum Kriterium „%(name)s“.") % {"name": criterion},
            )
        return cleaned


class LeadRatingInline(admin.TabularInline):
    model = LeadRating
    template = COMPACT_TABULAR
    form = LeadRatingForm
    fields = ("criterion", "option")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion", "option")


class StatusChangeColumns:
    """German column titles for LeadStatusChange (its FKs carry no verbose names)."""

    @admin.display(description=_("Von Status"))
    def from_status_name(self, obj: LeadStatusChange) -> str:
        return str(obj.from_status or "–")

    @admin.display(description=_("Nach Status"))
    def to_status_name(self, obj: LeadStatusChange) -> str:
        return str(obj.to_status)

    @admin.display(description=_("Geändert von"))
    def changed_by_name(self, obj: LeadStatusChange) -> str:
        return str(obj.changed_by or "–")


class LeadStatusChangeInline(StatusChangeColumns, admin.TabularInline):
    model = LeadStatusChange
    template = COMPACT_TABULAR
    fields = ("changed_at", "from_status_name", "to_status_name", "changed_by_name")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("Statusverlauf")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("from_status", "to_status", "changed_by")
        )


# Lead fields the admin form may change: the ones the services take from a caller.
# The business card stays with the mask, which re-encodes uploads (leads.uploads).
LEAD_ADMIN_WRITABLE = (lead_services.EDITABLE_FIELDS - {"business_card"}) | {"interests"}


class LeadAdminForm(forms.ModelForm):
    """Validates the admin's input; `LeadAdmin.save_related` hands it to the services.

    `service_error` is set when the service refused the save (see
    `LeadAdmin.changeform_view`): the form is shown again with that error and the input.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    service_error: LeadError | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("expected_version", self.instance.version)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("expected_version") is None:
            self.add_error(None, _("Die Version des Formulars fehlt. Bitte laden Sie neu."))
        error = self.service_error
        if error is not None:
            self.add_error(error.field if error.field in self.fields else None, error.message)
            if isinstance(error, ConflictError) and error.current_version is not None:
                # as in the lead mask: the input stays, saving again overwrites on purpose
                data = self.data.copy()
                data["expected_version"] = str(error.current_version)
                self.data = data
        return cleaned

    def _get_validation_exclusions(self):
        # The service checks the planned times with a German message; the model's check
        # constraint would only name itself ("Bedingung … ist nicht erfüllt").
        return super()._get_validation_exclusions() | {"planned_end"}

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in lead_services.EDITABLE_FIELDS}


def _ratings(formset) -> dict[int, int] | None:
    """{criterion_id: option_id} of the rating inline, or None when it is unchanged."""
    if formset is None or not formset.has_changed():
        return None
    deleted = set(formset.deleted_forms)
    return {
        form.cleaned_data["criterion"].pk: form.cleaned_data["option"].pk
        for form in formset.forms
        if form not in deleted
        and form.cleaned_data.get("criterion")
        and form.cleaned_data.get("option")
    }


@admin.register(Lead)
class LeadAdmin(SimpleHistoryAdmin):
    # the changelist and the fieldsets come from the field catalogue (leads.fields)
    list_display = admin_list_display()
    list_select_related = admin_list_relations()
    # Filters only on small lists: each renders its choices from that list, never from leads.
    list_filter = admin_list_filter()
    search_fields = admin_search_fields()
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts scan the whole table
    paginator = EstimatedCountPaginator
    list_per_page = 50
    form = LeadAdminForm
    autocomplete_fields = ("customer", "appointment_with", "follow_up_by")
    filter_horizontal = ("interests",)
    fieldsets = admin_fieldsets(form_fields={"number": "expected_version"})
    # Everything else shown is written by the services only (number, score, lifecycle,
    # conversion, merge, appointment sync, …).
    readonly_fields = tuple(
        name
        for name in flatten_fieldsets(fieldsets)
        if name not in LEAD_ADMIN_WRITABLE and name != "expected_version"
    )
    inlines = [LeadContactInline, LeadRatingInline, LeadStatusChangeInline]

    def view_on_site(self, obj):
        return site_url("leads:detail", obj)

    @admin.display(description=_("Visitenkarte"))
    def business_card_file(self, obj: Lead) -> str:
        url = site_url("leads:business_card", obj) if obj.business_card else None
        return format_html('<a href="{}">{}</a>', url, _("Anzeigen")) if url else "–"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, "_lead_service_error", None)
        if error is not None:
            form = type(form.__name__, (form,), {"service_error": error})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except LeadError as exc:
            if getattr(request, "_lead_service_error", None) is not None:
                raise
            # The admin's transaction is rolled back; show the form again with the refusal.
            request._lead_service_error = exc
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Nothing to do: `save_related` saves the lead through the services, where the
        rating inline is known too (one service call, one version, one history row)."""

    def save_related(self, request, form, formsets, change):
        ratings_formset = next((fs for fs in formsets if fs.model is LeadRating), None)
        lead = form.instance
        arguments = {
            "data": form.service_data(),
            "user": request.user,
            "interests": form.cleaned_data.get("interests") or (),
            "ratings": _ratings(ratings_formset),
        }
        if change:
            version = form.cleaned_data["expected_version"]
            result = lead_services.lead_update(lead=lead, expected_version=version, **arguments)
        else:
            result = lead_services.lead_create(**arguments)
        # the admin goes on with form.instance (inlines, log entry, redirect)
        lead.pk = result.lead.pk
        lead.refresh_from_db()
        lead._state.adding = False
        for warning in result.warnings:
            messages.warning(request, warning)
        for formset in formsets:
            if formset is ratings_formset:
                formset.save(commit=False)  # saved by the service; lists the change message
            else:
                self.save_formset(request, form, formset, change)

    def has_delete_permission(self, request, obj=None):
        return can_delete_lead(request.user, obj) and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        lead_services.lead_delete(lead=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for lead in queryset:
            lead_services.lead_delete(lead=lead, user=request.user)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring an old version would write status, number, version … past the services.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.display(description=_("Nachbetreuung bis"), ordering="follow_up_until")
    def follow_up_date(self, obj: Lead) -> str:
        return date_format(obj.follow_up_until, "SHORT_DATE_FORMAT") if obj.follow_up_until else "–"

    @admin.display(description=_("Angelegt am"), ordering="created_at")
    def created_date(self, obj: Lead) -> str:
        return date_format(timezone.localtime(obj.created_at), "SHORT_DATE_FORMAT")

    @admin.display(description=_("Ansprechpartner"), ordering="last_name")
    def contact_name(self, obj: Lead) -> str:
        return obj.contact_name


@admin.register(LeadStatusChange)
class LeadStatusChangeAdmin(StatusChangeColumns, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The status history, written by leads.services only."""

    list_display = ("lead", "from_status_name", "to_status_name", "changed_at", "changed_by_name")
    list_select_related = ("lead", "from_status", "to_status", "changed_by")
    list_filter = ("to_status",)
    raw_id_fields = ("lead",)
    search_fields = ("=lead__number",)
    ordering = ("-changed_at", "-id")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts scan the whole table
    paginator = EstimatedCountPaginator


@admin.register(LeadNumberCounter)
class LeadNumberCounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: lowering a counter would hand out lead numbers a second time."""

    list_display = ("name", "value")
