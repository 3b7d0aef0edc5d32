"""Admin for the contact lists (category groups, categories, lead statuses) and contacts."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from contacts.models import (
    Category,
    CategoryGroup,
    Company,
    GroupKind,
    LeadStatus,
    Person,
)
from contacts.rules import lead_status_applies
from contacts.services import company_set_category

# tabular inline without the per-row object caption (the columns say it all)
COMPACT_TABULAR = "admin/edit_inline/tabular_compact.html"


def site_url(url_name: str, obj) -> str:
    """A page of the object in the app, for the admin's "Auf der Website anzeigen" link."""
    return reverse(url_name, args=[obj.pk])


def colour_swatch(colour: str) -> str:
    """A small coloured square; SVG attributes instead of style="" keep the CSP strict."""
    return format_html(
        '<svg width="14" height="14" aria-hidden="true" class="leadcrm-swatch">'
        '<rect width="14" height="14" rx="3" fill="{}"></rect></svg> <code>{}</code>',
        colour,
        colour,
    )


class CategoryGroupForm(forms.ModelForm):
    class Meta:
        model = CategoryGroup
        fields = ("name", "kind", "rank")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if self.instance.pk and kind and kind != GroupKind.PROSPECT:
            enabled = self.instance.categories.filter(lead_status_enabled=True)
            if enabled.exists():
                names = ", ".join(enabled.values_list("name", flat=True))
                raise ValidationError(
                    {
                        "kind": _(
                            "Die Gruppe enthält Kategorien mit aktiviertem Lead-Status (%(names)s). "
                            "Deaktivieren Sie dort zuerst den Lead-Status."
                        )
                        % {"names": names}
                    }
                )
        return cleaned


class CategoryInline(admin.TabularInline):
    model = Category
    template = COMPACT_TABULAR
    fields = ("name", "lead_status_enabled", "rank", "active")
    extra = 0
    show_change_link = True


@admin.register(CategoryGroup)
class CategoryGroupAdmin(admin.ModelAdmin):
    form = CategoryGroupForm
    list_display = ("name", "kind", "rank")
    list_editable = ("rank",)
    list_filter = ("kind",)
    search_fields = ("name",)
    ordering = ("rank", "name")
    inlines = [CategoryInline]

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", CategoryGroupForm)
        return super().get_changelist_form(request, **kwargs)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    # The model form runs Category.clean(): lead status only in a prospect group.
    list_display = ("name", "group", "lead_status_enabled", "rank", "active")
    list_editable = ("rank", "active")
    list_filter = ("group", "lead_status_enabled", "active")
    list_select_related = ("group",)
    search_fields = ("name",)
    ordering = ("group__rank", "rank", "name")


class ColourInput(forms.TextInput):
    input_type = "color"


