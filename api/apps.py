from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST-API")

    def ready(self) -> None:
        # registers the OpenAPI extension of the token authentication (no side effects)
        from api import schema  # noqa: F401  # reason: must load after the app registry
