"""Load the demo tenants (`demo`, `rival`): wipe their data and run every registered demo seeder.

Re-runnable and deterministic: the same day gives the same data. Cross-tenant by nature, so the
wipe and the tenant rows run under scopes_disabled(); the seeders run inside tenant_context().
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django_scopes import scopes_disabled

from apps.tenancy.context import tenant_context
from apps.tenancy.dates import tenant_today
from apps.tenancy.demo import DEMO_PASSWORD, DEMO_TENANTS, DemoContext, demo_seeders, demo_tenant_wipe
from apps.tenancy.models import Tenant
from apps.tenancy.owner import run_as_owner
from apps.tenancy.phones import country_for_timezone


class Command(BaseCommand):
    requires_system_checks: list = []  # a seed needs no URL or admin checks
    help = "Create or reset the demo tenants 'demo' and 'rival' with a year of deterministic sales data."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="The last day of the demo year (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--tenant", action="append", choices=[t.slug for t in DEMO_TENANTS], help="Only this tenant."
        )
        parser.add_argument("--list", action="store_true", help="Print the seeders in run order and stop.")

    def handle(self, *args, **options):
        started = time.monotonic()
        seeders = demo_seeders()  # refuses an unknown or circular `after` before anything is wiped
        if options["list"]:
            for name, seeder in seeders:
                self.stdout.write(f"{name:<28} {seeder.__module__}.{seeder.__qualname__}")
            return
        specs = [t for t in DEMO_TENANTS if not options["tenant"] or t.slug in options["tenant"]]
        logins: list[tuple[str, str, str, str]] = []
        for spec in specs:
            today = None  # the tenant's own today unless one is given
            if options["today"]:
                try:
                    today = dt.date.fromisoformat(options["today"])
                except ValueError:
                    raise CommandError("--today must be YYYY-MM-DD")
            t0 = time.monotonic()
            with transaction.atomic():
                with scopes_disabled():
                    tenant, _created = Tenant.objects.update_or_create(
                        slug=spec.slug,
                        defaults={
                            "name": spec.name,
                            "timezone": spec.timezone,
                            "country": country_for_timezone(spec.timezone),
                            "currency": spec.currency,
                            "default_language": spec.language,
                            "is_active": True,
                        },
                    )
                    with connection.cursor() as cur:  # for row-level security policies, this transaction only
                        cur.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant.pk)])
                    demo_tenant_wipe(tenant_id=tenant.pk)
                ctx = DemoContext(tenant=tenant, spec=spec, today=today or tenant_today(tenant))
                with tenant_context(tenant):
                    for _name, seeder in seeders:
                        seeder(ctx)
            logins += [(spec.slug, *login) for login in ctx.logins]
            self.stdout.write(f"seed_demo: {spec.slug} ({spec.name}) seeded in {time.monotonic() - t0:.1f} s")
        run_as_owner("ANALYZE")  # fresh statistics for the seeded rows, once (the owner's tables)
        self.stdout.write(
            f"seed_demo: done in {time.monotonic() - started:.1f} s. Demo logins (password {DEMO_PASSWORD}):"
        )
        for slug, username, role, name in logins:
            self.stdout.write(f"  {username:<14} {role:<8} tenant {slug:<6} {name}")
