"""Demo suggestions: the suggestions pass run for the demo's next working day, so a demo rep who
opens tomorrow's plan finds it pre-filled with ranked suggestions and their reasons (key accounts
overdue for a visit, follow-ups due), as every evening's scheduled pass would leave it."""

from apps.tenancy.demo import DemoContext

from ..selectors import next_working_day
from ..services import plan_suggestions_compute


def seed_suggestions(ctx: DemoContext) -> None:
    plan_suggestions_compute(tenant=ctx.tenant, day=next_working_day(ctx.tenant, ctx.today))
