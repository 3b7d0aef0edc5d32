"""Admin for users: Django's UserAdmin plus the LeadCRM settings of a user.

This module is also where the admin site gets its German title, because `accounts` is
the first LeadCRM app Django loads.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import tokens
from accounts.models import ApiToken, ListPreference, User

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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Admins see every token and revoke it; making one is the user's (the secret is shown
    once, on the profile page), so the admin has no add form."""

    list_display = (
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_select_related = ("user",)
    list_filter = ("scope", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "prefix", "user__username", "user__last_name")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Ausgewählte Token widerrufen"))
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.api_token_revoke(token=token, user=request.user)
            count += 1
        self.message_user(request, _("%(n)d Token widerrufen.") % {"n": count})
