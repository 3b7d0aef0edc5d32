"""Admin of the opportunities [Verkaufschancen]; the app's own screens are the main place.

Saving goes through the services (version, history user, `closed_at`); status changes only
on the opportunity's page, where `opportunity_set_status` owns them.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opportunities import services
from opportunities.models import Opportunity


class OpportunityAdminForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = [
            "kind",
            "title",
            "company",
            "person",
            "lead",
            "amount",
            "expected_close",
            "description",
            "owner",
            "activities",
        ]

    def clean(self):
        data = super().clean()
        company = data.get("company") or getattr(self.instance, "company", None)
        person = data.get("person")
        if person is not None and company is not None and person.company_id != company.pk:
            self.add_error("person", _("Der Ansprechpartner gehört nicht zur Firma."))
        return data


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    form = OpportunityAdminForm
    list_display = (
        "title",
        "kind",
        "status",
        "company",
        "person",
        "amount",
        "expected_close",
        "owner",
    )
    list_select_related = ("company", "person", "owner")
    list_filter = ("kind", "status")
    search_fields = ("title", "company__name", "=lead__number")
    ordering = ("-created_at",)
    autocomplete_fields = ("company", "person", "owner")
    raw_id_fields = ("lead", "activities")
    readonly_fields = ("status", "closed_at", "version")
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # facet counts scan the whole table

    def get_readonly_fields(self, request, obj=None):
        fixed = ("company", "lead") if obj is not None else ()
        return (*self.readonly_fields, *fixed)

    def save_model(self, request, obj, form, change):
        if change:
            data = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.UPDATE_FIELDS
            }
            saved = services.opportunity_update(
                opportunity=obj, data=data, user=request.user, expected_version=obj.version
            )
        else:
            data = {
                name: form.cleaned_data.get(name)
                for name in services.CREATE_FIELDS
                if name in form.cleaned_data
            }
            saved = services.opportunity_create(data=data, user=request.user)
        obj.pk, obj.version = saved.pk, saved.version
