from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Benutzer")

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from accounts.channel import tag_historical_record

        # API writes name their token in every history (accounts/channel.py)
        pre_create_historical_record.connect(tag_historical_record, dispatch_uid="api-channel")
