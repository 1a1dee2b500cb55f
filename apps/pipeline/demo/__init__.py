"""Demo data of the pipeline: the organisation's stages and a live pipeline on the foundation's
customers (open opportunities in every stage, some won and lost in the last months, with history)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from apps.customers.models import Customer
from apps.sales.models import Product
from apps.tenancy.demo import DemoContext
from apps.tenancy.models import Membership, Role
from apps.tenancy.starter import starter_rows, starter_sets

from ..models import Opportunity, OpportunityLine, Stage, StageChange
from ..starter import load_stages

PER_REP = 8
NEXT_STEPS = (
    "Send the quotation",
    "Product demonstration",
    "Meet the purchasing manager",
    "Call back",
    "Visit with samples",
)
NEXT_STEPS_ZH = ("发送报价单", "产品演示", "拜访采购经理", "电话回访", "带样品拜访")
COMPETITORS = ("", "", "Alpha Trading", "Beta Supplies")
COMPETITORS_ZH = ("", "", "甲公司", "乙公司")


def _stages(ctx: DemoContext) -> list[Stage]:
    tenant = ctx.tenant
    if not Stage.objects.filter(tenant=tenant).exists():
        language = tenant.default_language
        stage_set = next(s for s in starter_sets() if s.name == "pipeline.stages")
        load_stages(tenant=tenant, rows=starter_rows(stage_set, language), by=None)
    return list(Stage.objects.filter(tenant=tenant).order_by("order", "id"))


def seed_opportunities(ctx: DemoContext) -> None:
    tenant = ctx.tenant
    rng = ctx.rng("pipeline")
    today = ctx.today
    zh = tenant.default_language.startswith("zh")
    stages = _stages(ctx)
    open_stages = [s for s in stages if s.kind == Stage.Kind.OPEN]
    won = next(s for s in stages if s.kind == Stage.Kind.WON)
    lost = next(s for s in stages if s.kind == Stage.Kind.LOST)
    reps = list(Membership.objects.filter(tenant=tenant, role=Role.REP, is_active=True).order_by("pk"))
    customers: dict[int, list[Customer]] = {}
    for c in Customer.objects.filter(tenant=tenant).order_by("pk"):
        customers.setdefault(c.owner_id, []).append(c)
    products = list(Product.objects.filter(tenant=tenant, is_active=True).order_by("pk")[:40])
    tz = tenant.tzinfo
    opps: list[Opportunity] = []
    plans: list[tuple[list[Stage], dict]] = []
    for rep in reps:
        own = customers.get(rep.pk, [])
        for i in range(PER_REP):
            opened = today - dt.timedelta(days=rng.randint(10, 120))
            path_len = rng.randint(1, len(open_stages))
            path = open_stages[:path_len]
            fate = rng.random()
            end_stage = path[-1]
            status = Opportunity.Status.OPEN
            if fate < 0.2:
                status, end_stage = Opportunity.Status.WON, won
            elif fate < 0.32:
                status, end_stage = Opportunity.Status.LOST, lost
            customer = own[rng.randrange(len(own))] if own and rng.random() < 0.8 else None
            product = products[rng.randrange(len(products))] if products else None
            amount = Decimal(rng.randint(5, 200) * 1000)
            # every move on a day before today (the demo shows the world as it stood when today began)
            days = sorted(rng.sample(range(0, (today - opened).days), len(path) + 1))
            moves = [opened + dt.timedelta(days=d) for d in days]
            closed_on = moves[-1] if status != Opportunity.Status.OPEN else None
            steps = NEXT_STEPS_ZH if zh else NEXT_STEPS
            opp = Opportunity(
                tenant=tenant,
                name=(
                    f"{customer.name if customer else ''} {'采购项目' if zh else 'supply deal'} {i + 1}"
                ).strip(),
                customer=customer,
                prospect_name=""
                if customer
                else (f"潜在客户 {rep.pk}-{i}" if zh else f"Prospect {rep.pk}-{i}"),
                prospect_contact="" if customer else ("王经理" if zh else "Ms. Wang"),
                owner=rep,
                stage=end_stage,
                status=status,
                amount=amount,
                probability=end_stage.probability,
                expected_close=today + dt.timedelta(days=rng.randint(3, 150))
                if status == Opportunity.Status.OPEN
                else closed_on,
                source=rng.choice(Opportunity.Source.values),
                competitors=rng.choice(COMPETITORS_ZH if zh else COMPETITORS),
                next_step=rng.choice(steps) if status == Opportunity.Status.OPEN else "",
                next_step_on=today + dt.timedelta(days=rng.randint(-3, 14))
                if status == Opportunity.Status.OPEN
                else None,
                opened_on=opened,
                stage_entered_at=dt.datetime.combine(
                    moves[len(path) - 1] if status == Opportunity.Status.OPEN else moves[-1],
                    dt.time(10),
                    tzinfo=tz,
                ),
                closed_on=closed_on,
                lost_reason=rng.choice(Opportunity.LostReason.values)
                if status == Opportunity.Status.LOST
                else "",
            )
            opps.append(opp)
            plans.append(
                (
                    path + ([end_stage] if status != Opportunity.Status.OPEN else []),
                    {"moves": moves, "product": product, "rep": rep},
                )
            )
    Opportunity.objects.bulk_create(opps)
    lines, history = [], []
    for opp, (path, extra) in zip(opps, plans, strict=True):
        if extra["product"] is not None:
            lines.append(
                OpportunityLine(
                    tenant=tenant,
                    opportunity=opp,
                    product=extra["product"],
                    category_id=extra["product"].category_id,
                    amount=opp.amount,
                )
            )
        previous = None
        for n, stage in enumerate(path):
            at = dt.datetime.combine(extra["moves"][n], dt.time(10), tzinfo=tz)
            history.append(
                StageChange(
                    tenant=tenant,
                    opportunity=opp,
                    from_stage=previous,
                    to_stage=stage,
                    owner=extra["rep"],
                    by=extra["rep"],
                    at=at,
                    days_in_previous=(extra["moves"][n] - extra["moves"][n - 1]).days if n else None,
                    advanced=previous is not None
                    and (
                        stage.kind == Stage.Kind.WON
                        or (stage.kind == Stage.Kind.OPEN and stage.order > previous.order)
                    ),
                )
            )
            previous = stage
    OpportunityLine.objects.bulk_create(lines)
    StageChange.objects.bulk_create(history)
