"""`manage.py seed_demo`: run for real, twice, against the test database.

The seeding happens once per module (about 10 s); the tests then read what it left.
"""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django_scopes import scopes_disabled

from apps.tenancy.demo import DEMO_PASSWORD
from apps.tenancy.models import Membership, Tenant

from .conftest import demo_tenants_remove

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_demo")]

TODAY = dt.date(2026, 11, 2)

# Each table as natural keys and values only (ids and timestamps differ between runs by design).
CHECKSUM_SQL = {
    "memberships": """
        SELECT u.username, m.role, m.display_name, coalesce(t.name, ''), coalesce(bu.username, '')
        FROM tenancy_membership m JOIN auth_user u ON u.id = m.user_id
        LEFT JOIN org_team t ON t.id = m.team_id
        LEFT JOIN tenancy_membership b ON b.id = m.reports_to_id LEFT JOIN auth_user bu ON bu.id = b.user_id
        WHERE m.tenant_id = %(t)s""",
    "teams": """SELECT t.name, coalesce(p.name, ''), coalesce(u.username, '') FROM org_team t
        LEFT JOIN org_team p ON p.id = t.parent_id LEFT JOIN tenancy_membership m ON m.id = t.lead_id
        LEFT JOIN auth_user u ON u.id = m.user_id WHERE t.tenant_id = %(t)s""",
    "regions": """SELECT r.code, r.name, coalesce(p.code, '') FROM org_region r
        LEFT JOIN org_region p ON p.id = r.parent_id WHERE r.tenant_id = %(t)s""",
    "customers": """
        SELECT c.code, c.name, u.username, r.code, c.segment, c.is_key_account, c.status, c.address,
               c.phone, c.latitude, c.longitude, c.first_order_date, c.last_order_date
        FROM customers_customer c JOIN tenancy_membership m ON m.id = c.owner_id
        JOIN auth_user u ON u.id = m.user_id LEFT JOIN org_region r ON r.id = c.region_id
        WHERE c.tenant_id = %(t)s""",
    "contacts": """SELECT c.code, k.name, k.title, k.phone, k.email, k.birthday, k.is_primary
        FROM customers_contact k JOIN customers_customer c ON c.id = k.customer_id WHERE k.tenant_id = %(t)s""",
    "interactions": """SELECT c.code, i.kind, i.occurred_at, i.subject, i.notes, coalesce(k.name, '')
        FROM customers_interaction i JOIN customers_customer c ON c.id = i.customer_id
        LEFT JOIN customers_contact k ON k.id = i.contact_id WHERE i.tenant_id = %(t)s""",
    "products": """SELECT p.sku, p.name, c.code, p.unit, p.list_price, p.unit_cost FROM sales_product p
        JOIN sales_productcategory c ON c.id = p.category_id WHERE p.tenant_id = %(t)s""",
    "orders": """SELECT o.number, c.code, o.order_date, o.status, o.amount, o.cost, o.gross_margin
        FROM sales_order o JOIN customers_customer c ON c.id = o.customer_id WHERE o.tenant_id = %(t)s""",
    "lines": """SELECT o.number, p.sku, l.quantity, l.unit_price, l.amount, l.cost FROM sales_orderline l
        JOIN sales_order o ON o.id = l.order_id JOIN sales_product p ON p.id = l.product_id
        WHERE l.tenant_id = %(t)s""",
    "payments": """SELECT coalesce(o.number, ''), c.code, y.received_on, y.amount, y.method, y.reference
        FROM sales_payment y JOIN customers_customer c ON c.id = y.customer_id
        LEFT JOIN sales_order o ON o.id = y.order_id WHERE y.tenant_id = %(t)s""",
}


def snapshot() -> dict[str, tuple[int, str]]:
    """(row count, md5 of the sorted rows) per tenant and table."""
    out = {}
    with connection.cursor() as cur:
        for tenant_id, slug in Tenant.objects.filter(slug__in=["demo", "rival"]).values_list("id", "slug"):
            for name, sql in CHECKSUM_SQL.items():
                cur.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM ({sql}) x",
                    {"t": tenant_id},
                )
                out[f"{slug}.{name}"] = cur.fetchone()
    return out


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    # Neither the unblock nor scopes_disabled() may stay open across the yield: tests of other modules
    # could run meanwhile on this worker and would find the scope safety net switched off.
    with django_db_blocker.unblock(), scopes_disabled():
        call_command("seed_demo", today=TODAY.isoformat(), stdout=StringIO())
        first = snapshot()
        call_command("seed_demo", today=TODAY.isoformat(), stdout=StringIO())
        second = snapshot()
    yield {"first": first, "second": second}
    with django_db_blocker.unblock(), scopes_disabled():  # leave the worker's test database as it was
        demo_tenants_remove()


