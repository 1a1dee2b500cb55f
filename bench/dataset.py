"""The large bench tenant: people and customers through the ORM in bulk, the facts in SQL.

Orders, lines and payments are generated inside PostgreSQL (INSERT ... SELECT over generate_series
into temporary tables, then one INSERT per table), so a million lines never cross the wire row by row.
A tenant that already has the requested size is reused: reruns of `make bench` skip the minutes.
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from apps.org.models import Region, Team
from apps.org.services import closure_rebuild_all
from apps.sales.services import customer_order_dates_refresh
from apps.tenancy.demo import demo_tenant_wipe
from apps.tenancy.models import Membership, Role, Tenant
from apps.tenancy.owner import analyze, bulk_load, run_as_owner

BENCH_PASSWORD = "bench-pass-123"  # noqa: S105
BENCH_TIMEZONE = "Asia/Shanghai"
ANALYZED_TABLES = (
    "auth_user",
    "tenancy_membership",
    "org_team",
    "org_region",
    "org_teamclosure",
    "org_regionclosure",
    "org_reportingclosure",
    "customers_customer",
    "sales_product",
    "sales_order",
    "sales_orderline",
    "sales_payment",
)


@dataclass(frozen=True)
class BenchSize:
    reps: int = 200
    customers: int = 20_000
    lines: int = 1_000_000
    days: int = 730
    teams: int = 10
    products: int = 200
    lines_per_order: int = 3

    @property
    def orders(self) -> int:
        return -(-self.lines // self.lines_per_order)


@dataclass
class BenchTenant:
    tenant: Tenant
    admin: Membership
    managers: list[Membership]
    reps: list[Membership]
    size: BenchSize
    today: dt.date
    reused: bool


def bench_today() -> dt.date:
    """Today in the bench tenants' time zone: the last day of their data, and the day their pages
    and dashboards are asked about."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(BENCH_TIMEZONE)).date()


def _tenant_name(slug: str, size: BenchSize, today: dt.date) -> str:
    """The tenant's name says which days its data covers, so data built on another day (whose last
    days would lie in the past of today's pages) is rebuilt, not reused."""
    return f"Bench {slug} ({today - dt.timedelta(days=size.days - 1)}..{today})"


