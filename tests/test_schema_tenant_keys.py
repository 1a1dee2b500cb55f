"""The schema keeps every tenant inside its own rows, and already has the shape a distribution by
tenant (Citus, with tenant_id as the distribution column) needs: every unique key and every foreign
key between tenant tables includes tenant_id. Read from pg_catalog of the migrated test database, so
a new migration that breaks the rule fails here, naming the table and the constraint.

A "tenant table" is a table with a tenant_id column. See docs/scaling.md.
"""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import ForeignKey
from django_scopes import scopes_disabled

from apps.customers.models import Customer
from apps.org.models import Team
from apps.sales.models import Order
from apps.tenancy.db import same_tenant_key_name
from apps.tenancy.models import Membership

from .catalog import catalog_rows, tenant_tables
from .factories import CustomerFactory, MembershipFactory, OrderFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_tenant():
    """These tests aim raw SQL at other tenants' rows to prove the keys refuse it; row-level security
    (tests/tenancy/test_rls.py) would hide those rows first, so they run with every tenant visible."""
    with scopes_disabled():
        yield


# Unique keys on a tenant table that may leave tenant_id out, each with the reason. The primary key
# `id` is exempt by rule rather than listed: ids come from one sequence per table, so `id` alone is
# unique across tenants, and Citus turns the key into (tenant_id, id) when the table is distributed
# (docs/scaling.md). Keep this empty unless a key really must be unique across tenants.
UNIQUE_WITHOUT_TENANT: dict[tuple[str, str], str] = {}

# Foreign keys from a table without tenant_id (a global table) into a tenant table, with the reason.
GLOBAL_TO_TENANT: dict[tuple[str, str], str] = {
    ("tenancy_apitoken", "membership_id"): (
        "A token is looked up by its key before the tenant is known (that lookup is what tells the "
        "tenant), so it lives in a global table. Under Citus it must lose this key or gain tenant_id "
        "and a routed lookup; docs/scaling.md lists it among what remains."
    ),
}


def _unique_indexes() -> list[tuple[str, str, list[str], bool]]:
    """(table, index, key columns, is primary key) of every unique index, constraint-backed or not."""
    return catalog_rows(
        """
        SELECT t.relname, ic.relname,
               array(SELECT coalesce(a.attname, '(expression)') FROM unnest(i.indkey[0:i.indnkeyatts - 1]) k
                     LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k),
               i.indisprimary
        FROM pg_index i
        JOIN pg_class t ON t.oid = i.indrelid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE i.indisunique AND t.relnamespace = current_schema()::regnamespace
        """
    )


def _foreign_keys() -> list[tuple[str, str, list[str], str, list[str], bool, bool]]:
    """(table, constraint, columns, referenced table, referenced columns, deferrable, validated)."""
    return catalog_rows(
        """
        SELECT t.relname, con.conname,
               array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o),
               r.relname,
               array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o),
               con.condeferrable, con.convalidated
        FROM pg_constraint con
        JOIN pg_class t ON t.oid = con.conrelid
        JOIN pg_class r ON r.oid = con.confrelid
        WHERE con.contype = 'f' AND t.relnamespace = current_schema()::regnamespace
        """
    )


def test_the_rule_sees_thetenant_tables():
    tables = tenant_tables()
    assert {
        "tenancy_membership",
        "org_team",
        "customers_customer",
        "sales_orderline",
        "visits_visit",
    } <= tables
    assert "tenancy_tenant" not in tables and "auth_user" not in tables


def test_every_unique_key_of_a_tenant_table_includes_tenant_id():
    tables = tenant_tables()
    wrong = []
    for table, index, columns, primary in _unique_indexes():
        if table not in tables or "tenant_id" in columns or (table, index) in UNIQUE_WITHOUT_TENANT:
            continue
        if primary and columns == ["id"]:
            continue
        wrong.append(f"{table}: unique {index} on ({', '.join(columns)})")
    assert not wrong, (
        "unique keys of tenant tables without tenant_id (a per-tenant key names the tenant first; "
        "a key unique across tenants cannot be distributed by tenant):\n  " + "\n  ".join(sorted(wrong))
    )


def test_the_allowlist_names_only_keys_that_exist():
    unique = {(table, index) for table, index, _c, _p in _unique_indexes()}
    assert set(UNIQUE_WITHOUT_TENANT) <= unique
    fks = {(table, columns[0]) for table, _n, columns, *_rest in _foreign_keys() if len(columns) == 1}
    assert set(GLOBAL_TO_TENANT) <= fks


