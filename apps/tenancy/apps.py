from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "apps.tenancy"
    label = "tenancy"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the login receiver)
