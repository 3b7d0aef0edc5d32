from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MergeConfig(AppConfig):
    name = "merge"
    verbose_name = _("Zusammenführen")
