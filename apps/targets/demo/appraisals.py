"""Demo data for appraisals (考核): last month's cycle for demo-manager's reps, one appraisal in each
state of the workflow, KPI lines scored by the appraisal service from the reps' targets, and the
improvement actions agreed in them.

Runs after the targets (`targets.targets`). Only the Chinese demo tenant has appraisals. The
drafts and their lines come from `appraisal_create_for_cycle` (set-based: one insert each for
appraisals and lines); the later states are written in one bulk update with timestamps taken from
`ctx.today`, so the data is the same on every run.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from apps.tenancy.dates import period_floor
from apps.tenancy.demo import DemoContext
from apps.tenancy.models import Membership, Notification, Role

from ..models import Appraisal, AppraisalCycle, AppraisalLine, ImprovementAction
from ..services import (
    appraisal_create_for_cycle,
    appraisal_cycle_save,
    appraisal_set_lines,
    notification_title,
)

S = Appraisal.Status
# demo-manager's reps by employee number: demo-rep has one to read and sign; the others show the
# rest of the workflow.
STATES = (S.SUBMITTED, S.CLOSED, S.ACKNOWLEDGED, S.ACKNOWLEDGED, S.SUBMITTED, S.DRAFT, S.DRAFT)
FEEDBACK = {
    5: "本月各项指标全面超额完成，重点客户维护到位，继续保持，下月带一带新同事。",
    4: "销售额完成较好，回款节奏稳定；新客户开发还可以更主动一些。",
    3: "基本完成目标，但有效拜访偏少，拜访前要明确目的、约到决策人。",
    2: "销售额和回款都未达标，要分析原因，下月重点跟进逾期客户。",
    1: "多项指标差距较大，需要和主管一起制定改进计划，每周复盘。",
}
REP_COMMENTS = ("认可本次考核结果，下月重点提升新客户开发。", "同意，会按改进计划执行，每周向主管汇报进展。")
ACTIONS = (
    "每周至少拜访 2 家潜在客户，并在日报中记录需求",
    "逾期 30 天以上的应收账款，月中前逐一电话确认付款计划",
    "参加公司组织的新品培训，考核通过",
    "重点客户每月至少面谈一次决策人",
)


# The manager's weighting for a monthly appraisal: the month's revenue first, the quarter's
# collections and new customers by their progress at the month's end.
WEIGHTS = {"revenue": (Decimal(50), ""), "collections": (Decimal(30), "季度目标，按月末进度计分"),
           "new_customers": (Decimal(20), "季度目标，按月末进度计分")}  # fmt: skip


def rating_for(attainment: Decimal | None) -> int:
    """The manager's rating follows the month's revenue attainment."""
    a = float(attainment or 0)
    return 5 if a >= 1.1 else 4 if a >= 0.95 else 3 if a >= 0.75 else 2 if a >= 0.5 else 1


def seed_appraisals(ctx: DemoContext) -> None:
    if ctx.spec.slug != "demo":
        return
    tenant, today = ctx.tenant, ctx.today
    rng = ctx.rng("appraisals")
    end = period_floor(today, "month") - dt.timedelta(days=1)  # last month's last day
    start = end.replace(day=1)
    members = Membership.objects.filter(tenant=tenant).select_related("user")
    admin = members.get(role=Role.ADMIN)
    manager = members.get(user__username="demo-manager")
    cycle = appraisal_cycle_save(
        tenant=tenant,
        by=admin,
        name=f"{start.year} 年 {start.month} 月月度考核",
        cadence=AppraisalCycle.Cadence.MONTHLY,
        period_start=start,
        period_end=end,
    )
    appraisal_create_for_cycle(cycle=cycle, by=manager)
    appraisals = list(
        Appraisal.objects.filter(tenant=tenant, cycle=cycle, rep__reports_to=manager)
        .select_related("rep")
        .order_by("rep__employee_no")
    )
    lines: dict[int, list[AppraisalLine]] = {}
    for line in AppraisalLine.objects.filter(tenant=tenant, appraisal__in=appraisals).select_related(
        "target"
    ):
        lines.setdefault(line.appraisal_id, []).append(line)
    revenue = {}
    for appraisal in appraisals:  # seven reps: the service per appraisal, as the manager would
        own = lines.get(appraisal.pk, [])
        if {line.metric for line in own} == set(WEIGHTS):
            appraisal_set_lines(
                appraisal=appraisal,
                by=manager,
                lines=[
                    {
                        "metric": line.metric,
                        "target": line.target,
                        "weight": WEIGHTS[line.metric][0],
                        "note": WEIGHTS[line.metric][1],
                    }  # fmt: skip
                    for line in own
                ],
            )
        revenue[appraisal.pk] = next((line.attainment for line in own if line.metric == "revenue"), None)
    # Signed from the first of this month on; loaded in the month's first days, when that lies ahead,
    # in the appraised month's last days, so that every sign-off, acknowledgement and notification
    # read (at most 3 days 11 hours after `signed`) has happened before today began.
    signed = min(
        dt.datetime.combine(today.replace(day=1), dt.time(10, 0), tzinfo=tenant.tzinfo),
        ctx.day_start - dt.timedelta(days=4),
    )
    actions = []
    for i, (appraisal, status) in enumerate(zip(appraisals, STATES * 2, strict=False)):
        appraisal.status = status
        if status == S.DRAFT:
            continue
        appraisal.rating = rating_for(revenue.get(appraisal.pk))
        appraisal.feedback = FEEDBACK[appraisal.rating]
        appraisal.submitted_at = signed + dt.timedelta(days=i % 3, hours=i)
        if status in (S.ACKNOWLEDGED, S.CLOSED):
            appraisal.acknowledged_at = appraisal.submitted_at + dt.timedelta(days=1, hours=2)
            appraisal.rep_comment = REP_COMMENTS[i % len(REP_COMMENTS)]
        for k, text in enumerate(rng.sample(ACTIONS, k=2 if appraisal.rating <= 3 else 1)):
            actions.append(
                ImprovementAction(
                    tenant=tenant,
                    appraisal=appraisal,
                    description=text,
                    owner=appraisal.rep if k == 0 else manager,
                    due_date=end + dt.timedelta(days=30 + 15 * k),
                    done=status == S.CLOSED,
                )
            )
    Appraisal.objects.bulk_update(
        appraisals, ["status", "rating", "feedback", "submitted_at", "acknowledged_at", "rep_comment"]
    )
    ImprovementAction.objects.bulk_create(actions)
    _notifications(ctx, cycle, appraisals, manager)


def _notifications(ctx: DemoContext, cycle: AppraisalCycle, appraisals: list[Appraisal], manager) -> None:
    """What the workflow told people (as appraisals.appraisal_submit and _acknowledge do, without the
    mails, with their titles): the rep that the appraisal is ready, the manager that the rep signed.
    Read once acted on."""
    tenant = ctx.tenant
    rows = []
    with translation.override(ctx.spec.language):
        for a in appraisals:
            url = reverse("appraisals:detail", kwargs={"tenant_slug": tenant.slug, "appraisal_id": a.pk})
            if a.status == S.DRAFT:
                continue
            rows.append(
                Notification(
                    tenant=tenant,
                    recipient=a.rep,
                    kind="appraisal_submitted",
                    title=notification_title("appraisal_submitted", cycle=cycle.name, rep=a.rep.name),
                    url=url,
                    dedupe_key=f"appraisal_submitted:{a.pk}",
                    read_at=a.acknowledged_at,
                )
            )
            if a.acknowledged_at is not None:
                rows.append(
                    Notification(
                        tenant=tenant,
                        recipient=manager,
                        kind="appraisal_acknowledged",
                        title=notification_title("appraisal_acknowledged", cycle=cycle.name, rep=a.rep.name),
                        body=a.rep_comment,
                        url=url,
                        dedupe_key=f"appraisal_acknowledged:{a.pk}",
                        read_at=a.acknowledged_at + dt.timedelta(hours=3) if a.status == S.CLOSED else None,
                    )
                )
    Notification.objects.bulk_create(rows)
