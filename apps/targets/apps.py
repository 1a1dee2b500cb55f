from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "apps.targets"
    label = "targets"
    verbose_name = _("Targets and KPIs")

    def ready(self) -> None:
        from apps.tenancy.audit import register_audit_actions

        # What the audit codes this app writes read as (apps/tenancy/audit.py); a target's own
        # created/changed/deleted read from the model's name.
        register_audit_actions(
            {
                "targets.target.propose": _("Target proposed for approval"),
                "targets.target.return": _("Target returned"),
                "targets.target.approve": _("Target approved"),
                "targets.target.reopen": _("Target reopened"),
                "targets.target.lock": _("Target locked"),
                "targets.metric.created": _("Custom KPI created"),
                "targets.metric.updated": _("Custom KPI changed"),
                "targets.metric.deleted": _("Custom KPI deleted"),
                "targets.profile.created": _("Seasonal profile created"),
                "targets.profile.updated": _("Seasonal profile changed"),
                "targets.profile.deleted": _("Seasonal profile deleted"),
                "targets.appraisal_cycle.created": _("Review cycle created"),
                "targets.appraisal_cycle.updated": _("Review cycle changed"),
                "targets.appraisal_cycle.deleted": _("Review cycle deleted"),
                "targets.appraisal.created_for_cycle": _("Appraisals created for the cycle"),
                "targets.appraisal.lines_set": _("Appraisal scores filled in"),
                "targets.appraisal.submitted": _("Appraisal sent to the account manager"),
                "targets.appraisal.acknowledged": _("Appraisal acknowledged"),
                "targets.appraisal.closed": _("Appraisal closed"),
                "targets.improvement_action.created": _("Improvement action added"),
                "targets.improvement_action.updated": _("Improvement action changed"),
                "targets.improvement_action.deleted": _("Improvement action deleted"),
                "targets.improvement_action.status": _("Improvement action status changed"),
            }
        )

        # The sales built-ins are declared here like any later app declares its own metrics
        # (visits, surveys… register theirs in their own ready()): one registry, no imports to the right.
        from .builtin import register_builtins

        register_builtins()

        from apps.tenancy.scheduling import daily, register_tenant_job

        # Lock approved targets once a local day, just after the tenant's midnight.
        register_tenant_job(
            "targets_lock",
            "apps.targets.tasks.targets_lock_due",
            daily(),
            label=_("Lock the targets of ended periods"),
        )

        from apps.tenancy.demo import register_demo_seeder

        # Demo data (apps/targets/demo/): a year of targets from the foundation's sales, then last
        # month's appraisals scored against them.
        register_demo_seeder("targets.targets", "apps.targets.demo.seed_targets", after=["sales.foundation"])
        register_demo_seeder(
            "targets.appraisals", "apps.targets.demo.seed_appraisals", after=["targets.targets"]
        )

        from apps.tenancy.starter import register_starter_data

        from .models import AppraisalCycle, CustomMetric, SeasonalProfile

        # Starter data of a new organisation (fixtures/targets/*.<language>.json, apps/targets/starter.py).
        register_starter_data(
            "targets.seasonal_profiles",
            "apps.targets.starter.load_seasonal_profiles",
            label=SeasonalProfile._meta.verbose_name_plural,
        )
        register_starter_data(
            "targets.custom_metrics",
            "apps.targets.starter.load_custom_metrics",
            label=CustomMetric._meta.verbose_name_plural,
        )
        register_starter_data(
            "targets.appraisal_cycles",
            "apps.targets.starter.load_appraisal_cycles",
            label=AppraisalCycle._meta.verbose_name_plural,
        )

        from apps.tenancy.navigation import register_nav_entry

        # The top bar (apps/tenancy/navigation.py); the line pages are for managers and admins only.
        line = ("manager", "admin")
        register_nav_entry(
            "targets.mine", group="targets", label=_("My targets"), url_name="targets:mine", order=10
        )
        # No entry for the team dashboard: its table and trend are cards of the manager's and admin's
        # home, and its old address (targets:team) leads there.
        register_nav_entry(
            "targets.breakdown",
            group="targets",
            label=_("Target breakdown"),
            url_name="targets:roots",
            roles=line,
            order=30,
            current=["targets:roots", "targets:create", "targets:tree", "targets:breakdown"],
        )
        register_nav_entry(
            "targets.appraisals",
            group="targets",
            label=_("Appraisals"),
            role_labels={"rep": _("My appraisals")},
            url_name="appraisals:list",
            order=40,
            current=["appraisals:*"],
        )

        from apps.org.handover import register_handover_participant

        # 客户交接: targets of periods still open move to the new rep (apps.org.handover).
        register_handover_participant(
            "targets",
            label=_("Targets of open periods"),
            preview="apps.targets.selectors.handover.target_handover_preview",
            transfer="apps.targets.services.handover.target_handover_transfer",
        )

        from apps.tenancy.home import register_home_card

        # Homes (selectors/home.py): a rep's targets and appraisal tasks; the line's or the
        # organisation's attainment, the teams' targets, approvals, the attainment table (htmx) and
        # the revenue trend (Chart.js).
        cards = "apps.targets.selectors.home"
        # The figures that cost a KPI computation load after the page (lazy): the lists come first.
        for code, roles, order, lazy in (
            ("teams", ("admin", "viewer"), 10, True),
            ("tasks", ("rep", "manager"), 38, False),
            ("my_targets", ("rep",), 40, False),
            ("approvals", ("manager", "admin"), 45, False),
            ("attainment", ("manager", "admin", "viewer"), 50, True),
            ("team_table", ("manager", "admin"), 80, False),  # its body loads from targets:team-card
        ):
            register_home_card(
                f"targets.{code}",
                roles=roles,
                order=order,
                template=f"targets/cards/{code}.html",
                context=f"{cards}.{code}_card",
                lazy=lazy,
            )
        register_home_card(
            "targets.trend",
            roles=("manager", "admin", "viewer"),
            order=85,
            template="targets/cards/trend.html",
            context=f"{cards}.trend_card",
            scripts=("vendor/chart.umd.min.js", "js/charts.js"),
            lazy=True,
        )
