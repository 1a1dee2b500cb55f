"""The tenant wall in PostgreSQL itself, probed through raw SQL as the role the app logs in as.

Django's scoped managers already filter by tenant; these tests prove that a statement that forgets to
(raw SQL, an unscoped manager, a bug) still cannot see or write another tenant's rows, and that a
connection carries no tenant from one request into the next.
"""

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.test import override_settings
from django_scopes import scope, scopes_disabled

from apps.tenancy.checks import check_database_role, database_role_problems, ensure_unprivileged_database_role
from apps.tenancy.db import TENANT_POLICY
from apps.tenancy.owner import run_as_owner
from salesmgmt.db.base import wanted_tenant_settings
from tests.catalog import tenant_tables
from tests.factories import CustomerFactory, MembershipFactory, OrderLineFactory, TenantFactory

pytestmark = pytest.mark.django_db


def count(table: str, tenant_id: int | None = None) -> int:
    where = "" if tenant_id is None else f" WHERE tenant_id = {int(tenant_id)}"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}{where}")
        return cursor.fetchone()[0]


def setting(name: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [name])
        return cursor.fetchone()[0]


@pytest.fixture
def two_tenants(db):
    a, b = TenantFactory(slug="wall-a"), TenantFactory(slug="wall-b")
    for tenant, lines in ((a, 3), (b, 2)):
        for _ in range(lines):
            OrderLineFactory(order__customer=CustomerFactory(tenant=tenant))
    return a, b


def test_every_tenant_table_has_row_level_security_forced_with_the_tenant_policy():
    """The meta-test: a new table with a tenant_id column and no TenantRowSecurity(...) in its
    migration fails here."""
    tables = sorted(tenant_tables())
    assert len(tables) >= 38
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
            " (SELECT array_agg(p.policyname || ':' || p.qual || ':' || coalesce(p.with_check, ''))"
            "    FROM pg_policies p WHERE p.schemaname = current_schema() AND p.tablename = c.relname)"
            " FROM pg_class c WHERE c.relname = ANY(%s)",
            [tables],
        )
        state = {
            name: (enabled, forced, policies or []) for name, enabled, forced, policies in cursor.fetchall()
        }
    missing = []
    for table in tables:
        enabled, forced, policies = state[table]
        wall = [p for p in policies if p.startswith(f"{TENANT_POLICY}:")]
        if not (enabled and forced and len(wall) == 1 and wall[0].count("app.tenant_id") == 2):
            missing.append(table)
        elif len(policies) != 1:
            missing.append(f"{table} (other policies: {policies})")
    assert not missing, (
        f"Tenant tables without forced row-level security and the {TENANT_POLICY!r} policy: {missing}. "
        "Add apps.tenancy.db.TenantRowSecurity('<table>') to the migration that creates them."
    )


def test_the_app_role_is_not_superuser_owner_or_bypassrls():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == settings.DATABASES["default"]["APP_USER"]
        assert database_role_problems(cursor) == []
    assert check_database_role(databases=["default"]) == []


def test_with_no_tenant_set_every_tenant_table_answers_nothing(two_tenants):
    tables = sorted(tenant_tables())
    with scopes_disabled():
        seen = {table: count(table) for table in tables}
    assert (
        seen["customers_customer"] >= 5 and seen["sales_orderline"] == 5 and seen["tenancy_membership"] >= 5
    )
    assert wanted_tenant_settings() == ("", "off")
    assert {table: count(table) for table in tables} == dict.fromkeys(tables, 0)


