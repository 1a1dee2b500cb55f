from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "apps.visits"
    label = "visits"
    verbose_name = _("Visits and daily reports")

    def ready(self) -> None:
        from .metrics import register_visit_metrics  # visit KPIs join the targets engine's registry

        register_visit_metrics()
