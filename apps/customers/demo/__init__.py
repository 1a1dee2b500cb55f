"""Demo tasks (任务): every follow-up day of the seeded interactions becomes its task, and each rep
gets a handful of tasks by hand around the demo's today (some overdue, some done this week), so the
homes, "My tasks" and the manager's overdue card show something. Called by the foundation seeder
(apps.sales.demo.seed_foundation) once the interactions exist; deterministic, set-based."""

from __future__ import annotations

import datetime as dt

from apps.tenancy.demo import DemoContext
from apps.tenancy.models import Membership, Role

from ..models import Customer, Task
from ..services import follow_up_tasks_backfill

TITLES = {
    "zh": (
        "寄送新品报价单",
        "确认下月订货计划",
        "回访上周投诉处理结果",
        "准备季度业务回顾材料",
        "催收逾期货款",
        "安排新品试用",
        "更新客户联系人信息",
        "跟进陈列协议签署",
    ),
    "en": (
        "Send the new price list",
        "Confirm next month's order plan",
        "Call back about last week's complaint",
        "Prepare the quarterly business review",
        "Chase the overdue payment",
        "Arrange a product trial",
        "Update the customer's contacts",
        "Follow up the display agreement",
    ),
}
PER_REP = 5
DONE_NOTES = {"zh": ("已完成，客户满意", "已电话确认"), "en": ("Done, customer happy", "Confirmed by phone")}


def seed_tasks(ctx: DemoContext) -> None:
    follow_up_tasks_backfill(tenant=ctx.tenant)
    rng = ctx.rng("tasks")
    locale = "zh" if ctx.spec.locale == "zh" else "en"
    reps = list(Membership.objects.filter(tenant=ctx.tenant, role=Role.REP, is_active=True).order_by("pk"))
    customers: dict[int, list[int]] = {}
    for pk, owner_id in (
        Customer.objects.filter(tenant=ctx.tenant).order_by("code").values_list("pk", "owner_id")
    ):
        customers.setdefault(owner_id, []).append(pk)
    rows = []
    for rep in reps:
        for n in range(PER_REP):
            due = ctx.today + dt.timedelta(days=rng.randrange(-6, 8)) if n < PER_REP - 1 else None
            own = customers.get(rep.pk, [])
            task = Task(
                tenant=ctx.tenant,
                title=rng.choice(TITLES[locale]),
                owner=rep,
                created_by_id=rep.reports_to_id if n == 0 and rep.reports_to_id else rep.pk,
                due_on=due,
                priority=rng.choice(("normal", "normal", "high", "low")),
                customer_id=rng.choice(own) if own and rng.random() < 0.8 else None,
            )
            if due is not None and due < ctx.today and rng.random() < 0.4:
                task.status = Task.Status.DONE
                task.done_by = rep
                task.done_note = rng.choice(DONE_NOTES[locale])
                done = dt.datetime.combine(due, dt.time(rng.randrange(9, 18)), tzinfo=ctx.tenant.tzinfo)
                task.done_at = ctx.before_today(done, after=done - dt.timedelta(hours=1))
            rows.append(task)
    Task.objects.bulk_create(rows, batch_size=2000)
