from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inbound.models import InboundMail, Mailbox
from inbound.services import REPROCESSABLE, inbound_reprocess


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ("received_at", "source", "from_address", "subject", "state", "reason")
    list_filter = ("state", "source")
    search_fields = ("from_address", "subject", "message_id")
    exclude = ("raw",)
    readonly_fields = [f.name for f in InboundMail._meta.fields if f.name not in ("raw",)]
    list_select_related = True
    actions = ["reprocess"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Erneut verarbeiten"), permissions=["change"])
    def reprocess(self, request, queryset) -> None:
        ids = list(queryset.filter(state__in=REPROCESSABLE).values_list("pk", flat=True))
        skipped = queryset.count() - len(ids)
        done = 0
        for mail_id in ids:
            if inbound_reprocess(mail_id=mail_id) is None:
                skipped += 1
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d E-Mail erneut verarbeitet.",
                    "%(count)d E-Mails erneut verarbeitet.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d E-Mail übersprungen: nur fehlgeschlagene oder ignorierte "
                    "E-Mails mit erhaltenen Rohdaten lassen sich erneut verarbeiten.",
                    "%(count)d E-Mails übersprungen: nur fehlgeschlagene oder ignorierte "
                    "E-Mails mit erhaltenen Rohdaten lassen sich erneut verarbeiten.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ("key", "uidvalidity", "last_uid", "polled_at")
    readonly_fields = ("polled_at",)