def test_inside_tenant_b_the_rows_of_a_are_invisible_and_cannot_be_written(two_tenants):
    a, b = two_tenants
    with scope(tenant=b.pk):
        assert setting("app.tenant_id") == str(b.pk)
        assert count("sales_orderline", a.pk) == 0
        assert count("sales_orderline") == count("sales_orderline", b.pk) == 2
        with connection.cursor() as cursor:
            cursor.execute("UPDATE customers_customer SET name = 'taken' WHERE tenant_id = %s", [a.pk])
            assert cursor.rowcount == 0
            cursor.execute("DELETE FROM sales_orderline WHERE tenant_id = %s", [a.pk])
            assert cursor.rowcount == 0
        with (
            pytest.raises(ProgrammingError, match="row-level security"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "INSERT INTO tenancy_tombstone (tenant_id, model, object_id, sync_xid, created_at, updated_at)"
                " VALUES (%s, 'customers.customer', 1, 1, now(), now())",
                [a.pk],
            )
        with (  # moving one's own row into another tenant is refused too
            pytest.raises(ProgrammingError, match="row-level security"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE customers_customer SET tenant_id = %s", [a.pk])
    with scopes_disabled():
        assert count("sales_orderline", a.pk) == 3
        assert count("customers_customer") != 0


def test_a_reused_connection_carries_no_tenant_into_the_next_request(client, two_tenants):
    a, _b = two_tenants
    member = MembershipFactory(tenant=a, role="admin", user__username="wall-admin")
    client.force_login(member.user)
    response = client.get(f"/t/{a.slug}/customers/")
    assert response.status_code == 200
    assert connection.connection is not None  # the same connection serves what follows
    assert setting("app.tenant_id") == ""
    assert count("customers_customer") == 0
    response = client.get(f"/t/{a.slug}/customers/")
    assert response.status_code == 200 and count("sales_orderline") == 0


def test_a_rollback_forgets_the_tenant_it_set_and_the_next_statement_sets_it_again(two_tenants):
    a, b = two_tenants
    with scope(tenant=a.pk):
        assert count("sales_orderline") == 3
        # a savepoint inside the test's transaction, rolled back
        with pytest.raises(ZeroDivisionError), transaction.atomic(), scope(tenant=b.pk):
            assert count("sales_orderline") == 2
            raise ZeroDivisionError
        # the savepoint rollback restored the server's setting to tenant A; the wrapper must know
        with scope(tenant=b.pk):
            assert setting("app.tenant_id") == str(b.pk)
            assert count("sales_orderline") == 2
        assert count("sales_orderline") == 3


def _connect_as(user: str):
    params = connection.get_connection_params()
    return psycopg.connect(
        dbname=params["dbname"], host=params.get("host"), port=params.get("port"), user=user, autocommit=True
    )


@pytest.mark.django_db(transaction=True)  # it reconnects as another role mid-test
def test_a_superuser_or_the_owner_is_refused_in_production():
    for user in ("postgres", connection.settings_dict["USER"]):
        with _connect_as(user) as conn, conn.cursor() as cursor:
            assert database_role_problems(cursor), user
    with override_settings(DATABASE_ROLE_CHECK=True):
        ensure_unprivileged_database_role()  # the app role passes
        original = connection.settings_dict["APP_USER"]
        connection.settings_dict["APP_USER"] = "postgres"
        try:
            connection.close()
            with pytest.raises(ImproperlyConfigured, match="superuser"):
                ensure_unprivileged_database_role()
        finally:
            connection.settings_dict["APP_USER"] = original
            connection.close()


def _analyzed(table: str) -> bool:
    with connection.cursor() as cursor:  # reltuples is -1 until a table's first ANALYZE or VACUUM
        cursor.execute("SELECT reltuples >= 0 FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # run_as_owner reconnects, and only outside a transaction
def test_maintenance_runs_as_the_owner_because_the_app_role_may_not_analyze():
    with connection.cursor() as cursor:
        # A table nothing has analyzed and nothing has written to (a test database has dozens), so
        # autovacuum will not analyze it behind the test's back.
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid"
            " WHERE c.reltuples < 0 AND s.n_tup_ins = 0 AND s.n_mod_since_analyze = 0"
            " ORDER BY c.relname LIMIT 1"
        )
        (table,) = cursor.fetchone()
    with connection.cursor() as cursor:  # the app role: PostgreSQL skips the table with a warning
        cursor.execute(f"ANALYZE {table}")
    assert not _analyzed(table)
    assert run_as_owner(f"ANALYZE {table}")
    assert _analyzed(table)
    with transaction.atomic():  # inside a transaction it would reconnect mid-transaction: refused
        assert not run_as_owner(f"ANALYZE {table}")
