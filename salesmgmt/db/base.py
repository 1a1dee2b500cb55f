"""The database wrapper: app role at connect time, tenant settings before statements."""

from django.db.backends.postgresql import base as postgresql
from django.db.backends.postgresql.creation import DatabaseCreation as PostgresCreation
from django_scopes.state import state
from psycopg import pq

from apps.tenancy.owner import owner_mode, owner_mode_active

NO_TENANT = ("", "off")
ALL_TENANTS = ("", "on")
_UNKNOWN = object()


def wanted_tenant_settings() -> tuple[str, str]:
    """(app.tenant_id, app.all_tenants) for the current django-scopes state."""
    current = state.get() or {}
    if current.get("_enabled", True) is False:
        return ALL_TENANTS
    tenant = current.get("tenant")
    if tenant is None:
        return NO_TENANT
    if isinstance(tenant, list | tuple | set | frozenset):
        # the policy compares one id; a scope over several tenants is not something the app uses
        raise ValueError("A database connection serves one tenant at a time; got a scope over several.")
    return (str(getattr(tenant, "pk", tenant)), "off")


class DatabaseCreation(PostgresCreation):
    """Test databases are created, migrated and dropped by the owner; tests then run as the app role."""

    def create_test_db(self, *args, **kwargs):
        with owner_mode():
            return super().create_test_db(*args, **kwargs)

    def destroy_test_db(self, *args, **kwargs):
        with owner_mode():
            return super().destroy_test_db(*args, **kwargs)


class DatabaseWrapper(postgresql.DatabaseWrapper):
    creation_class = DatabaseCreation

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tenant_settings = _UNKNOWN  # what the server session holds now, as far as we know

    def get_connection_params(self):
        params = super().get_connection_params()
        app_user = self.settings_dict.get("APP_USER")
        if app_user and not owner_mode_active():
            params["user"] = app_user
            params["password"] = self.settings_dict.get("APP_PASSWORD") or ""
        return params

    def get_new_connection(self, conn_params):
        self._tenant_settings = _UNKNOWN
        return super().get_new_connection(conn_params)

    def _cursor(self, name=None):
        cursor = super()._cursor(name)
        self._sync_tenant_settings()
        return cursor

    def _sync_tenant_settings(self) -> None:
        wanted = wanted_tenant_settings()
        if wanted == self._tenant_settings:
            return
        if self.connection.info.transaction_status == pq.TransactionStatus.INERROR:
            return  # nothing runs until the rollback, which forgets the settings anyway (below)
        # Session-level (is_local = false): it survives the statement's own autocommit transaction. A
        # rollback undoes a set_config made inside the transaction, so every rollback forgets what is set.
        with self.wrap_database_errors:
            self.connection.execute(
                "SELECT set_config('app.tenant_id', %s, false), set_config('app.all_tenants', %s, false)",
                wanted,
            )
        self._tenant_settings = wanted

    def _rollback(self):
        self._tenant_settings = _UNKNOWN
        return super()._rollback()

    def _savepoint_rollback(self, sid):
        self._tenant_settings = _UNKNOWN
        return super()._savepoint_rollback(sid)

    def _close(self):
        self._tenant_settings = _UNKNOWN
        return super()._close()


__all__ = ["DatabaseWrapper", "owner_mode"]
