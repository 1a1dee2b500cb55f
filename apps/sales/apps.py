from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "apps.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from apps.tenancy.demo import register_demo_seeder

        # Demo data (apps/sales/demo/): people, customers, products, a year of orders and payments.
        # Every other app's seeders run after this one.
        register_demo_seeder("sales.foundation", "apps.sales.demo.seed_foundation")
