from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "apps.targets"
    label = "targets"
    verbose_name = _("Targets and KPIs")

    def ready(self) -> None:
        # The sales built-ins are declared here like any later app declares its own metrics
        # (visits, surveys… register theirs in their own ready()): one registry, no imports to the right.
        from .builtin import register_builtins

        register_builtins()
