"""`migrate` as the schema owner, across every tenant, then the app role's rights on what it made.

The app itself logs in as DATABASE_APP_USER, which owns nothing; migrations need the owner (DDL) and
must see every tenant's rows (data migrations), so they run in owner mode with scopes disabled.
"""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections
from django_scopes import scopes_disabled

from apps.tenancy.db import grant_app_role
from apps.tenancy.owner import owner_mode


class Command(DjangoMigrate):
    help = DjangoMigrate.help + " Runs as the schema owner and grants the app role its rights afterwards."

    def handle(self, *args, **options):
        with owner_mode(), scopes_disabled():
            super().handle(*args, **options)
            grant_app_role(connections[options["database"]])
