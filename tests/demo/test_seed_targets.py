"""The demo targets seeder (apps.targets.demo.targets): run `seed_demo` twice and read the targets it left."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_scopes import scopes_disabled

from apps.tenancy.models import Membership, Tenant

from .conftest import demo_tenants_remove

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_demo")]

TODAY = dt.date(2026, 11, 2)

TARGETS_SQL = """
    SELECT t.metric, t.owner_kind, coalesce(tm.name, ''), coalesce(ru.username, ''), t.grain, t.period_start,
           t.dimension, t.value, t.status, t.statement, t.justification, t.achievability_warning,
           coalesce(p.metric || ' ' || p.owner_kind || ' ' || coalesce(pt.name, pu.username, '') || ' '
                    || p.grain || ' ' || p.period_start, ''),
           coalesce(sp.name, ''), coalesce(cu.username, ''), coalesce(au.username, '')
    FROM targets_target t
    LEFT JOIN org_team tm ON tm.id = t.team_id
    LEFT JOIN tenancy_membership r ON r.id = t.rep_id LEFT JOIN auth_user ru ON ru.id = r.user_id
    LEFT JOIN targets_target p ON p.id = t.parent_id
    LEFT JOIN org_team pt ON pt.id = p.team_id
    LEFT JOIN tenancy_membership pr ON pr.id = p.rep_id LEFT JOIN auth_user pu ON pu.id = pr.user_id
    LEFT JOIN targets_seasonalprofile sp ON sp.id = t.seasonal_profile_id
    LEFT JOIN tenancy_membership c ON c.id = t.created_by_id LEFT JOIN auth_user cu ON cu.id = c.user_id
    LEFT JOIN tenancy_membership a ON a.id = t.approved_by_id LEFT JOIN auth_user au ON au.id = a.user_id
    WHERE t.tenant_id = %(t)s"""
PROFILES_SQL = "SELECT name, weights::text FROM targets_seasonalprofile WHERE tenant_id = %(t)s"
METRICS_SQL = """SELECT m.code, m.name, m.base, c.code FROM targets_custommetric m
    LEFT JOIN sales_productcategory c ON c.id = (m.filters->'category_ids'->>0)::int WHERE m.tenant_id = %(t)s"""


def snapshot() -> dict:
    out = {}
    with connection.cursor() as cur:
        for tid, slug in Tenant.objects.filter(slug__in=["demo", "rival"]).values_list("id", "slug"):
            for name, sql in (("targets", TARGETS_SQL), ("profiles", PROFILES_SQL), ("metrics", METRICS_SQL)):
                cur.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM ({sql}) x",
                    {"t": tid},
                )
                out[f"{slug}.{name}"] = cur.fetchone()
    return out


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), scopes_disabled():
        call_command("seed_demo", today=TODAY.isoformat(), stdout=StringIO())
        first = snapshot()
        call_command("seed_demo", today=TODAY.isoformat(), stdout=StringIO())
        second = snapshot()
    yield {"first": first, "second": second}
    with django_db_blocker.unblock(), scopes_disabled():
        demo_tenants_remove()


def rows(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        return cur.fetchall()


def scalar(sql: str, params=None):
    return rows(sql, params)[0][0]


def tid(slug: str) -> int:
    return Tenant.objects.get(slug=slug).pk


def test_seeding_twice_gives_identical_targets(seeded):
    assert seeded["first"] == seeded["second"]
    assert seeded["first"]["demo.targets"][0] > 300
    assert seeded["first"]["rival.targets"][0] > 20
    assert seeded["first"]["demo.profiles"][0] == 1
    assert seeded["first"]["demo.metrics"][0] == 1


def test_demo_rep_has_month_and_quarter_targets(seeded):
    rep = Membership.objects.get(user__username="demo-rep")
    found = dict(
        rows(
            "SELECT metric || ':' || grain, count(*) FROM targets_target WHERE rep_id = %s GROUP BY 1",
            [rep.pk],
        )
    )
    assert found["revenue:year"] == 1
    assert found["revenue:month"] == 12
    assert found["collections:quarter"] == 5  # four this year and a proposal for next year's first
    assert found["new_customers:quarter"] == 5
    # Past months locked, the current one approved, next month proposed by the rep for the manager.
    statuses = dict(
        rows(
            "SELECT extract(month FROM period_start)::int, status FROM targets_target "
            "WHERE rep_id = %s AND grain = 'month'",
            [rep.pk],
        )
    )
    assert all(statuses[m] == "locked" for m in range(1, 11))
    assert statuses[11] == "approved"
    assert statuses[12] == "proposed"
    pending = rows(
        "SELECT t.status, u.username FROM targets_target t JOIN tenancy_membership c ON c.id = t.created_by_id "
        "JOIN auth_user u ON u.id = c.user_id WHERE t.rep_id = %s AND t.status IN ('draft', 'proposed')",
        [rep.pk],
    )
    assert {s for s, _u in pending} == {"draft", "proposed"}
    assert {u for _s, u in pending} == {"demo-rep"}
    assert rep.reports_to.user.username == "demo-manager"


def test_decomposition_sums_match(seeded):
    # Every additive parent equals the sum of its children, to the cent.
    gaps = rows(
        """SELECT p.id, p.value, sum(c.value) FROM targets_target p JOIN targets_target c ON c.parent_id = p.id
        WHERE p.tenant_id IN (SELECT id FROM tenancy_tenant WHERE slug IN ('demo', 'rival'))
        GROUP BY p.id, p.value HAVING abs(p.value - sum(c.value)) >= 0.01"""
    )
    assert gaps == []
    t = tid("demo")
    company = scalar(
        "SELECT value FROM targets_target WHERE tenant_id = %s AND owner_kind = 'tenant' AND metric = 'revenue'",
        [t],
    )
    teams = rows(
        "SELECT value FROM targets_target WHERE tenant_id = %s AND owner_kind = 'team' AND metric = 'revenue'",
        [t],
    )
    months = scalar(
        "SELECT sum(value) FROM targets_target WHERE tenant_id = %s AND grain = 'month' AND metric = 'revenue'",
        [t],
    )
    assert len(teams) == 3 and sum(v for (v,) in teams) == company == months
    assert company > Decimal(1_000_000)
    # The Spring Festival dip and the year-end peak show in the monthly split.
    feb, dec, apr = (
        scalar(
            "SELECT sum(value) FROM targets_target WHERE tenant_id = %s AND grain = 'month' "
            "AND metric = 'revenue' AND extract(month FROM period_start) = %s",
            [t, m],
        )
        for m in (2, 12, 4)
    )
    assert feb < apr < dec
    # Every rep has a revenue year target hanging off their team's.
    assert (
        scalar(
            "SELECT count(*) FROM tenancy_membership m WHERE m.tenant_id = %s AND m.role = 'rep' AND NOT EXISTS "
            "(SELECT 1 FROM targets_target t JOIN targets_target p ON p.id = t.parent_id WHERE t.rep_id = m.id "
            "AND t.grain = 'year' AND p.owner_kind = 'team' AND p.team_id = m.team_id)",
            [t],
        )
        == 0
    )


def test_custom_metric_target_and_statements(seeded):
    t = tid("demo")
    assert rows("SELECT code, base FROM targets_custommetric WHERE tenant_id = %s", [t]) == [
        ("consumables_revenue", "revenue")
    ]
    assert scalar(
        "SELECT count(*) FROM targets_target WHERE tenant_id = %s AND metric = 'consumables_revenue'", [t]
    )
    assert scalar("SELECT count(*) FROM targets_target WHERE tenant_id = %s AND statement = ''", [t]) == 0
    assert "万元" in scalar(
        "SELECT statement FROM targets_target WHERE tenant_id = %s AND owner_kind = 'tenant' AND metric = 'revenue'",
        [t],
    )


def test_tenants_do_not_share_targets(seeded):
    pairs = [
        ("targets_target", "rep_id", "tenancy_membership"),
        ("targets_target", "team_id", "org_team"),
        ("targets_target", "parent_id", "targets_target"),
        ("targets_target", "seasonal_profile_id", "targets_seasonalprofile"),
        ("targets_target", "created_by_id", "tenancy_membership"),
        ("targets_target", "approved_by_id", "tenancy_membership"),
    ]
    for table, column, target in pairs:
        crossing = scalar(
            f"SELECT count(*) FROM {table} a JOIN {target} b ON b.id = a.{column} WHERE a.tenant_id <> b.tenant_id"
        )
        assert crossing == 0, column
    rival = tid("rival")
    assert scalar("SELECT count(*) FROM targets_target WHERE tenant_id = %s", [rival]) > 0
    assert scalar("SELECT count(*) FROM targets_custommetric WHERE tenant_id = %s", [rival]) == 0