def test_every_foreign_key_between_tenant_tables_pairs_tenant_id_with_tenant_id():
    tables = tenant_tables()
    wrong = []
    for table, name, columns, ref, ref_columns, deferrable, validated in _foreign_keys():
        if table not in tables or ref not in tables:
            continue
        if ("tenant_id", "tenant_id") not in zip(columns, ref_columns, strict=True):
            wrong.append(f"{table}.{name}: ({', '.join(columns)}) → {ref} ({', '.join(ref_columns)})")
        elif not (deferrable and validated):
            wrong.append(f"{table}.{name}: not deferrable or not validated")
    assert not wrong, (
        "foreign keys between tenant tables must be (tenant_id, x_id) → (tenant_id, id), deferrable: "
        "give the Django field db_constraint=False and add the composite key with "
        "apps.tenancy.db.SameTenantKeys in a migration:\n  " + "\n  ".join(sorted(wrong))
    )


def test_every_relation_between_tenant_models_is_covered_by_a_composite_key():
    tables = tenant_tables()
    composite = {
        (table, columns[1], ref)
        for table, _n, columns, ref, ref_columns, *_f in _foreign_keys()
        if len(columns) == 2 and columns[0] == "tenant_id" and ref_columns == ["tenant_id", "id"]
    }
    missing = []
    for model in apps.get_models():
        table = model._meta.db_table
        if table not in tables or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, ForeignKey) or field.column == "tenant_id":
                continue
            ref = field.related_model._meta.db_table
            if ref in tables and (table, field.column, ref) not in composite:
                missing.append(f"{model._meta.label}.{field.name}: ({table}, {field.column}, {ref})")
    assert not missing, (
        "relations between tenant models without a composite key (tenant_id, x_id) → (tenant_id, id); "
        "add them with apps.tenancy.db.SameTenantKeys in a migration:\n  " + "\n  ".join(sorted(missing))
    )


def test_no_many_to_many_between_tenant_models_has_an_auto_created_through_table():
    # An auto-created through table has no tenant_id, so its rows could join two tenants.
    tables = tenant_tables()
    wrong = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
        and {model._meta.db_table, field.related_model._meta.db_table} & tables
    ]
    assert not wrong, f"give these an explicit through model with tenant and composite keys: {wrong}"


def test_a_global_table_points_into_a_tenant_table_only_where_listed():
    tables = tenant_tables()
    found = {
        (table, columns[0])
        for table, _n, columns, ref, *_rest in _foreign_keys()
        if table not in tables and ref in tables
    }
    assert found <= set(GLOBAL_TO_TENANT), sorted(found - set(GLOBAL_TO_TENANT))


def _force_checks():
    """The composite keys are deferred to commit; check them now, inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture
def two_tenants(tenant, other_tenant):
    mine = MembershipFactory(tenant=tenant)
    theirs = MembershipFactory(tenant=other_tenant)
    return {
        "rep": (mine, theirs),
        "team": (TeamFactory(tenant=tenant), TeamFactory(tenant=other_tenant)),
        "customer": (
            CustomerFactory(tenant=tenant, owner=mine),
            CustomerFactory(tenant=other_tenant, owner=theirs),
        ),
    }


@pytest.mark.parametrize(
    ("table", "column", "kind"),
    [
        (Order._meta.db_table, "customer_id", "customer"),
        (Order._meta.db_table, "rep_id", "rep"),
        (Membership._meta.db_table, "team_id", "team"),
        (Team._meta.db_table, "lead_id", "rep"),
        (Customer._meta.db_table, "owner_id", "rep"),
    ],
)
def test_raw_sql_cannot_point_a_row_into_another_tenant(two_tenants, table, column, kind):
    mine, theirs = two_tenants[kind]
    row = {
        Order._meta.db_table: lambda: OrderFactory(
            customer=two_tenants["customer"][0], rep=two_tenants["rep"][0]
        ),
        Membership._meta.db_table: lambda: two_tenants["rep"][0],
        Team._meta.db_table: lambda: two_tenants["team"][0],
        Customer._meta.db_table: lambda: two_tenants["customer"][0],
    }[table]()
    key = same_tenant_key_name(table, column)
    with pytest.raises(IntegrityError, match=key), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [theirs.pk, row.pk])  # noqa: S608
        _force_checks()
    # the same statement naming a row of its own tenant passes
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [mine.pk, row.pk])  # noqa: S608
        _force_checks()


def test_a_row_naming_a_missing_row_fails_like_a_plain_foreign_key(tenant):
    rep = MembershipFactory(tenant=tenant)
    customer = CustomerFactory(tenant=tenant, owner=rep)
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE customers_customer SET owner_id = %s WHERE id = %s", [2**31 - 1, customer.pk]
            )
        _force_checks()


@pytest.mark.django_db(transaction=True)
def test_a_cross_tenant_reference_is_refused_at_commit(tenant, other_tenant):
    theirs = TeamFactory(tenant=other_tenant)
    member = MembershipFactory(tenant=tenant)
    key = same_tenant_key_name("tenancy_membership", "team_id")
    with pytest.raises(IntegrityError, match=key), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE tenancy_membership SET team_id = %s WHERE id = %s", [theirs.pk, member.pk])
    member.refresh_from_db()
    assert member.team_id is None