def scalar(sql: str, params=None):
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        return cur.fetchone()[0]


def tenant_id(slug: str) -> int:
    return Tenant.objects.get(slug=slug).pk


def test_seeding_twice_leaves_identical_data(seeded):
    assert seeded["first"] == seeded["second"]
    assert seeded["first"]["demo.orders"][0] > 3000
    assert seeded["first"]["rival.orders"][0] > 500


def test_demo_tenant_has_the_promised_shape(seeded):
    demo = Tenant.objects.get(slug="demo")
    assert (demo.timezone, demo.currency, demo.default_language) == ("Asia/Shanghai", "CNY", "zh-hans")
    t = demo.pk
    assert scalar("SELECT count(*) FROM customers_customer WHERE tenant_id = %s", [t]) == 300
    assert scalar("SELECT count(*) FROM tenancy_membership WHERE tenant_id = %s AND role = 'rep'", [t]) == 20
    assert scalar("SELECT count(*) FROM sales_product WHERE tenant_id = %s", [t]) == 30
    root_children = scalar(
        "SELECT count(*) FROM org_team c JOIN org_team p ON p.id = c.parent_id "
        "WHERE c.tenant_id = %s AND p.parent_id IS NULL AND c.lead_id IS NOT NULL",
        [t],
    )
    assert root_children == 3
    key_share = scalar("SELECT avg(is_key_account::int) FROM customers_customer WHERE tenant_id = %s", [t])
    assert 0.05 < key_share < 0.2
    assert (
        scalar("SELECT count(*) FROM customers_customer WHERE tenant_id = %s AND latitude IS NULL", [t]) == 0
    )
    # Every customer has a primary contact and a few interactions.
    assert (
        scalar(
            "SELECT count(*) FROM customers_customer c WHERE tenant_id = %s AND NOT EXISTS "
            "(SELECT 1 FROM customers_contact k WHERE k.customer_id = c.id AND k.is_primary)",
            [t],
        )
        == 0
    )
    assert (
        scalar(
            "SELECT count(*) FROM customers_customer c WHERE tenant_id = %s AND "
            "(SELECT count(*) FROM customers_interaction i WHERE i.customer_id = c.id) < 2",
            [t],
        )
        == 0
    )


def test_orders_cover_twelve_months_ending_today_with_a_spring_festival_dip(seeded):
    t = tenant_id("demo")
    first, last = (
        scalar("SELECT min(order_date) FROM sales_order WHERE tenant_id = %s", [t]),
        scalar("SELECT max(order_date) FROM sales_order WHERE tenant_id = %s", [t]),
    )
    assert first >= TODAY - dt.timedelta(days=364) and first <= TODAY - dt.timedelta(days=350)
    assert TODAY - dt.timedelta(days=7) <= last <= TODAY

    def month(m):  # orders in a month of 2026
        return scalar(
            "SELECT count(*) FROM sales_order WHERE tenant_id = %s AND date_trunc('month', order_date) = %s",
            [t, dt.date(2026, m, 1)],
        )

    december = scalar(
        "SELECT count(*) FROM sales_order WHERE tenant_id = %s AND date_trunc('month', order_date) = %s",
        [t, dt.date(2025, 12, 1)],
    )
    assert month(2) < 0.7 * month(4)  # Spring Festival 2026 falls on 17 February
    assert december > 1.1 * month(4)  # year-end peak


@pytest.mark.parametrize(
    ("username", "slug", "role"),
    [
        ("demo-admin", "demo", "admin"),
        ("demo-manager", "demo", "manager"),
        ("demo-rep", "demo", "rep"),
        ("rival-admin", "rival", "admin"),
    ],
)
def test_demo_logins_exist_with_their_roles(seeded, username, slug, role):
    user = get_user_model().objects.get(username=username)
    assert user.check_password(DEMO_PASSWORD)
    memberships = list(Membership.objects.filter(user=user).values_list("tenant__slug", "role"))
    assert memberships == [(slug, role)]


def test_demo_rep_reports_to_demo_manager_and_owns_customers(seeded):
    rep = Membership.objects.get(user__username="demo-rep")
    assert rep.reports_to.user.username == "demo-manager"
    assert rep.team_id == rep.reports_to.team_id
    assert scalar("SELECT count(*) FROM customers_customer WHERE owner_id = %s", [rep.pk]) >= 5
    # The closure agrees: the manager sees the rep, the head of sales sees both.
    assert (
        scalar(
            "SELECT depth FROM org_reportingclosure WHERE ancestor_id = %s AND descendant_id = %s",
            [rep.reports_to_id, rep.pk],
        )
        == 1
    )
    assert (
        scalar(
            "SELECT depth FROM org_reportingclosure c JOIN tenancy_membership m ON m.id = c.ancestor_id "
            "JOIN auth_user u ON u.id = m.user_id WHERE u.username = 'demo-admin' AND descendant_id = %s",
            [rep.pk],
        )
        == 2
    )


