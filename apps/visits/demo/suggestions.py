"""Demo suggestions: the suggestions pass run for the demo's next working day, so a demo rep who
opens tomorrow's plan finds it pre-filled with ranked suggestions and their reasons (key accounts
overdue for a visit, follow-ups due), as every evening's scheduled pass would leave it.

demo-rep's customers were all visited lately, so two of them first get a phone call of the last
working day with a follow-up due on the next one: the login always shows suggestions."""

import datetime as dt

from apps.customers.models import Customer, Interaction
from apps.tenancy.demo import DemoContext
from apps.tenancy.models import Membership

from ..selectors import next_working_day
from ..services import plan_suggestions_compute

CALLS = {
    "zh": [("确认下周补货数量", "客户要求拜访时当面确认。"), ("新品试销反馈", "店长希望看样品后再定。")],
    "en": [
        ("Confirm next week's restock", "Asked to confirm in person."),
        ("Feedback on the trial", "Wants to see samples first."),
    ],
}


def seed_suggestions(ctx: DemoContext) -> None:
    tenant = ctx.tenant
    day = next_working_day(tenant, ctx.today)
    demo_rep = Membership.objects.filter(tenant=tenant, user__username="demo-rep").first()
    if demo_rep is not None:
        customers = Customer.objects.filter(
            tenant=tenant, owner=demo_rep, status=Customer.Status.ACTIVE
        ).order_by("code")[: len(CALLS["en"])]
        texts = CALLS["zh" if ctx.spec.locale == "zh" else "en"]
        called = ctx.day_start - dt.timedelta(hours=7)  # the evening before the demo's today
        Interaction.objects.bulk_create(
            [
                Interaction(
                    tenant=tenant,
                    customer=customer,
                    rep=demo_rep,
                    kind=Interaction.Kind.CALL,
                    occurred_at=called,
                    subject=subject,
                    notes=notes,
                    follow_up_on=day,
                )
                for customer, (subject, notes) in zip(customers, texts, strict=False)
            ]
        )
    plan_suggestions_compute(tenant=tenant, day=day)
