"""Load the starter data an organisation has not had yet (sets registered after it was created).

    manage.py load_starter_data <slug> [--set targets.seasonal_profiles ...] [--list]

Idempotent: a set the organisation has had is skipped, and so is a row whose name or code it has.
"""

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.tenancy.context import tenant_context
from apps.tenancy.models import Tenant
from apps.tenancy.starter import starter_data_load, starter_data_loaded, starter_sets


class Command(BaseCommand):
    help = "Load the registered starter data an organisation has not had yet, in its language."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The organisation's slug.")
        parser.add_argument(
            "--set", action="append", dest="sets", metavar="NAME", help="Only this set (repeatable)."
        )
        parser.add_argument(
            "--list", action="store_true", help="List the registered sets and whether it has had each."
        )

    def handle(self, *args, slug, sets, **options):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No organisation has the slug {slug!r}.")
        if options["list"]:
            with tenant_context(tenant):
                done = starter_data_loaded(tenant)
            for starter in starter_sets():
                state = "loaded" if starter.name in done else "not loaded"
                self.stdout.write(f"{starter.name:<32} {state}")
            return
        try:
            loaded = starter_data_load(tenant=tenant, by=None, only=sets)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc))
        except ValidationError as exc:  # a fixture the app's service refuses: nothing was written
            raise CommandError(f"Nothing was loaded: {'; '.join(exc.messages)}")
        if not loaded:
            self.stdout.write(f"{tenant.name} has had every starter data set; nothing was added.")
        for name, created in loaded.items():
            self.stdout.write(f"{name:<32} {created} row(s) added")
