"""Database pieces migrations share: sync stamping and tombstone triggers on synced tables."""

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
