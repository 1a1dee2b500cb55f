from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "apps.visits"
    label = "visits"
    verbose_name = _("Visits and daily reports")

    def ready(self) -> None:
        from apps.tenancy.audit import register_audit_actions

        # What the audit codes this app writes read as (apps/tenancy/audit.py); a visit's own
        # created/changed/deleted read from the model's name.
        register_audit_actions(
            {
                "visits.plan.created": _("Visit plan created"),
                "visits.plan.updated": _("Visit plan changed"),
                "visits.plan.deleted": _("Visit plan deleted"),
                "visits.plan.submitted": _("Visit plan submitted"),
                "visits.plan.approved": _("Visit plan approved"),
                "visits.plan.returned": _("Visit plan returned"),
                "visits.plan.carried_over": _("Unfinished visits carried over"),
                "visits.visit.checked_in": _("Checked in at the customer"),
                "visits.visit.checked_out": _("Checked out"),
                "visits.visit.customer_located": _("Customer's location recorded"),
                "visits.photo.added": _("Visit photo added"),
                "visits.report.created": _("Daily report created"),
                "visits.report.updated": _("Daily report changed"),
                "visits.report.submitted": _("Daily report submitted"),
                "visits.report.reviewed": _("Daily report signed off"),
                "visits.market_report.created": _("Market situation report raised"),
                "visits.market_report.acknowledged": _("Market situation report acknowledged"),
                "visits.market_report.closed": _("Market situation report closed"),
                "visits.suggestion.accepted": _("Suggested visit accepted"),
                "visits.suggestion.dropped": _("Suggested visit dropped"),
            }
        )

        from .metrics import register_visit_metrics  # visit KPIs join the targets engine's registry

        register_visit_metrics()

        from datetime import time

        from apps.tenancy.models import Tenant
        from apps.tenancy.scheduling import daily, register_tenant_job

        # Reminders in each tenant's own time, on its working days (its weekdays, not its holidays,
        # as its admin set them): at the plan cut-off for reps without a submitted plan, at the
        # report deadline for reps without a submitted report.
        register_tenant_job(
            "visits_plan_reminders",
            "apps.visits.tasks.remind_missing_plans",
            daily(at=lambda tenant: tenant.plan_cutoff, on=Tenant.works_on),
            label=_("Reminders of missing visit plans"),
        )
        register_tenant_job(
            "visits_report_reminders",
            "apps.visits.tasks.remind_missing_reports",
            daily(at=lambda tenant: tenant.report_deadline, on=Tenant.works_on),
            label=_("Reminders of missing daily reports"),
        )
        # Tomorrow's plan, suggested: every working evening, for the next working day, all reps in
        # one pass (services/suggestions.py); a rep opening that plan before it ran gets theirs at once.
        register_tenant_job(
            "visits_plan_suggestions",
            "apps.visits.tasks.suggest_tomorrows_plans",
            daily(at=time(19, 0), on=Tenant.works_on),
            label=_("Suggestions for tomorrow's visit plans"),
        )

        from apps.tenancy.demo import register_demo_seeder

        # Demo data (apps/visits/demo/): six weeks of plans, visits and reports on the foundation's customers.
        register_demo_seeder(
            "visits.field_work", "apps.visits.demo.seed_field_work", after=["sales.foundation"]
        )
        # Suggestions for the next working day's plans, so a demo rep's tomorrow shows them.
        register_demo_seeder(
            "visits.suggestions", "apps.visits.demo.seed_suggestions", after=["visits.field_work"]
        )

        from apps.tenancy.starter import register_starter_data

        # KPI presets on the visit metrics (fixtures/visits/custom_metrics.<language>.json), written by
        # the targets app's loader. Market report categories are fixed choices (MarketReport.Category),
        # so there is nothing of them to load.
        register_starter_data(
            "visits.custom_metrics",
            "apps.targets.starter.load_custom_metrics",
            label=_("custom KPIs on visits"),
        )

        from apps.tenancy.navigation import register_nav_entry

        # The top bar (apps/tenancy/navigation.py), with counts of what waits (selectors of this app).
        line = ("manager", "admin")
        register_nav_entry(
            "visits.today",
            group="today",
            label=_("Today's visits"),
            url_name="visits:today",
            roles=("rep", "manager", "admin"),
            order=10,
        )
        register_nav_entry(
            "visits.plan_queue",
            group="today",
            label=_("Plan approvals"),
            url_name="visits:queue",
            roles=line,
            order=20,
            count="apps.visits.selectors.visit_plan_queue_count",
        )
        register_nav_entry(
            "visits.daily_report",
            group="today",
            label=_("Daily report"),
            url_name="reports:mine",
            order=30,
            current=["reports:list", "reports:mine", "reports:row", "reports:detail"],
            count="apps.visits.selectors.daily_report_overdue_count",
        )
        register_nav_entry(
            "visits.review_queue",
            group="today",
            label=_("Reports to sign off"),
            url_name="reports:queue",
            roles=line,
            order=40,
            count="apps.visits.selectors.review_queue_count",
        )
        register_nav_entry(
            "visits.market_reports",
            group="today",
            label=_("Market reports"),
            url_name="reports:market-list",
            order=50,
            current=["reports:market*"],
            count="apps.visits.selectors.market_report_waiting_count",
        )

        from apps.org.handover import register_handover_participant

        # 客户交接: planned visits from today on move with the customers (apps.org.handover).
        register_handover_participant(
            "visits",
            label=_("Planned visits"),
            preview="apps.visits.selectors.handover.visit_handover_preview",
            transfer="apps.visits.services.handover.visit_handover_transfer",
        )

        from apps.tenancy.home import register_home_card

        # Homes (selectors/home.py): the rep's day (today's plan and visits, reports owed); the
        # manager's queues (plans, reports for the 批示, market reports), the line's visits today and
        # what is overdue.
        for code, roles, order in (
            ("today", ("rep",), 10),
            ("plan_approvals", ("manager",), 10),
            ("reports_due", ("rep",), 20),
            ("report_signoffs", ("manager",), 20),
            ("market_open", ("manager",), 30),
            ("overdue", ("manager",), 35),
            ("line_today", ("manager",), 55),
        ):
            register_home_card(
                f"visits.{code}",
                roles=roles,
                order=order,
                template=f"visits/cards/{code}.html",
                context=f"apps.visits.selectors.home.{code}_card",
                lazy=code == "line_today",  # figures: after the queues
            )
