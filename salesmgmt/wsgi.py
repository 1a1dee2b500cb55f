import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesmgmt.settings.dev")
application = get_wsgi_application()

# Production refuses a database role that row-level security would not bind (superuser, owner, BYPASSRLS).
from apps.tenancy.checks import ensure_unprivileged_database_role  # noqa: E402

ensure_unprivileged_database_role()