def _counts(tenant_id: int) -> dict[str, int]:
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT (SELECT count(*) FROM tenancy_membership WHERE tenant_id = %(t)s AND role = 'rep'),
                   (SELECT count(*) FROM customers_customer WHERE tenant_id = %(t)s),
                   (SELECT count(*) FROM sales_orderline WHERE tenant_id = %(t)s),
                   (SELECT count(*) FROM sales_product WHERE tenant_id = %(t)s)
            """,
            {"t": tenant_id},
        )
        reps, customers, lines, products = cur.fetchone()
    return {"reps": reps, "customers": customers, "lines": lines, "products": products}


def _matches(counts: dict[str, int], size: BenchSize) -> bool:
    # Ingest runs of the bench delete what they add, but allow for an interrupted one.
    return (
        counts["reps"] == size.reps
        and counts["customers"] == size.customers
        and counts["products"] == size.products
        and size.lines <= counts["lines"] <= size.lines * 1.05
    )


def bench_tenant_ensure(
    *, slug: str = "bench", size: BenchSize | None = None, rebuild: bool = False, log=print
) -> BenchTenant:
    """The bench tenant at `size`, built if missing or of another size."""
    size = size or BenchSize()
    today = bench_today()
    name = _tenant_name(slug, size, today)
    with scopes_disabled():
        tenant = Tenant.objects.filter(slug=slug).first()
        reused = (
            tenant is not None and not rebuild and tenant.name == name and _matches(_counts(tenant.pk), size)
        )
        if not reused:
            t0 = time.perf_counter()
            with bulk_load(), transaction.atomic():
                if tenant is not None:
                    log(f"  bench tenant '{slug}' has another size or other days: rebuilding it")
                    _drop_people(tenant)
                tenant, _ = Tenant.objects.update_or_create(
                    slug=slug,
                    defaults={"name": name, "timezone": BENCH_TIMEZONE, "currency": "CNY"},
                )
                with connection.cursor() as cur:
                    cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant.pk)])
                _build(tenant, size, today, log)
            log(f"  built bench tenant '{slug}' in {time.perf_counter() - t0:.1f} s")
            # The dashboards' index-only scans of the pre-aggregates visit the heap until a vacuum has
            # set the visibility map (autovacuum gets there minutes later): 5-10× slower meanwhile.
            # Not inside a transaction (the smoke tests'), where run_as_owner does nothing.
            run_as_owner("VACUUM (ANALYZE) sales_orderlineday, sales_orderlinemonth")
        # Fresh statistics on every table a list touches, so plans are those of a settled database
        # (autovacuum would get there too, minutes later). Sample-based: about a second.
        run_as_owner(*(f"ANALYZE {table}" for table in ANALYZED_TABLES))
        members = list(Membership.objects.filter(tenant=tenant).select_related("user").order_by("id"))
    return BenchTenant(
        tenant=tenant,
        admin=next(m for m in members if m.role == Role.ADMIN),
        managers=[m for m in members if m.role == Role.MANAGER],
        reps=[m for m in members if m.role == Role.REP],
        size=size,
        today=today,
        reused=reused,
    )


def _drop_people(tenant: Tenant) -> None:
    demo_tenant_wipe(tenant_id=tenant.pk)
    users = list(Membership.objects.filter(tenant=tenant).values_list("user_id", flat=True))
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM tenancy_apitoken WHERE membership_id IN "
            "(SELECT id FROM tenancy_membership WHERE tenant_id = %s)",
            [tenant.pk],
        )
        cur.execute("DELETE FROM tenancy_membership WHERE tenant_id = %s", [tenant.pk])
        cur.execute("DELETE FROM tenancy_userprofile WHERE user_id = ANY(%s)", [users])
        cur.execute("DELETE FROM auth_user WHERE id = ANY(%s)", [users])


def _build(tenant: Tenant, size: BenchSize, today: dt.date, log) -> None:
    User = get_user_model()
    t = tenant.pk
    slug = tenant.slug
    password = make_password(BENCH_PASSWORD, salt="benchsalt0")

    # People: an admin, a manager per team, reps spread over the teams.
    names = (
        [(f"{slug}-admin", Role.ADMIN)]
        + [(f"{slug}-m{i:02d}", Role.MANAGER) for i in range(1, size.teams + 1)]
        + [(f"{slug}-r{i:03d}", Role.REP) for i in range(1, size.reps + 1)]
    )
    users = User.objects.bulk_create(
        [User(username=u, password=password, first_name=u) for u, _r in names],
        update_conflicts=True,
        unique_fields=["username"],
        update_fields=["password", "first_name"],
    )
    members = Membership.objects.bulk_create(
        [
            Membership(tenant=tenant, user=u, role=role, display_name=u.username)
            for u, (_n, role) in zip(users, names, strict=True)
        ]
    )
    admin, managers, reps = members[0], members[1 : size.teams + 1], members[size.teams + 1 :]
    root = Team.objects.create(tenant=tenant, name="Sales", lead=admin)
    teams = Team.objects.bulk_create(
        [Team(tenant=tenant, name=f"Team {i + 1}", parent=root, lead=m) for i, m in enumerate(managers)]
    )
    root_region = Region.objects.create(tenant=tenant, code="ALL", name="All regions")
    regions = Region.objects.bulk_create(
        [
            Region(tenant=tenant, code=f"R{i + 1:02d}", name=f"Region {i + 1}", parent=root_region)
            for i in range(size.teams)
        ]
    )
    admin.team = root
    for i, m in enumerate(managers):
        m.team, m.reports_to = teams[i], admin
    for i, r in enumerate(reps):
        r.team, r.reports_to = teams[i % size.teams], managers[i % size.teams]
    Membership.objects.bulk_update(members, ["team", "reports_to"], batch_size=1000)
    rep_ids = [r.pk for r in reps]
    rep_regions = [regions[i % size.teams].pk for i in range(len(reps))]

    start = today - dt.timedelta(days=size.days - 1)
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.42)")
        t0 = time.perf_counter()
        cur.execute(
            """
            INSERT INTO sales_productcategory (tenant_id, code, name, created_at, updated_at, sync_xid)
            SELECT %(t)s, 'CAT' || g, 'Category ' || g, now(), now(), 0 FROM generate_series(1, 5) g
            """,
            {"t": t},
        )
        cur.execute(
            """
            INSERT INTO sales_product (tenant_id, sku, name, category_id, unit, list_price, unit_cost,
                                       is_active, created_at, updated_at, sync_xid)
            SELECT %(t)s, 'P' || lpad(g::text, 5, '0'), 'Product ' || g, c.id, 'pcs', p.price,
                   round(p.price * 0.6, 2), true, now(), now(), 0
            FROM (SELECT g, round((10 + random() * 990)::numeric, 2) AS price
                  FROM generate_series(1, %(n)s) g OFFSET 0) p
            JOIN sales_productcategory c ON c.tenant_id = %(t)s AND c.code = 'CAT' || (1 + p.g %% 5)
            """,
            {"t": t, "n": size.products},
        )
        cur.execute(
            """
            INSERT INTO customers_customer (tenant_id, code, name, owner_id, region_id, segment,
                is_key_account, status, address, phone, notes, latitude, longitude, created_at,
                updated_at, sync_xid)
            SELECT %(t)s, 'B' || lpad(r.g::text, 6, '0'), 'Bench customer ' || r.g,
                   (%(reps)s::bigint[])[r.owner], (%(regions)s::bigint[])[r.owner],
                   (ARRAY['retail', 'dealer', 'enterprise', 'public', 'other'])[r.segment],
                   r.key, (ARRAY['active', 'active', 'active', 'dormant', 'prospect'])[r.status],
                   '', '', '', 31 + r.lat, 121 + r.lng, now(), now(), 0
            FROM (SELECT g, 1 + floor(random() * %(nreps)s)::int AS owner, 1 + floor(random() * 5)::int AS segment,
                         random() < 0.1 AS key, 1 + floor(random() * 5)::int AS status,
                         random() AS lat, random() AS lng
                  FROM generate_series(1, %(n)s) g OFFSET 0) r
            """,
            {"t": t, "n": size.customers, "reps": rep_ids, "regions": rep_regions, "nreps": len(rep_ids)},
        )
        analyze("sales_productcategory", "sales_product", "customers_customer")
        log(f"  products and customers: {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        cur.execute(
            """
            CREATE TEMP TABLE bench_customer ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY id) AS rn, id, owner_id FROM customers_customer
            WHERE tenant_id = %(t)s
            """,
            {"t": t},
        )
        cur.execute(
            "CREATE TEMP TABLE bench_product ON COMMIT DROP AS SELECT row_number() OVER (ORDER BY id) AS rn, "
            "id, list_price, unit_cost FROM sales_product WHERE tenant_id = %(t)s",
            {"t": t},
        )
        cur.execute("CREATE INDEX ON bench_customer (rn)")
        cur.execute("CREATE INDEX ON bench_product (rn)")
        # Order dates lean toward the present (growth) and toward year end (seasonality).
        cur.execute(
            """
            CREATE TEMP TABLE bench_order ON COMMIT DROP AS
            SELECT r.rn, nextval(pg_get_serial_sequence('sales_order', 'id')) AS id,
                   c.id AS customer_id, c.owner_id AS rep_id, r.order_date
            FROM (SELECT g AS rn, 1 + floor(random() * %(ncust)s)::int AS crn,
                         %(start)s::date + least(%(days)s - 1, floor(sqrt(random()) * %(days)s)::int) AS order_date
                  FROM generate_series(1, %(n)s) g OFFSET 0) r
            JOIN bench_customer c ON c.rn = r.crn
            """,
            {"start": start, "days": size.days, "n": size.orders, "ncust": size.customers},
        )
        cur.execute("CREATE INDEX ON bench_order (rn)")
        cur.execute(
            """
            CREATE TEMP TABLE bench_line ON COMMIT DROP AS
            SELECT 1 + r.l / %(per)s AS order_rn, p.id AS product_id, r.qty, p.list_price AS unit_price,
                   round(r.qty * p.list_price, 2) AS amount, round(r.qty * p.unit_cost, 2) AS cost
            FROM (SELECT l, (1 + floor(random() * 10))::numeric AS qty, 1 + floor(random() * %(nprod)s)::int AS prn
                  FROM generate_series(0, %(n)s - 1) l OFFSET 0) r
            JOIN bench_product p ON p.rn = r.prn
            """,
            {"per": size.lines_per_order, "n": size.lines, "nprod": size.products},
        )
        cur.execute("ANALYZE bench_order")
        cur.execute("ANALYZE bench_line")
        log(f"  generated {size.orders:,} orders and {size.lines:,} lines: {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        cur.execute(
            """
            INSERT INTO sales_order (id, tenant_id, number, customer_id, rep_id, order_date, status, amount,
                                     cost, gross_margin, note, created_at, updated_at, sync_xid)
            SELECT o.id, %(t)s, 'BO' || lpad(o.rn::text, 8, '0'), o.customer_id, o.rep_id, o.order_date,
                   CASE WHEN o.rn %% 50 = 0 THEN 'cancelled' ELSE 'confirmed' END,
                   s.amount, s.cost, s.amount - s.cost, '', now(), now(), 0
            FROM bench_order o
            JOIN (SELECT order_rn, sum(amount) AS amount, sum(cost) AS cost FROM bench_line GROUP BY order_rn) s
              ON s.order_rn = o.rn
            ORDER BY o.id
            """,
            {"t": t},
        )
        log(f"  inserted orders: {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        cur.execute(
            """
            INSERT INTO sales_orderline (tenant_id, order_id, product_id, quantity, unit_price, amount, cost,
                                         order_date, rep_id, customer_id, created_at, updated_at)
            SELECT %(t)s, o.id, l.product_id, l.qty, l.unit_price, l.amount, l.cost, o.order_date, o.rep_id,
                   o.customer_id, now(), now()
            FROM bench_line l JOIN bench_order o ON o.rn = l.order_rn
            ORDER BY o.id
            """,
            {"t": t},
        )
        analyze("sales_order", "sales_orderline")
        log(f"  inserted lines: {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        # Collections: most orders paid after 10-70 days, one in six in two parts, recent ones not yet.
        cur.execute(
            """
            INSERT INTO sales_payment (tenant_id, customer_id, rep_id, order_id, received_on, amount, method,
                                       reference, created_at, updated_at, sync_xid, unallocated)
            SELECT %(t)s, o.customer_id, o.rep_id, o.id, p.received_on, p.amount, 'transfer', '', now(), now(), 0,
                   p.amount
            FROM sales_order o
            CROSS JOIN LATERAL (
                SELECT o.order_date + 10 + (o.id %% 60)::int AS received_on,
                       CASE WHEN o.id %% 6 = 0 THEN round(o.amount / 2, 2) ELSE o.amount END AS amount
                UNION ALL
                SELECT o.order_date + 40 + (o.id %% 60)::int, o.amount - round(o.amount / 2, 2)
                WHERE o.id %% 6 = 0
            ) p
            WHERE o.tenant_id = %(t)s AND o.status = 'confirmed' AND o.id %% 20 <> 0
              AND p.received_on <= %(today)s AND p.amount > 0
            """,
            {"t": t, "today": today},
        )
        analyze("sales_payment")
        customer_order_dates_refresh(tenant_id=t)
        log(f"  payments and first/last order dates: {time.perf_counter() - t0:.1f} s")
    closure_rebuild_all(tenant_id=t)


def reporting_world(args) -> tuple[BenchSize, str, int]:
    """The size, slug and weeks of the reporting case's organisation, from its arguments (their defaults when
    a case runs alone): the cases that read the same organisation (homes, receivables, pipeline,
    suggestions) take it from here, so they reuse one build."""
    weeks = getattr(args, "reporting_weeks", 52)
    size = BenchSize(
        reps=getattr(args, "reporting_reps", 500),
        customers=getattr(args, "reporting_customers", 50_000),
        lines=getattr(args, "reporting_lines", 2_000_000),
        days=max(730, weeks * 7 + 14),
    )
    return size, getattr(args, "reporting_slug", "bench-reporting"), weeks
