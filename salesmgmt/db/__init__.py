"""PostgreSQL backend that carries the tenant wall into the database (docs/architecture.md, Tenancy).

Two things on top of Django's own backend:

- The app connects as a dedicated role (``DATABASES[...]["APP_USER"]``): not superuser, not owner of the
  tables, not BYPASSRLS. Only ``migrate`` and test-database creation/destruction run as the owner named
  by ``DATABASE_URL`` (``owner_mode()``, in :mod:`apps.tenancy.owner`).
- Before a statement runs, the connection's ``app.tenant_id`` / ``app.all_tenants`` settings are made to
  match the current django-scopes state, which every tenant table's row-level-security policy reads:
  a tenant scope sees only its tenant; ``scopes_disabled()`` (system work: dispatch, sweeps, identity
  lookups) sees every tenant; no scope sees no tenant rows at all.
"""
