"""Database pieces migrations share: sync stamping and tombstone triggers, same-tenant composite keys."""

from django.db import migrations

SYNC_FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION salesmgmt_sync_stamp() RETURNS trigger AS $$
BEGIN
    NEW.sync_xid := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION salesmgmt_tombstone() RETURNS trigger AS $$
BEGIN
    INSERT INTO tenancy_tombstone (tenant_id, model, object_id, sync_xid, created_at, updated_at)
    VALUES (OLD.tenant_id, TG_ARGV[0], OLD.id, pg_current_xact_id()::text::bigint, now(), now());
    RETURN OLD;
END $$ LANGUAGE plpgsql;
"""

SYNC_FUNCTIONS_REVERSE_SQL = """
DROP FUNCTION IF EXISTS salesmgmt_sync_stamp();
DROP FUNCTION IF EXISTS salesmgmt_tombstone();
"""


def SyncTriggers(table: str, label: str) -> migrations.RunSQL:
    """Stamp every insert/update with its transaction id and leave a tombstone for every delete."""
    return migrations.RunSQL(
        f"""
        CREATE TRIGGER {table}_sync_stamp BEFORE INSERT OR UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION salesmgmt_sync_stamp();
        CREATE TRIGGER {table}_tombstone AFTER DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION salesmgmt_tombstone('{label}');
        """,
        f"""
        DROP TRIGGER IF EXISTS {table}_sync_stamp ON {table};
        DROP TRIGGER IF EXISTS {table}_tombstone ON {table};
        """,
    )


def same_tenant_key_name(table: str, column: str) -> str:
    """The name of the composite key that keeps `table.column` inside its row's tenant."""
    name = f"{table}_{column}_same_tenant"
    if len(name) > 63:  # PostgreSQL would silently truncate it, and the reverse SQL would miss it
        raise ValueError(f"constraint name too long for PostgreSQL: {name}")
    return name


def SameTenantKeys(keys: list[tuple[str, str, str]]) -> migrations.RunSQL:
    """Composite foreign keys (tenant_id, column) → referenced (tenant_id, id), one per (table, column, referenced).

    A row can then only name a row of its own tenant, even through raw SQL. The referenced table
    needs a unique (tenant_id, id) key (`<model>_tenant_id_key` on its Meta). Deferred like Django's
    own keys, so rows that point at each other can be written in any order within a transaction.
    The Django field keeps `db_constraint=False`: the single-column key it would add is implied.
    """
    return migrations.RunSQL(
        [
            f"ALTER TABLE {table} ADD CONSTRAINT {same_tenant_key_name(table, column)} "
            f"FOREIGN KEY (tenant_id, {column}) REFERENCES {ref} (tenant_id, id) DEFERRABLE INITIALLY DEFERRED"
            for table, column, ref in keys
        ],
        [
            f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {same_tenant_key_name(table, column)}"
            for table, column, _ref in reversed(keys)
        ],
    )


# Row-level security: a tenant table answers only rows of the tenant the connection serves
# (`app.tenant_id`, set by salesmgmt.db before statements), or every row for system work
# (`app.all_tenants` = on, under scopes_disabled()). The settings are read once per statement
# (sub-selects become init plans), not once per row.
TENANT_POLICY = "tenant_wall"
TENANT_VISIBLE = (
    "tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::bigint)"
    " OR (SELECT current_setting('app.all_tenants', true)) = 'on'"
)


def TenantRowSecurity(*tables: str) -> migrations.RunSQL:
    """Enable and force row-level security on tenant tables, with the tenant policy.

    Every new table with a tenant_id column needs this in its migration (tests/tenancy/test_rls.py
    fails otherwise).
    """
    return migrations.RunSQL(
        "".join(
            f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY; ALTER TABLE {t} FORCE ROW LEVEL SECURITY; "
            f"CREATE POLICY {TENANT_POLICY} ON {t} USING ({TENANT_VISIBLE}) WITH CHECK ({TENANT_VISIBLE}); "
            for t in tables
        ),
        "".join(
            f"DROP POLICY IF EXISTS {TENANT_POLICY} ON {t}; "
            f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY; ALTER TABLE {t} DISABLE ROW LEVEL SECURITY; "
            for t in tables
        ),
    )


def grant_app_role(connection) -> None:
    """Give the app's login role what it needs on every table and sequence, and nothing more.

    Run after each migrate (tables made later get their grants then). The role must exist: bin/services
    creates it; in production the DBA does (docs/operations.md).
    """
    role = connection.settings_dict.get("APP_USER")
    if not role:
        return
    from django.core.management.base import CommandError

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise CommandError(
                f"The app's database role {role!r} does not exist. Create it (LOGIN, no superuser, "
                "no BYPASSRLS) with bin/services or as described in docs/operations.md."
            )
        quoted = connection.ops.quote_name(role)
        cursor.execute(
            f"GRANT USAGE ON SCHEMA public TO {quoted};"
            f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {quoted};"
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted};"
        )
