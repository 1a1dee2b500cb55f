"""Demo data of the key-account plans (大客户计划): for demo-rep's largest key account, a plan over
three quarters with its needs analysis, a stage per quarter with its goals and tasks (one done last
quarter, two open now for the account manager), and a review a month ago
that moved the current stage's revenue goal; the next review is due, so it waits on the homes.

Runs after the sales foundation (it reads the customers and their orders). Rows by bulk_create,
dates from `ctx.today`: the same data on every run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from apps.customers.models import Customer, Task
from apps.sales.models import OrderLine
from apps.tenancy.dates import period_end, period_floor, period_shift
from apps.tenancy.demo import DemoContext
from apps.tenancy.models import Membership

from ..models import KeyAccountPlan, PlanReview, PlanStage, StageTask

TEXTS: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "%(name)s 年度大客户计划",
        "needs": "客户门店扩张，需要稳定供货和按月结算；对新品上市支持和促销物料有明确需求。",
        "decision_makers": "采购总监（决策）、门店运营经理（影响）、财务主管（付款审批）。",
        "our_position": "我方约占其同类采购的四成，价格和服务有优势，但新品铺货速度落后于竞争对手。",
        "competitors": "两家区域经销商，以账期和返点争取份额。",
        "stages": ("上季度：巩固供货", "本季度：扩大品类", "下季度：深化合作"),
        "goals": ("完成年度框架协议续签", "新品进入全部门店，安排一次决策人拜访", "签订独家供货协议"),
        "tasks": ("续签年度框架协议", "新品进店陈列检查", "拜访采购总监，介绍新品方案"),
        "note": "上季度销售额达标，满意度良好；新品铺货偏慢，本季度销售目标上调并增加门店拜访。",
    },
    "en": {
        "title": "%(name)s key-account plan",
        "needs": "The customer is opening stores and needs steady supply and monthly invoicing; "
        "they want launch support and promotion material for new products.",
        "decision_makers": "Head of purchasing (decides), store operations manager (influences), "
        "finance lead (approves payment).",
        "our_position": "About 40% of their purchases in our categories; strong on price and service, "
        "slower than competitors to list new products.",
        "competitors": "Two regional dealers competing on payment terms and rebates.",
        "stages": ("Last quarter: secure supply", "This quarter: widen the range", "Next quarter: deepen"),
        "goals": (
            "Renew the framework agreement",
            "New range listed in every store; one visit to the decision makers",
            "Sign an exclusive supply agreement",
        ),
        "tasks": (
            "Renew the framework agreement",
            "Check the new range on the shelves",
            "Visit the head of purchasing with the new range",
        ),
        "note": "Last quarter's sales reached the goal and satisfaction is good; the new range lists "
        "slowly, so this quarter's revenue goal goes up and store visits increase.",
    },
}


def seed_plans(ctx: DemoContext) -> None:
    tenant, today = ctx.tenant, ctx.today
    texts = TEXTS["zh" if ctx.spec.locale == "zh" else "en"]
    rep = Membership.objects.filter(tenant=tenant, user__username=f"{ctx.spec.slug}-rep").first()
    keys = Customer.objects.filter(tenant=tenant, is_key_account=True)
    owned = keys.filter(owner=rep) if rep is not None else keys
    customer = (owned if owned.exists() else keys).order_by("code").first()
    if customer is None:
        return
    quarter = period_floor(today, "quarter")
    starts = [period_shift(quarter, "quarter", n) for n in (-1, 0, 1)]
    # a year's run rate of the customer's sales, a quarter's worth as the goal of each stage
    year = OrderLine.objects.filter(
        tenant=tenant, customer=customer, order_date__gte=today - dt.timedelta(days=365), order_date__lt=today
    ).aggregate(total=Sum("amount"))["total"] or Decimal(40000)
    quarter_goal = (year / 4).quantize(Decimal("1000"))
    plan = KeyAccountPlan.objects.create(
        tenant=tenant,
        customer=customer,
        owner=customer.owner,
        title=texts["title"] % {"name": customer.name},
        starts_on=starts[0],
        ends_on=period_end(starts[2], "quarter"),
        status=KeyAccountPlan.Status.ACTIVE,
        needs=texts["needs"],
        decision_makers=texts["decision_makers"],
        our_position=texts["our_position"],
        competitors=texts["competitors"],
        review_interval_days=30,
        next_review_on=today - dt.timedelta(days=2),
    )
    goals = [quarter_goal, quarter_goal * Decimal("1.1"), quarter_goal * Decimal("1.2")]
    stages = PlanStage.objects.bulk_create(
        PlanStage(
            tenant=tenant,
            plan=plan,
            position=n + 1,
            name=texts["stages"][n],
            starts_on=start,
            ends_on=period_end(start, "quarter"),
            revenue_goal=goals[n].quantize(Decimal("1")),
            satisfaction_goal=Decimal("4.0") if n < 2 else Decimal("4.5"),
            satisfaction_actual=Decimal("4.2") if n == 0 else None,
            goals=texts["goals"][n],
        )
        for n, start in enumerate(starts)
    )
    reviewed_on = today - dt.timedelta(days=32)
    before = (goals[1] / Decimal("1.1")).quantize(Decimal("1"))
    PlanReview.objects.create(
        tenant=tenant,
        plan=plan,
        reviewer=customer.owner.reports_to or customer.owner,
        reviewed_on=reviewed_on,
        note=texts["note"],
        stage=stages[0],
        satisfaction_actual=Decimal("4.2"),
        adjustments=[
            {
                "stage": stages[1].pk,
                "stage_name": stages[1].name,
                "field": "revenue_goal",
                "before": str(before),
                "after": str(stages[1].revenue_goal),
            }
        ],
        next_review_on=today - dt.timedelta(days=2),
    )
    owner = customer.owner
    done_at = ctx.before_today(
        ctx.day_start - dt.timedelta(days=40), after=ctx.day_start - dt.timedelta(days=60)
    )
    plan_tasks = [
        (stages[0], texts["tasks"][0], starts[1] - dt.timedelta(days=20), Task.Status.DONE),
        (stages[1], texts["tasks"][1], today + dt.timedelta(days=3), Task.Status.OPEN),
        (stages[1], texts["tasks"][2], today + dt.timedelta(days=9), Task.Status.OPEN),
    ]
    tasks = Task.objects.bulk_create(
        Task(
            tenant=tenant,
            title=title,
            owner=owner,
            due_on=due_on,
            customer=customer,
            source="keyaccounts.plan",
            created_by=owner,
            status=state,
            done_at=done_at if state == Task.Status.DONE else None,
            done_by=owner if state == Task.Status.DONE else None,
        )
        for _stage, title, due_on, state in plan_tasks
    )
    StageTask.objects.bulk_create(
        StageTask(tenant=tenant, stage=stage, task=task)
        for (stage, *_rest), task in zip(plan_tasks, tasks, strict=True)
    )
