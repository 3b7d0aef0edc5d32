"""Nurture sequences (Nachfass-Sequenzen): steps, enrolments, the beat job that runs them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SequencesConfig(AppConfig):
    name = "sequences"
    verbose_name = _("Nachfass-Sequenzen")

    def ready(self) -> None:
        from activities import mail  # reason: the hook is registered once the apps are loaded
        from sequences.unsubscribe import unsubscribe_headers

        mail.register_header_provider(unsubscribe_headers)
