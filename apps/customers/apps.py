import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "apps.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from apps.tenancy.audit import register_audit_actions

        # What the audit codes this app writes read as (apps/tenancy/audit.py); customers, contacts and
        # interactions read as "<model> created/changed/deleted" without a label of their own.
        register_audit_actions(
            {
                "customers.interaction.follow_up_done": _("Follow-up done"),
                "customers.task.completed": _("Task done"),
                "customers.task.reopened": _("Task reopened"),
                "customers.task.cancelled": _("Task cancelled"),
            }
        )

        from .task_sources import FOLLOW_UP, MANUAL, register_task_source

        # Who makes tasks (apps/customers/task_sources.py); higher apps register theirs in their ready().
        register_task_source(MANUAL, label=_("Added by hand"))
        register_task_source(
            FOLLOW_UP, label=_("Follow-up"), links="apps.customers.selectors.follow_up_task_links"
        )

        from apps.tenancy.navigation import register_nav_entry

        # The top bar (apps/tenancy/navigation.py): a rep's list holds only their own customers.
        register_nav_entry(
            "customers.list",
            group="customers",
            label=_("Customers"),
            role_labels={"rep": _("My customers")},
            url_name="customers:list",
            order=10,
            current=["customers:*"],
        )

        from apps.org.handover import register_handover_participant

        # 客户交接: a leaving rep's customers move to another rep (apps.org.services.handover_execute).
        register_handover_participant(
            "customers",
            label=_("Customers"),
            preview="apps.customers.selectors.customer_handover_preview",
            transfer="apps.customers.services.customer_handover_transfer",
        )

        from apps.tenancy.home import register_home_card

        # The home: the member's own tasks due in the next days, whatever made them (follow-ups,
        # key-account plan tasks, tasks by hand), overdue first.
        register_home_card(
            "customers.tasks",
            roles=("rep", "manager"),
            order=37,
            template="customers/cards/tasks.html",
            context="apps.customers.selectors.task_card",
        )
        # The manager's (and admin's) home: overdue tasks of the line, by person.
        register_home_card(
            "customers.team_overdue",
            roles=("manager", "admin"),
            order=38,
            template="customers/cards/team_overdue.html",
            context="apps.customers.selectors.team_overdue_card",
        )
        # The rep's home: birthdays of their customers' contacts this week (customer care).
        register_home_card(
            "customers.care",
            roles=("rep",),
            order=39,
            template="customers/cards/care.html",
            context="apps.customers.selectors.care_card",
        )

        # The top bar: tasks in "Today's work", with the member's overdue and due-today ones as badge.
        register_nav_entry(
            "customers.tasks",
            group="today",
            label=_("Tasks"),
            role_labels={"rep": _("My tasks")},
            url_name="tasks:list",
            order=60,  # after the visits' entries (the day's plan, approvals, reports)
            current=["tasks:*"],
            count="apps.customers.selectors.task_due_count",
        )

        from .panels import register_customer_panel

        # The customer page: its open tasks, with "add a task".
        register_customer_panel(
            "customers.tasks",
            order=5,
            template="customers/panels/tasks.html",
            context="apps.customers.selectors.customer_tasks_panel",
            column="side",
        )

        from apps.tenancy.scheduling import daily, register_tenant_job

        # Every morning in the organisation's own time: owners of tasks due that day are told once.
        register_tenant_job(
            "customers_task_reminders",
            "apps.customers.tasks.task_reminders",
            daily(at=dt.time(8)),
            label=_("Reminders of tasks due today"),
        )
