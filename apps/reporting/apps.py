from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "apps.reporting"
    label = "reporting"
    verbose_name = _("Weekly progress and reports")

    def ready(self) -> None:
        from apps.tenancy.audit import register_audit_actions

        # What the audit codes this app writes read as (apps/tenancy/audit.py).
        register_audit_actions(
            {
                "reporting.note.created": _("Next week's goals written"),
                "reporting.note.updated": _("Next week's goals changed"),
            }
        )

        from datetime import time

        from apps.tenancy.scheduling import register_tenant_job, weekly_previous_week

        # Every Monday from 06:00 in the tenant's own time: the ISO week that just ended.
        register_tenant_job(
            "weekly_rollup",
            "apps.reporting.tasks.weekly_rollup",
            weekly_previous_week(weekday=0),
            label=_("Weekly progress roll-up"),
        )
        # From 07:00 the managers get that week's report by mail, in their language (it rolls the week
        # up itself if the 06:00 job has not run yet).
        register_tenant_job(
            "weekly_report_mail",
            "apps.reporting.tasks.weekly_report_mail",
            weekly_previous_week(weekday=0, at=time(7)),
            label=_("Weekly report mail to the managers"),
        )

        from apps.tenancy.demo import register_demo_seeder

        # Demo data (apps/reporting/demo/): the rollup reads the sales, targets and field work seeded
        # before it; the weekly report's notes only need the teams.
        register_demo_seeder(
            "reporting.weekly_progress",
            "apps.reporting.demo.seed_weekly_progress",
            after=["targets.targets", "visits.field_work"],
        )
        register_demo_seeder(
            "reporting.weekly_notes", "apps.reporting.demo.seed_weekly_notes", after=["sales.foundation"]
        )

        from apps.tenancy.navigation import register_nav_entry

        # The top bar (apps/tenancy/navigation.py): the weekly report is for the line and viewers.
        register_nav_entry(
            "reporting.weekly",
            group="reports",
            label=_("Weekly report"),
            url_name="reporting:weekly",
            roles=("manager", "admin", "viewer"),
            order=10,
            current=["reporting:*"],
        )

        from apps.tenancy.home import register_home_card

        # Homes: last week's weekly report, its headline figures and a link to it.
        register_home_card(
            "reporting.last_week",
            roles=("manager", "admin", "viewer"),
            order=70,
            template="reporting/cards/last_week.html",
            context="apps.reporting.selectors.last_week_card",
            lazy=True,  # figures: after what waits for the member
        )
