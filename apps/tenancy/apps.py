from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "apps.tenancy"
    label = "tenancy"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers the role check, connects the login receiver)
