"""Demo data: the demo tenants and a registry of seeders that fill them.

Each app that has demo data keeps it in its own `demo` package (apps/<app>/demo/, apart from the
app's main modules), and declares its seeders in its AppConfig.ready(), by name, by dotted path (the
package is imported only when `seed_demo` runs) and with the names of the seeders whose rows it reads:

    # apps/visits/demo/field_work.py, exposed by apps/visits/demo/__init__.py
    def seed_field_work(ctx: DemoContext) -> None:
        rng = ctx.rng("visits")          # its own stream: adding a seeder never changes the others
        ...

    # apps/visits/apps.py, in VisitsConfig.ready()
    from apps.tenancy.demo import register_demo_seeder

    register_demo_seeder("visits.field_work", "apps.visits.demo.seed_field_work", after=["sales.foundation"])

`manage.py seed_demo` wipes each demo tenant's data and runs every registered seeder, each after the
seeders it names in `after`, inside one transaction per tenant, within `tenant_context`; among the
seeders free to run, the one registered first goes first (apps in INSTALLED_APPS order, then the
order of the calls in ready()), so the order never depends on chance. `after` names seeders of
lower apps only, the way imports point; an unknown name or a cycle stops `seed_demo` before any
wipe. The foundation (organisation, customers, products, orders, payments) is `sales.foundation`,
which every other seeder runs after; `seed_demo --list` prints the order.
Seeders must be deterministic (use `ctx.rng(name)` and `ctx.today`, never `random` or `now()`), and set-based
(bulk_create / COPY / INSERT ... SELECT), never a save per row.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.module_loading import import_string

if TYPE_CHECKING:  # the models load after this module
    from apps.tenancy.models import Tenant

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

    tenant: Tenant
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
        return dt.datetime.combine(self.today, dt.time(0, 0), tzinfo=self.tenant.tzinfo)

    def before_today(self, moment: dt.datetime, *, after: dt.datetime) -> dt.datetime:
        """`moment`, or, where it would lie in today or later, a moment between `after` (the event
        it follows) and the start of today, so that events keep their order."""
        if moment < self.day_start:
            return moment
        return after + (self.day_start - after) * 3 / 4


Seeder = Callable[[DemoContext], None]


@dataclass(frozen=True)
class DemoSeeder:
    name: str  # "<app>.<what>", e.g. "visits.field_work"
    path: str  # dotted path of the seeder function, imported when seed_demo runs
    after: tuple[str, ...]  # names of the seeders whose rows this one reads


_SEEDERS: dict[str, DemoSeeder] = {}


def register_demo_seeder(name: str, path: str, *, after: Iterable[str] = ()) -> None:
    """Declare a demo seeder; call it from an AppConfig.ready(). It runs after every seeder named in
    `after`. Re-registering a name replaces it in place (ready() may run more than once in tests)."""
    _SEEDERS[name] = DemoSeeder(name=name, path=path, after=tuple(after))


def demo_seeders() -> list[tuple[str, Seeder]]:
    """Every registered seeder as (name, function), in run order: a topological sort on `after` that
    takes, among the seeders whose `after` have all run, the one registered first.

    Raises ImproperlyConfigured when a seeder names one nobody registered, or when seeders wait for
    each other in a cycle."""
    for seeder in _SEEDERS.values():
        unknown = [name for name in seeder.after if name not in _SEEDERS]
        if unknown:
            raise ImproperlyConfigured(
                f"Demo seeder {seeder.name!r} runs after {', '.join(map(repr, unknown))}, which no installed "
                f"app registers (registered: {', '.join(_SEEDERS)})."
            )
    ordered: list[DemoSeeder] = []
    done: set[str] = set()
    pending = list(_SEEDERS.values())  # in registration order
    while pending:
        free = next((s for s in pending if done.issuperset(s.after)), None)
        if free is None:
            raise ImproperlyConfigured(
                f"Demo seeders wait for each other in a cycle (each runs after the next): {_cycle(pending)}."
            )
        ordered.append(free)
        done.add(free.name)
        pending.remove(free)
    return [(s.name, import_string(s.path)) for s in ordered]


def _cycle(pending: list[DemoSeeder]) -> str:
    """One cycle among seeders none of which can run, as 'a → b → a' (each runs after the next)."""
    waiting = {s.name: s for s in pending}
    path = [pending[0].name]
    while True:
        step = next(name for name in waiting[path[-1]].after if name in waiting)
        if step in path:
            return " → ".join([*path[path.index(step) :], step])
        path.append(step)


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
