from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "apps.reporting"
    label = "reporting"
    verbose_name = _("Weekly progress and reports")

    def ready(self) -> None:
        from apps.tenancy.scheduling import register_tenant_job, weekly_previous_week

        # Every Monday from 06:00 in the tenant's own time: the ISO week that just ended.
        register_tenant_job(
            "weekly_rollup", "apps.reporting.tasks.weekly_rollup", weekly_previous_week(weekday=0)
        )
