"""The database role the app logs in as must be bound by row-level security.

A superuser, a BYPASSRLS role or the owner of the tables passes every policy, so the tenant wall in
PostgreSQL would stand for nothing. Production settings refuse to start with such a role
(DATABASE_ROLE_CHECK); `manage.py check --database default` reports it everywhere.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from .owner import owner_mode_active

ROLE_SQL = """
SELECT current_user, r.rolsuper, r.rolbypassrls,
       (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relowner = r.oid)
  FROM pg_roles r WHERE r.rolname = current_user
"""


def database_role_problems(cursor) -> list[str]:
    """Why the role behind `cursor` would pass the tenant policies (empty: it would not)."""
    cursor.execute(ROLE_SQL)
    user, superuser, bypass, owned = cursor.fetchone()
    problems = []
    if superuser:
        problems.append(f"the app connects to PostgreSQL as {user!r}, a superuser")
    if bypass:
        problems.append(f"the app's database role {user!r} has BYPASSRLS")
    if owned:
        problems.append(f"the app's database role {user!r} owns {owned} tables (owners are for migrations)")
    return problems


def ensure_unprivileged_database_role(alias: str = "default") -> None:
    """Refuse to run when DATABASE_ROLE_CHECK is on and the role would pass row-level security."""
    if not getattr(settings, "DATABASE_ROLE_CHECK", False) or owner_mode_active():
        return
    with connections[alias].cursor() as cursor:
        problems = database_role_problems(cursor)
    connections[alias].close()  # a start-up check: the process's own work opens its connections later
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start: "
            + "; ".join(problems)
            + ". Set DATABASE_APP_USER to a role with LOGIN only (docs/operations.md, Database roles)."
        )


@checks.register(checks.Tags.database)
def check_database_role(app_configs=None, databases=None, **kwargs):
    if not databases or owner_mode_active():
        return []
    found = []
    for alias in databases:
        with connections[alias].cursor() as cursor:
            for problem in database_role_problems(cursor):
                found.append(
                    checks.Error(
                        problem[0].upper() + problem[1:] + ": row-level security would not bind it.",
                        hint="Set DATABASE_APP_USER to a LOGIN role without superuser, BYPASSRLS or ownership.",
                        id="tenancy.E001",
                    )
                )
    return found
