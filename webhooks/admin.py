"""Webhook subscriptions and the delivery log in the admin (staff only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from webhooks.models import DeliveryStatus, Event, WebhookDelivery, WebhookSubscription


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("Ereignisse"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ("name", "url", "events", "secret", "active")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ("name", "url", "active", "failure_count", "disabled_at")
    list_filter = ("active",)
    search_fields = ("name", "url")
    readonly_fields = ("failure_count", "disabled_at", "created_at")

    def save_model(self, request, obj, form, change):
        # switching a disabled subscription on again starts a fresh run of failures
        if change and "active" in form.changed_data and obj.active:
            obj.failure_count = 0
            obj.disabled_at = None
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: status, response code and time of every attempt's last result."""

    list_display = (
        "created_at",
        "subscription",
        "event",
        "status",
        "attempts",
        "response_code",
        "duration_ms",
        "next_attempt_at",
    )
    list_filter = ("status", "event", "subscription")
    list_select_related = ("subscription",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Erneut zustellen (jetzt)"))
    def retry_now(self, request, queryset):
        count = queryset.exclude(status=DeliveryStatus.SENT).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now()
        )
        self.message_user(request, _("%(n)d Zustellungen neu eingeplant.") % {"n": count})
