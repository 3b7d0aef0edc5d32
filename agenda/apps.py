"""Mein Kalender: week and month views of a user's appointments and tasks, the personal iCal feed, invitations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Kalender")

    def ready(self) -> None:
        from activities.mail import register_attachment_provider  # app registry is ready
        from agenda.invitations import attachments_for

        register_attachment_provider(attachments_for)
