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