class LeadStatusForm(forms.ModelForm):
    class Meta:
        model = LeadStatus
        fields = ("name", "description", "phase", "colour", "rank", "active", "is_default")
        widgets = {"colour": ColourInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def _get_validation_exclusions(self):
        # A second default is allowed here: save_model moves the flag atomically, so the
        # "one default" constraint must not be checked against the old default first.
        return super()._get_validation_exclusions() | {"is_default"}

    def clean(self):
        cleaned = super().clean()
        was_default = (
            bool(self.instance.pk)
            and LeadStatus.objects.filter(pk=self.instance.pk, is_default=True).exists()
        )
        is_default = cleaned.get("is_default", self.instance.is_default)
        if was_default and not is_default:
            self.add_error(
                "is_default" if "is_default" in self.fields else None,
                _(
                    "Es muss genau einen Standard-Status geben. Markieren Sie stattdessen "
                    "einen anderen Status als Standard."
                ),
            )
        active = cleaned.get("active", self.instance.active)
        if is_default and not active:
            self.add_error(
                "active" if "active" in self.fields else None,
                _("Der Standard-Status muss aktiv sein."),
            )
        return cleaned


@admin.register(LeadStatus)
class LeadStatusAdmin(admin.ModelAdmin):
    form = LeadStatusForm
    list_display = ("name", "phase", "swatch", "is_default", "rank", "active", "short_description")
    list_display_links = ("name",)
    list_editable = ("rank", "active")
    list_filter = ("phase", "active")
    search_fields = ("name", "description")
    ordering = ("rank", "name")
    fields = ("name", "description", "phase", "colour", "rank", "active", "is_default")

    actions = ["make_default"]

    @admin.action(description=_("Als Standard-Status festlegen"))
    def make_default(self, request, queryset):
        if queryset.count() != 1:
            messages.error(request, _("Bitte genau einen Status auswählen."))
            return
        status = queryset.get()
        if not status.active:
            messages.error(request, _("Der Standard-Status muss aktiv sein."))
            return
        with transaction.atomic():
            LeadStatus.objects.filter(is_default=True).exclude(pk=status.pk).update(
                is_default=False
            )
            LeadStatus.objects.filter(pk=status.pk).update(is_default=True)
        messages.success(
            request, _("„%(name)s“ ist jetzt der Standard-Status.") % {"name": status.name}
        )

    @admin.display(description=_("Farbe"), ordering="colour")
    def swatch(self, obj: LeadStatus) -> str:
        return colour_swatch(obj.colour)

    @admin.display(description=_("Beschreibung"))
    def short_description(self, obj: LeadStatus) -> str:
        return Truncator(obj.description).chars(60)

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", LeadStatusForm)
        return super().get_changelist_form(request, **kwargs)

    def save_model(self, request, obj, form, change):
        # One default only: the new default takes the flag from the old one in the same
        # transaction (the partial unique index would refuse two at once).
        with transaction.atomic():
            if obj.is_default:
                previous = list(
                    LeadStatus.objects.select_for_update()
                    .filter(is_default=True)
                    .exclude(pk=obj.pk)
                )
                if previous:
                    LeadStatus.objects.filter(pk__in=[s.pk for s in previous]).update(
                        is_default=False
                    )
                    messages.info(
                        request,
                        _("„%(old)s“ ist nicht mehr der Standard-Status.")
                        % {"old": ", ".join(s.name for s in previous)},
                    )
            super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(is_default=True).exists():
            messages.error(request, _("Der Standard-Status kann nicht gelöscht werden."))
            queryset = queryset.filter(is_default=False)
        super().delete_queryset(request, queryset)


class PersonInline(admin.TabularInline):
    model = Person
    template = COMPACT_TABULAR
    fields = ("salutation", "first_name", "last_name", "function", "email", "phone")
    extra = 0
    show_change_link = True


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "category", "postal_code", "city", "country", "industry", "owner")
    list_select_related = ("category", "owner")
    list_filter = ("category", "country")
    search_fields = ("name", "=postal_code", "city", "email")
    ordering = ("name", "id")
    autocomplete_fields = ("owner",)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts scan the whole table
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "category", "industry", "owner")}),
        (_("Adresse"), {"fields": ("street", ("postal_code", "city"), "country")}),
        (_("Kontakt"), {"fields": ("phone", "email", "website")}),
        (_("Verlauf"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = [PersonInline]

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def save_model(self, request, obj, form, change):
        # The category rules of seed 000 live in the service: entering a prospect
        # category with lead status puts every person of the company on "Offen".

        new_category = obj.category
        category_changed = change and "category" in form.changed_data
        if category_changed:
            obj.category_id = Company.objects.values_list("category_id", flat=True).get(pk=obj.pk)
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
        if category_changed:
            company_set_category(company=obj, category=new_category, user=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        company = form.instance
        category = Category.objects.select_related("group").filter(pk=company.category_id).first()
        if lead_status_applies(category):
            # persons added in the inline start with the default status, like everywhere
            company.persons.filter(lead_status__isnull=True).update(
                lead_status=LeadStatus.objects.default(), lead_status_changed_at=timezone.now()
            )


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = (
            "company",
            "salutation",
            "title",
            "first_name",
            "last_name",
            "function",
            "email",
            "phone",
            "mobile",
            "owner",
            "lead_status",
        )

    def clean(self):
        cleaned = super().clean()
        company = cleaned.get("company")
        category = (
            Category.objects.select_related("group").filter(pk=company.category_id).first()
            if company and company.category_id
            else None
        )
        self.lead_status_applies = lead_status_applies(category)
        if "lead_status" in self.changed_data and cleaned.get("lead_status"):
            if not self.lead_status_applies:
                self.add_error(
                    "lead_status",
                    _(
                        "Der Lead-Status gilt nur für Personen, deren Firmenkategorie zur Gruppe "
                        "„Potenzieller Kunde“ gehört und den Lead-Status aktiviert hat."
                    ),
                )
        elif self.lead_status_applies and not cleaned.get("lead_status"):
            if "lead_status" in self.changed_data:
                self.add_error("lead_status", _("Bitte wählen Sie einen Lead-Status."))
        return cleaned


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("last_name", "first_name", "company", "function", "email", "lead_status")
    list_display_links = ("last_name", "first_name")
    list_select_related = ("company", "lead_status")
    list_filter = ("lead_status", "company__category", "salutation")
    search_fields = ("last_name", "first_name", "email", "company__name")
    ordering = ("last_name", "first_name", "id")
    form = PersonForm

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    autocomplete_fields = ("company", "owner")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts scan the whole table
    readonly_fields = ("lead_status_changed_at", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("company", ("salutation", "title"), ("first_name", "last_name"))}),
        (_("Kontakt"), {"fields": ("function", "email", "phone", "mobile", "owner")}),
        (_("Lead-Status"), {"fields": ("lead_status", "lead_status_changed_at")}),
        (_("Verlauf"), {"fields": ("created_at", "updated_at")}),
    )

    def save_model(self, request, obj, form, change):
        if getattr(form, "lead_status_applies", False) and obj.lead_status_id is None:
            obj.lead_status = LeadStatus.objects.default()  # entering a prospect company
        if "lead_status" in form.changed_data or (
            obj.lead_status_id and obj.lead_status_changed_at is None
        ):
            obj.lead_status_changed_at = timezone.now()
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
