"""Demo data: the demo tenants and a registry of seeders that fill them.

Each app that has demo data puts a `demo.py` module beside its models and registers a seeder there:

    from apps.tenancy.demo import DemoContext, register_demo_seeder

    def seed_visits(ctx: DemoContext) -> None:
        rng = ctx.rng("visits")          # its own stream: adding a seeder never changes the others
        ...

    register_demo_seeder(40, seed_visits)

`manage.py seed_demo` imports every app's `demo` module, wipes each demo tenant's data and runs the
seeders in ascending `order` inside one transaction per tenant, within `tenant_context`. The
foundation seeder (organisation, customers, products, orders, payments) is apps.sales.demo at order 10.
Seeders must be deterministic (use `ctx.rng(name)` and `ctx.today`, never `random` or `now()`), and set-based
(bulk_create / COPY / INSERT ... SELECT), never a save per row.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.utils.module_loading import autodiscover_modules

DEMO_PASSWORD = "demo-pass-123"  # noqa: S105  (public demo credentials, printed by seed_demo)


@dataclass(frozen=True)
class DemoTenantSpec:
    """What one demo tenant looks like. `locale` picks the name pools (zh for Chinese, en for English)."""

    slug: str
    name: str
    timezone: str
    currency: str
    language: str
    locale: str
    reps: int
    customers: int
    products: int
    seed: int


DEMO_TENANTS: tuple[DemoTenantSpec, ...] = (
    DemoTenantSpec(
        slug="demo",
        name="华信商贸集团有限公司",
        timezone="Asia/Shanghai",
        currency="CNY",
        language="zh-hans",
        locale="zh",
        reps=20,
        customers=300,
        products=30,
        seed=20240601,
    ),
    DemoTenantSpec(
        slug="rival",
        name="Rival Supplies Pte Ltd",
        timezone="Asia/Singapore",
        currency="SGD",
        language="en",
        locale="en",
        reps=9,
        customers=120,
        products=16,
        seed=777,
    ),
)


@dataclass
class DemoContext:
    """Handed to every seeder: the tenant, its spec, the fixed 'today' and the logins to print."""

    tenant: object  # apps.tenancy.models.Tenant (not imported at module level: this module loads early)
    spec: DemoTenantSpec
    today: dt.date
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, description)

    def rng(self, name: str) -> random.Random:
        """A random stream per (tenant, seeder): deterministic and independent of other seeders."""
        return random.Random(f"{self.spec.seed}:{self.spec.slug}:{name}")

    @property
    def day_start(self) -> dt.datetime:
        """The moment the demo's today began in the tenant's zone. The demo shows the world as it
        stood then: whoever loads it, at whatever hour, finds nothing that has not happened yet."""
        return dt.datetime.combine(self.today, dt.time(0, 0), tzinfo=zoneinfo.ZoneInfo(self.spec.timezone))

    def before_today(self, moment: dt.datetime, *, after: dt.datetime) -> dt.datetime:
        """`moment`, or, where it would lie in today or later, a moment between `after` (the event
        it follows) and the start of today, so that events keep their order."""
        if moment < self.day_start:
            return moment
        return after + (self.day_start - after) * 3 / 4


Seeder = Callable[[DemoContext], None]
_SEEDERS: list[tuple[int, str, Seeder]] = []


def register_demo_seeder(order: int, func: Seeder) -> Seeder:
    """Add a seeder; lower `order` runs first. Registering the same function twice is a no-op."""
    name = f"{func.__module__}.{func.__qualname__}"
    if not any(existing == name for _order, existing, _func in _SEEDERS):
        _SEEDERS.append((order, name, func))
    return func


def demo_seeders() -> list[tuple[int, str, Seeder]]:
    """Every registered seeder in run order, after importing each installed app's `demo` module."""
    autodiscover_modules("demo")
    return sorted(_SEEDERS, key=lambda item: (item[0], item[1]))


def tenant_tables_in_delete_order() -> list[str]:
    """Tables of tenant-owned models, each listed before the tables it points at."""
    from .models import TenantModel

    models = [
        m for m in apps.get_models() if issubclass(m, TenantModel) and not m._meta.proxy and m._meta.managed
    ]
    tables = {m: m._meta.db_table for m in models}
    depends = {
        m: {
            f.related_model
            for f in m._meta.concrete_fields
            if f.is_relation and f.related_model in tables and f.related_model is not m
        }
        for m in models
    }
    ordered: list[str] = []
    remaining = set(models)
    while remaining:
        # A model can go once nothing still remaining points at it.
        free = sorted(
            (m for m in remaining if not any(m in depends[o] for o in remaining if o is not m)),
            key=lambda m: tables[m],
        )
        if not free:  # a cycle: the rest goes in one go, deferred constraints settle it at commit
            free = sorted(remaining, key=lambda m: tables[m])
        ordered.extend(tables[m] for m in free)
        remaining -= set(free)
    return ordered


def demo_tenant_wipe(*, tenant_id: int) -> None:
    """Delete every tenant-owned row of one tenant (memberships stay, their team link is cleared).

    Set-based: one DELETE per table. Tombstones written by the delete triggers go too, so a re-seed
    leaves no trace of the previous one.
    """
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
        cur.execute("UPDATE tenancy_membership SET team_id = NULL WHERE tenant_id = %s", [tenant_id])
        for table in tenant_tables_in_delete_order():
            cur.execute(f'DELETE FROM "{table}" WHERE tenant_id = %s', [tenant_id])  # noqa: S608
        cur.execute("DELETE FROM tenancy_tombstone WHERE tenant_id = %s", [tenant_id])
