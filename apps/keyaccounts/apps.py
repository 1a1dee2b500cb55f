from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyAccountsConfig(AppConfig):
    name = "apps.keyaccounts"
    label = "keyaccounts"
    verbose_name = _("Key-account plans")

    def ready(self) -> None:
        from apps.tenancy.audit import register_audit_actions

        # What the audit codes this app writes read as (apps/tenancy/audit.py).
        register_audit_actions(
            {
                "keyaccounts.plan.created": _("Key-account plan created"),
                "keyaccounts.plan.updated": _("Key-account plan changed"),
                "keyaccounts.plan.deleted": _("Key-account plan deleted"),
                "keyaccounts.plan.activated": _("Key-account plan activated"),
                "keyaccounts.plan.closed": _("Key-account plan closed"),
                "keyaccounts.stage.created": _("Plan stage added"),
                "keyaccounts.stage.updated": _("Plan stage changed"),
                "keyaccounts.stage.deleted": _("Plan stage deleted"),
                "keyaccounts.review.created": _("Key-account plan reviewed"),
                "keyaccounts.stage.task_added": _("Task added to a plan stage"),
            }
        )

        from apps.customers.task_sources import register_task_source

        # A stage's tasks are customers.Task rows made by this app; the task lists show their plan.
        register_task_source(
            "keyaccounts.plan",
            label=_("Key-account plan"),
            links="apps.keyaccounts.selectors.plan_task_links",
        )

        import datetime as dt

        from apps.tenancy.scheduling import daily, register_tenant_job

        # Once a local morning: owners (and their manager) of active plans whose review is due.
        register_tenant_job(
            "keyaccounts_reviews_due",
            "apps.keyaccounts.tasks.remind_reviews_due",
            daily(at=dt.time(7)),
            label=_("Reminders of key-account plan reviews due"),
        )

        from apps.tenancy.demo import register_demo_seeder

        # Demo data (apps/keyaccounts/demo/): a plan for a demo key account, reading its sales.
        register_demo_seeder(
            "keyaccounts.plans", "apps.keyaccounts.demo.seed_plans", after=["sales.foundation"]
        )

        from apps.tenancy.navigation import register_nav_entry

        register_nav_entry(
            "keyaccounts.plans",
            group="customers",
            label=_("Key-account plans"),
            role_labels={"rep": _("My key-account plans")},
            url_name="keyaccounts:list",
            order=20,
            current=["keyaccounts:*"],
        )

        from apps.tenancy.home import register_home_card

        # The home: plans whose review is due (a rep their own, a manager their line's).
        register_home_card(
            "keyaccounts.reviews_due",
            roles=("rep", "manager"),
            order=41,
            template="keyaccounts/cards/reviews_due.html",
            context="apps.keyaccounts.selectors.reviews_due_card",
        )

        from apps.customers.panels import register_customer_panel

        # The customer page: its plan in work (or the latest), stage by stage.
        register_customer_panel(
            "keyaccounts.plan",
            order=15,
            template="keyaccounts/panels/plan.html",
            context="apps.keyaccounts.selectors.customer_plan_panel",
            column="main",
        )
