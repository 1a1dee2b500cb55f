"""Reading the migrated schema from pg_catalog, for the tests that hold it to the tenancy rules."""

from django.db import connection


def catalog_rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def tenant_tables() -> set[str]:
    """Every table of the schema with a tenant_id column."""
    return {
        name
        for (name,) in catalog_rows(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace
            """
        )
    }
