"""Demo data: the weekly progress of the demo quarter, so the weekly report has figures on first run.

Runs after every fact seeder (order 90): the rollup reads whatever sales, visits and reports the
other seeders wrote, the same way the Monday job does."""

import datetime as dt

from apps.tenancy.demo import DemoContext, register_demo_seeder

from .services import rollup_weeks

DEMO_WEEKS = 13


def seed_weekly_progress(ctx: DemoContext) -> None:
    last = ctx.today - dt.timedelta(days=ctx.today.weekday() + 7)  # the last full week
    rollup_weeks(tenant=ctx.tenant, first=last - dt.timedelta(weeks=DEMO_WEEKS - 1), last=last)


register_demo_seeder(90, seed_weekly_progress)
