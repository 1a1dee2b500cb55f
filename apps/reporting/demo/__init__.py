"""Demo data: the weekly progress of the demo quarter, so the weekly report has figures on first run.

The rollup (`reporting.weekly_progress`) runs after the targets and the field work: it reads
whatever sales, targets, visits and reports the other seeders wrote, the same way the Monday job
does. The notes (`reporting.weekly_notes`) only need the foundation's teams."""

import datetime as dt

from apps.org.models import Team
from apps.tenancy.dates import last_full_week
from apps.tenancy.demo import DemoContext

from ..models import WeeklyReportNote
from ..services import rollup_weeks

DEMO_WEEKS = 13


def seed_weekly_progress(ctx: DemoContext) -> None:
    last = last_full_week(ctx.today)
    rollup_weeks(tenant=ctx.tenant, first=last - dt.timedelta(weeks=DEMO_WEEKS - 1), last=last)


NOTE_WEEKS = 4
GOALS = {
    "zh": (
        "1. 完成逾期 30 天以上应收账款的对账和催收；2. 每人至少拜访 2 家潜在客户；3. 有效拜访率提升到 70% 以上。",
        "1. 重点客户季度回访全部完成；2. 跟进竞品降价，稳住主要经销商；3. 日报按时提交率 95% 以上。",
        "1. 新品推广：每人向 5 家老客户介绍新品并送样；2. 回款完成月度目标的 40%；3. 周五前提交下周拜访计划。",
        "1. 月底冲刺：落实 3 张大单的交货时间；2. 处理完本周所有客户投诉；3. 交易率提升到 18%。",
    ),
    "en": (
        "Collect every invoice over 30 days; two prospect calls each; effective-visit rate above 70%.",
        "Finish the key-account reviews; hold the dealers against the competitor's price cut.",
        "Samples of the new range to five existing customers each; 40% of the month's collections.",
        "Month-end push: delivery dates for the three large orders; close every open complaint.",
    ),
}


def seed_weekly_notes(ctx: DemoContext) -> None:
    """Next week's goals on the weekly report of each team led by a manager, for the last weeks."""
    last = last_full_week(ctx.today)
    teams = Team.objects.filter(tenant=ctx.tenant, parent__isnull=False, lead__isnull=False).order_by("name")
    goals = GOALS["zh" if ctx.spec.locale == "zh" else "en"]
    WeeklyReportNote.objects.bulk_create(
        WeeklyReportNote(
            tenant=ctx.tenant,
            team=team,
            week_start=last - dt.timedelta(weeks=k),
            next_week_goals=goals[(k + i) % len(goals)],
            author_id=team.lead_id,
        )
        for i, team in enumerate(teams)
        for k in range(NOTE_WEEKS)
    )
