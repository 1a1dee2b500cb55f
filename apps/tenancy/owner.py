"""Which role a new connection logs in as: the app role, or the schema owner inside owner_mode().

The database backend (`salesmgmt.db`) reads owner_mode_active() when it connects; commands, checks,
seeders and the bench switch to the owner through these helpers. They live on the ground floor so
that any app may use them without importing the wiring, and import no models: the backend imports
this module before the app registry is ready.
"""

from collections.abc import Iterator
from contextlib import contextmanager

_owner_depth = 0


def owner_mode_active() -> bool:
    return _owner_depth > 0


@contextmanager
def owner_mode() -> Iterator[None]:
    """Run a block (migrations, creating/dropping a database) connected as the schema owner.

    Open connections are closed on the way in and out, so no statement of the block runs as the app
    role and no connection of the owner outlives it.
    """
    from django.db import connections

    global _owner_depth
    if _owner_depth == 0:
        connections.close_all()
    _owner_depth += 1
    try:
        yield
    finally:
        _owner_depth -= 1
        if _owner_depth == 0:
            connections.close_all()


def run_as_owner(*statements: str) -> bool:
    """Run maintenance statements (ANALYZE, VACUUM) as the schema owner, which they need: the app role
    owns no table, and PostgreSQL skips a table its caller does not own with no more than a warning.

    Only outside a transaction (owner_mode() reconnects, VACUUM refuses a transaction block); inside
    one, such as a test's, nothing is run and False is returned."""
    from django.db import connection

    if connection.in_atomic_block:
        return False
    with owner_mode(), connection.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
    return True


@contextmanager
def bulk_load() -> Iterator[None]:
    """Run a bulk load (the bench's tenants, seeding) connected as the schema owner when it starts
    outside any transaction, so that analyze() can refresh statistics inside the load's own
    transaction, between the inserts and the statements that join what they inserted. Inside a
    transaction (a test's), the connection is left as it is and analyze() does nothing."""
    from django.db import connection

    if connection.in_atomic_block:
        yield
        return
    with owner_mode():
        yield


def analyze(*tables: str) -> bool:
    """Fresh planner statistics for tables a bulk load has just grown by orders of magnitude.

    Statistics taken before the load estimate a new tenant's rows at one, and the planner then joins
    tens of thousands of them by nested loops that rescan a side per row (minutes instead of seconds).
    Connected as the owner (inside bulk_load() or owner_mode()) it runs at once, in a transaction
    too, where ANALYZE samples the transaction's own new rows; as the app role it goes through
    run_as_owner(), outside a transaction only. Returns whether it ran."""
    from django.db import connection

    statements = [f"ANALYZE {table}" for table in tables]
    if not owner_mode_active():
        return run_as_owner(*statements)
    with connection.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
    return True
