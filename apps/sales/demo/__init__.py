"""The foundation's demo data: organisation, regions, customers with contacts and interactions,
products, 12 months of orders and collections ending today, with a Chinese sales calendar.

Registered as `sales.foundation` in SalesConfig.ready(); every other seeder runs after it. The parts:
people.py (users, memberships, teams, regions), customers.py (customers, contacts, interactions),
orders.py (products, orders, payments), drawing on pools.py (names per locale) and season.py
(the sales calendar). Everything is bulk-inserted and deterministic for a given `ctx.today`.
"""

from __future__ import annotations

from apps.customers.demo import seed_tasks
from apps.org.services import closure_rebuild_all
from apps.tenancy.demo import DemoContext

from ..services import customer_order_dates_refresh
from .customers import seed_contacts, seed_customers, seed_interactions
from .orders import seed_orders_and_payments, seed_products
from .people import seed_people, seed_regions
from .pools import EN, ZH
from .receivables import seed_receivables

__all__ = ["seed_foundation", "seed_receivables"]


def seed_foundation(ctx: DemoContext) -> None:
    pools = ZH if ctx.spec.locale == "zh" else EN
    rng = ctx.rng("foundation")
    org = seed_people(ctx, pools, rng)
    seed_regions(ctx, pools, org)
    products = seed_products(ctx, pools)
    customers = seed_customers(ctx, pools, rng, org)
    contacts = seed_contacts(ctx, pools, rng, customers)
    seed_interactions(ctx, pools, rng, customers, contacts)
    seed_tasks(ctx)  # the follow-ups' tasks and each rep's tasks (apps/customers/demo)
    seed_orders_and_payments(ctx, pools, rng, customers, products)
    customer_order_dates_refresh(tenant_id=ctx.tenant.pk)
    closure_rebuild_all(tenant_id=ctx.tenant.pk)
