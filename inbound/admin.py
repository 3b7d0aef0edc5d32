from django.contrib import admin

from inbound.models import InboundMail, Mailbox


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ("received_at", "source", "from_address", "subject", "state", "reason")
    list_filter = ("state", "source")
    search_fields = ("from_address", "subject", "message_id")
    exclude = ("raw",)
    readonly_fields = [f.name for f in InboundMail._meta.fields if f.name not in ("raw",)]
    list_select_related = True

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ("key", "uidvalidity", "last_uid", "polled_at")
    readonly_fields = ("polled_at",)