def test_order_totals_equal_the_sum_of_their_lines(seeded):
    mismatched = scalar(
        """
        SELECT count(*) FROM sales_order o
        JOIN (SELECT order_id, sum(amount) a, sum(cost) c FROM sales_orderline GROUP BY order_id) l
          ON l.order_id = o.id
        WHERE o.tenant_id IN (SELECT id FROM tenancy_tenant WHERE slug IN ('demo', 'rival'))
          AND (o.amount <> l.a OR o.cost <> l.c OR o.gross_margin <> o.amount - o.cost)
        """
    )
    assert mismatched == 0
    assert (
        scalar(
            "SELECT count(*) FROM sales_order o WHERE NOT EXISTS "
            "(SELECT 1 FROM sales_orderline l WHERE l.order_id = o.id)"
        )
        == 0
    )
    # Lines carry their order's date, rep and customer, and price × quantity.
    assert (
        scalar(
            """SELECT count(*) FROM sales_orderline l JOIN sales_order o ON o.id = l.order_id
        WHERE l.order_date <> o.order_date OR l.rep_id <> o.rep_id OR l.customer_id <> o.customer_id
           OR l.amount <> round(l.quantity * l.unit_price, 2)"""
        )
        == 0
    )


def test_collections_lag_orders_and_never_exceed_them(seeded):
    assert (
        scalar(
            """SELECT count(*) FROM sales_payment p JOIN sales_order o ON o.id = p.order_id
        WHERE p.received_on < o.order_date OR p.customer_id <> o.customer_id"""
        )
        == 0
    )
    assert (
        scalar(
            """SELECT count(*) FROM (SELECT o.id FROM sales_order o JOIN sales_payment p ON p.order_id = o.id
        GROUP BY o.id, o.amount HAVING sum(p.amount) > o.amount) x"""
        )
        == 0
    )
    t = tenant_id("demo")
    partial = scalar(
        """SELECT count(*) FROM (SELECT order_id FROM sales_payment WHERE tenant_id = %s
        GROUP BY order_id HAVING count(*) > 1) x""",
        [t],
    )
    collected = scalar("SELECT sum(amount) FROM sales_payment WHERE tenant_id = %s", [t])
    billed = scalar("SELECT sum(amount) FROM sales_order WHERE tenant_id = %s AND status = 'confirmed'", [t])
    assert partial > 50
    assert Decimal("0.6") * billed < collected < billed


def test_first_and_last_order_dates_match_the_orders(seeded):
    wrong = scalar(
        """
        SELECT count(*) FROM customers_customer c
        LEFT JOIN (SELECT customer_id, min(order_date) f, max(order_date) l FROM sales_order
                   WHERE status = 'confirmed' GROUP BY customer_id) s ON s.customer_id = c.id
        WHERE c.tenant_id IN (SELECT id FROM tenancy_tenant WHERE slug IN ('demo', 'rival'))
          AND (c.first_order_date IS DISTINCT FROM s.f OR c.last_order_date IS DISTINCT FROM s.l)
        """
    )
    assert wrong == 0
    assert scalar("SELECT count(*) FROM customers_customer WHERE first_order_date IS NOT NULL") > 250


def test_the_two_tenants_share_no_rows(seeded):
    pairs = [
        ("customers_customer", "owner_id", "tenancy_membership"),
        ("customers_customer", "region_id", "org_region"),
        ("customers_contact", "customer_id", "customers_customer"),
        ("customers_interaction", "customer_id", "customers_customer"),
        ("customers_interaction", "contact_id", "customers_contact"),
        ("sales_order", "customer_id", "customers_customer"),
        ("sales_order", "rep_id", "tenancy_membership"),
        ("sales_orderline", "order_id", "sales_order"),
        ("sales_orderline", "product_id", "sales_product"),
        ("sales_payment", "order_id", "sales_order"),
        ("tenancy_membership", "team_id", "org_team"),
        ("tenancy_membership", "reports_to_id", "tenancy_membership"),
        ("org_team", "parent_id", "org_team"),
    ]
    for table, column, target in pairs:
        crossing = scalar(
            f"SELECT count(*) FROM {table} a JOIN {target} b ON b.id = a.{column} WHERE a.tenant_id <> b.tenant_id"
        )
        assert crossing == 0, (table, column)
    demo_names = set(Membership.objects.filter(tenant__slug="demo").values_list("user__username", flat=True))
    rival_names = set(
        Membership.objects.filter(tenant__slug="rival").values_list("user__username", flat=True)
    )
    assert demo_names and rival_names and not demo_names & rival_names
    assert all(n.startswith("demo-") for n in demo_names)
