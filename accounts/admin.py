"""Admin for users: Django's UserAdmin plus the LeadCRM settings of a user.

This module is also where the admin site gets its German title, because `accounts` is
the first LeadCRM app Django loads.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import ListPreference, User

admin.site.site_header = _("LeadCRM Verwaltung")
admin.site.site_title = _("LeadCRM Verwaltung")
admin.site.index_title = _("Listen, Benutzer und Stammdaten")
# the lists are wide tables; the breadcrumbs and the index are enough navigation
admin.site.enable_nav_sidebar = False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("E-Mail-Signatur"), {"fields": ("signature",)}),
        (
            _("Abwesenheit"),
            {
                "fields": (("absent_from", "absent_until"),),
                "description": _(
                    "Abwesende Benutzer erhalten bei der Verteilung keine neuen Leads."
                ),
            },
        ),
        (_("Benachrichtigungen"), {"fields": ("daily_digest",)}),
    )
    list_display = (
        "username",
        "full_name",
        "email",
        "role_names",
        "is_staff",
        "is_active",
        "absent_until",
    )
    list_filter = ("groups", "is_staff", "is_superuser", "is_active", "daily_digest")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("first_name", "last_name", "username")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("Name"), ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("Rollen"))
    def role_names(self, obj: User) -> str:
        return ", ".join(sorted(g.name for g in obj.groups.all())) or "—"


@admin.register(ListPreference)
class ListPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "key")
    list_select_related = ("user",)
    list_filter = ("key",)
    search_fields = ("user__username", "user__last_name", "key")
    autocomplete_fields = ("user",)
