from django.contrib import admin

from engagement.models import EngagementEvent, EngagementSettings


@admin.register(EngagementSettings)
class EngagementSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "half_life_days", "last_run_at")
    readonly_fields = ("last_run_at",)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not EngagementSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EngagementEvent)
class EngagementEventAdmin(admin.ModelAdmin):
    list_display = ("lead", "signal", "occurred_at", "message_id")
    list_filter = ("signal",)
    raw_id_fields = ("lead",)
    search_fields = ("=message_id",)
