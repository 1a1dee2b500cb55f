from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "apps.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from apps.tenancy.audit import register_audit_actions

        # What the audit codes this app writes read as (apps/tenancy/audit.py); products, orders and
        # payments read as "<model> created/changed/deleted" without a label of their own.
        register_audit_actions(
            {
                "sales.category.created": _("Product category created"),
                "sales.category.updated": _("Product category changed"),
                "sales.category.deleted": _("Product category deleted"),
                "sales.order.cancelled": _("Order cancelled"),
                "sales.term.created": _("Payment term created"),
                "sales.term.updated": _("Payment term changed"),
                "sales.term.deleted": _("Payment term deleted"),
                "sales.credit.updated": _("Credit terms changed"),
                "sales.payment.allocated": _("Payment allocated to invoices"),
                "sales.allocation.deleted": _("Allocation removed"),
            }
        )

        from apps.tenancy.demo import register_demo_seeder

        # Demo data (apps/sales/demo/): people, customers, products, a year of orders and payments.
        # Every other app's seeders run after this one.
        register_demo_seeder("sales.foundation", "apps.sales.demo.seed_foundation")
        # Payment terms by segment and the receivables of the foundation's orders and payments.
        register_demo_seeder(
            "sales.receivables", "apps.sales.demo.seed_receivables", after=["sales.foundation"]
        )

        from apps.tenancy.starter import register_starter_data

        register_starter_data(
            "sales.payment_terms", "apps.sales.starter.load_payment_terms", label=_("Payment terms")
        )

        from apps.customers.panels import register_customer_panel

        register_customer_panel(
            "sales.receivables",
            order=20,
            template="sales/panels/receivables.html",
            context="apps.sales.selectors.receivables_panel",
            column="side",
        )

        from apps.tenancy.navigation import register_nav_entry

        # The top bar (apps/tenancy/navigation.py). The dashboard is the brand link, not an entry.
        register_nav_entry(
            "sales.orders",
            group="sales",
            label=_("Orders"),
            url_name="sales:orders",
            order=10,
            current=["sales:orders", "sales:order-detail"],
        )
        register_nav_entry(
            "sales.payments",
            group="sales",
            label=_("Collections"),
            url_name="sales:payments",
            order=20,
            current=["sales:payments", "sales:payment-allocate"],
        )
        register_nav_entry(
            "sales.receivables",
            group="sales",
            label=_("Receivables"),
            url_name="sales:ageing",
            order=25,
            current=["sales:ageing", "sales:customer-credit"],
        )
        register_nav_entry(
            "sales.payment_terms",
            group="settings",
            label=_("Payment terms"),
            url_name="payment-terms",
            roles=("admin",),
            order=20,
            current=["payment-term*"],
        )
        # No entry for the team page: it is the "Team" card of the manager's and admin's home, and
        # its old address (url name "team") leads there.

        from apps.tenancy.home import register_home_card

        # Homes: a rep's figures of the month; the team's figures (a manager's line, everyone for an
        # admin), a table loaded with htmx.
        register_home_card(
            "sales.month",
            roles=("rep",),
            order=60,
            template="sales/cards/month.html",
            context="apps.sales.selectors.month_card",
        )
        register_home_card(
            "sales.team",
            roles=("manager", "admin"),
            order=90,
            template="sales/cards/team.html",
            context="apps.sales.selectors.team_card",
        )
        # Overdue money to collect: a rep's customers, a manager's line, everyone for an admin.
        register_home_card(
            "sales.overdue",
            roles=("rep", "manager", "admin"),
            order=35,
            template="sales/cards/overdue.html",
            context="apps.sales.selectors.overdue_card",
        )
