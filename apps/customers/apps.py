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

        # The home: follow-ups (跟进) due on the member's own customers.
        register_home_card(
            "customers.follow_ups",
            roles=("rep", "manager"),
            order=37,
            template="customers/cards/follow_ups.html",
            context="apps.customers.selectors.follow_up_card",
        )
        # The rep's home: birthdays of their customers' contacts this week (customer care).
        register_home_card(
            "customers.care",
            roles=("rep",),
            order=39,
            template="customers/cards/care.html",
            context="apps.customers.selectors.care_card",
        )
