"""Demo targets: a seasonal profile, a custom KPI and a year of SMART targets for the demo tenants.

Runs after the sales foundation (`sales.foundation`) and reads its people, teams, categories and history.
The top of each tree goes through the services (target_create / target_decompose, a handful of calls
per tenant, so achievability warnings and the audit trail are real); the bulk of rows (rep × month,
rep × quarter) are bulk_created with values split so that additive children sum exactly to their parent.
Statuses follow the calendar: periods already started are locked, the current one approved, and
demo-rep has a few next-period targets in draft / proposed for demo-manager to approve.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from apps.org.models import Team
from apps.sales.models import ProductCategory
from apps.tenancy.dates import period_floor, period_shift
from apps.tenancy.demo import DemoContext
from apps.tenancy.models import Membership, Role
from apps.tenancy.money import CENT

from ..models import Target
from ..services import custom_metric_save, seasonal_profile_save, target_create, target_decompose

WAN = Decimal("10000")
GROWTH = Decimal("1.12")  # this year's revenue target against the trailing twelve months

# 月度分布: January stocks up before the holiday, February carries the Spring Festival dip, 618 in June,
# a slow summer, Golden Week in October, then Double 11 and the year-end close.
ZH_WEIGHTS = [0.95, 0.6, 1.0, 1.0, 1.0, 1.15, 0.9, 0.85, 1.05, 0.95, 1.2, 1.4]
EN_WEIGHTS = [0.9, 0.85, 1.0, 1.0, 1.0, 1.05, 0.95, 0.95, 1.0, 1.0, 1.1, 1.2]

L = Target.Status.LOCKED
A = Target.Status.APPROVED
P = Target.Status.PROPOSED
D = Target.Status.DRAFT


def split(total: Decimal, weights: list[float], step: Decimal = CENT) -> list[Decimal]:
    """Shares of `total` by weight rounded to `step`; the remainder goes on the largest share so they sum exactly."""
    if sum(weights) <= 0:
        weights = [1.0] * len(weights)
    weight_sum = sum(weights)
    parts = [
        (total * Decimal(w / weight_sum) / step).quantize(Decimal(1), ROUND_HALF_UP) * step for w in weights
    ]
    parts[max(range(len(parts)), key=lambda i: weights[i])] += total - sum(parts, Decimal("0"))
    return parts


def month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def status_for(start: dt.date, grain: str, today: dt.date) -> str:
    """Periods already over are locked; the current and later ones are approved (planned at year start)."""
    return L if period_shift(start, grain, 1) <= today else A


def trailing_by_rep(ctx: DemoContext, sql: str) -> dict[int, Decimal]:
    """One number per rep over the 365 days ending today."""
    with connection.cursor() as cur:
        cur.execute(sql, {"t": ctx.tenant.pk, "lo": ctx.today - dt.timedelta(days=364), "hi": ctx.today})
        return {rep_id: Decimal(value) for rep_id, value in cur.fetchall()}


REVENUE_SQL = """
    SELECT l.rep_id, sum(l.amount) FROM sales_orderline l JOIN sales_order o ON o.id = l.order_id
    WHERE l.tenant_id = %(t)s AND o.status <> 'cancelled' AND l.order_date BETWEEN %(lo)s AND %(hi)s
    GROUP BY l.rep_id"""
COLLECTIONS_SQL = """
    SELECT rep_id, sum(amount) FROM sales_payment
    WHERE tenant_id = %(t)s AND received_on BETWEEN %(lo)s AND %(hi)s AND rep_id IS NOT NULL
    GROUP BY rep_id"""
NEW_CUSTOMERS_SQL = """
    SELECT owner_id, count(*) FROM customers_customer
    WHERE tenant_id = %(t)s AND first_order_date BETWEEN %(lo)s AND %(hi)s GROUP BY owner_id"""


def org(ctx: DemoContext):
    """(admin, [(team, manager, [reps])]), in the foundation's order (managers and reps by employee number)."""
    members = list(Membership.objects.filter(tenant=ctx.tenant).select_related("user", "team"))
    admin = next(m for m in members if m.role == Role.ADMIN)
    managers = sorted((m for m in members if m.role == Role.MANAGER), key=lambda m: m.employee_no)
    teams = {t.pk: t for t in Team.objects.filter(tenant=ctx.tenant)}
    tree = []
    for manager in managers:
        reps = sorted(
            (m for m in members if m.role == Role.REP and m.team_id == manager.team_id),
            key=lambda m: m.employee_no,
        )
        tree.append((teams[manager.team_id], manager, reps))
    return admin, tree


def allocate(total: Decimal, tree, history: dict[int, Decimal], step: Decimal) -> tuple[list, list]:
    """Team values and, per team, rep values: each rep weighs 70 % its trailing share and 30 % an equal
    share (so a rep with a thin year still gets a real target); teams are the sums of their reps."""
    reps = [rep for _team, _m, team_reps in tree for rep in team_reps]
    hist_total = sum((history.get(r.pk, Decimal(0)) for r in reps), Decimal(0)) or Decimal(1)
    weights = [0.7 * float(history.get(r.pk, 0) / hist_total) + 0.3 / len(reps) for r in reps]
    rep_values = iter(split(total, weights, step))
    per_team = [[next(rep_values) for _ in team_reps] for _t, _m, team_reps in tree]
    return [sum(values, Decimal(0)) for values in per_team], per_team


def money_wan(value: Decimal) -> str:
    return f"{(value / WAN).quantize(Decimal('0.1'), ROUND_HALF_UP):,} 万元"


def seed_targets(ctx: DemoContext) -> None:
    if ctx.spec.slug == "demo":
        _seed_demo(ctx)
    else:
        _seed_small(ctx)


def _seed_demo(ctx: DemoContext) -> None:
    tenant, today = ctx.tenant, ctx.today
    year = today.year
    y0 = dt.date(year, 1, 1)
    admin, tree = org(ctx)
    managers = {m.pk: m for _t, m, _r in tree}
    demo_rep = Membership.objects.get(tenant=tenant, user__username="demo-rep")

    profile = seasonal_profile_save(tenant=tenant, by=admin, name="春节淡季·年末冲刺", weights=ZH_WEIGHTS)
    category = ProductCategory.objects.get(tenant=tenant, code="SUP")
    custom_metric_save(
        tenant=tenant,
        by=admin,
        code="consumables_revenue",
        name="打印耗材销售额",
        base="revenue",
        filters={"category_ids": [category.pk]},
        description="打印耗材类产品的确认订单收入，用于考核耗材复购。",
    )

    revenue = trailing_by_rep(ctx, REVENUE_SQL)
    collected = trailing_by_rep(ctx, COLLECTIONS_SQL)
    gained = trailing_by_rep(ctx, NEW_CUSTOMERS_SQL)
    trailing = sum(revenue.values(), Decimal(0))
    company_value = (trailing * GROWTH / (10 * WAN)).quantize(Decimal(1), ROUND_HALF_UP) * 10 * WAN
    team_values, rep_values = allocate(company_value, tree, revenue, WAN)
    justification = "系统于去年年底上线，历年同期数据不完整；目标以最近 12 个月实际销售额为基数。"

    # --- the top of the tree through the services: company → teams → reps (year)
    company = target_create(
        tenant=tenant,
        by=admin,
        metric="revenue",
        owner_kind=Target.OwnerKind.TENANT,
        grain="year",
        period_start=y0,
        value=company_value,
        seasonal_profile=profile,
        justification=justification,
        statement=(
            f"{year} 年公司确认订单销售额达到 {money_wan(company_value)}，较最近 12 个月实际 "
            f"{money_wan(trailing)} 增长 12%；按“春节淡季·年末冲刺”月度分布逐月跟踪，"
            f"由销售总监负责，{year} 年 12 月 31 日前完成。"
        ),
    )
    team_targets = target_decompose(
        parent=company,
        by=admin,
        method="manual",
        values=team_values,
        children=[
            {
                "team": team,
                "seasonal_profile": profile,
                "justification": justification,
                "statement": (
                    f"{team.name} {year} 年确认订单销售额达到 {money_wan(value)}，"
                    f"由{manager.display_name}负责，按月跟踪，{year} 年 12 月 31 日前完成。"
                ),
            }
            for (team, manager, _reps), value in zip(tree, team_values, strict=True)
        ],
    )
    rep_year: list[tuple[Membership, Target]] = []
    for team_target, (team, _manager, reps), values in zip(team_targets, tree, rep_values, strict=True):
        children = target_decompose(
            parent=team_target,
            by=admin,
            method="manual",
            values=values,
            children=[
                {
                    "rep": rep,
                    "seasonal_profile": profile,
                    "justification": justification,
                    "statement": (
                        f"{rep.display_name}（{team.name}）{year} 年个人确认订单销售额达到 "
                        f"{money_wan(value)}，每月按分解目标跟踪，{year} 年 12 月 31 日前完成。"
                    ),
                }
                for rep, value in zip(reps, values, strict=True)
            ],
        )
        rep_year += list(zip(reps, children, strict=True))
    Target.objects.filter(tenant=tenant, pk__in=[company.pk] + [t.pk for t in team_targets]).update(
        status=status_for(y0, "year", today), approved_by=admin
    )
    for manager in managers.values():
        Target.objects.filter(
            tenant=tenant, pk__in=[t.pk for rep, t in rep_year if rep.reports_to_id == manager.pk]
        ).update(status=status_for(y0, "year", today), approved_by=manager)

    # --- the bulk: rep × month revenue (seasonal split of the rep's year), rep × quarter collections and
    # new customers
    rows: list[Target] = []
    next_month = period_shift(period_floor(today, "month"), "month", 1)
    next_quarter = period_shift(period_floor(today, "quarter"), "quarter", 1)
    for rep, year_target in rep_year:
        manager = managers[rep.reports_to_id]
        months = split(year_target.value, ZH_WEIGHTS)
        for m, value in enumerate(months, start=1):
            start = month_start(year, m)
            status = status_for(start, "month", today)
            if rep.pk == demo_rep.pk and start == next_month:
                status = P  # demo-rep re-submitted next month with a dealer's stocking plan
            rows.append(
                Target(
                    tenant=tenant,
                    metric="revenue",
                    owner_kind=Target.OwnerKind.REP,
                    rep=rep,
                    grain="month",
                    period_start=start,
                    value=value,
                    parent=year_target,
                    seasonal_profile=profile,
                    status=status,
                    created_by=demo_rep if status == P else admin,
                    approved_by=None if status == P else manager,
                    statement=f"{rep.display_name} {year} 年 {m} 月确认订单销售额达到 {money_wan(value)}。",
                )
            )
        rep_collections = max(Decimal(40000), collected.get(rep.pk, Decimal(0)) * GROWTH)
        quarter_weights = [sum(ZH_WEIGHTS[3 * q : 3 * q + 3]) for q in range(4)]
        quarters = split((rep_collections / 1000).quantize(Decimal(1)) * 1000, quarter_weights, Decimal(1000))
        new_per_year = max(4, int(float(gained.get(rep.pk, 0)) * 1.1 + 0.5))
        new_quarters = split(Decimal(new_per_year), [1.0, 1.0, 1.0, 1.0], Decimal(1))
        for q in range(1, 5):
            start = quarter_start(year, q)
            status = status_for(start, "quarter", today)
            for metric, value, text in (
                ("collections", quarters[q - 1], f"回款达到 {money_wan(quarters[q - 1])}"),
                ("new_customers", new_quarters[q - 1], f"新开发首单客户 {new_quarters[q - 1]} 家"),
            ):
                by_rep = rep.pk == demo_rep.pk and start == next_quarter
                if by_rep:  # demo-rep re-plans next quarter: collections proposed, new customers a draft
                    status = P if metric == "collections" else D
                rows.append(
                    Target(
                        tenant=tenant,
                        metric=metric,
                        owner_kind=Target.OwnerKind.REP,
                        rep=rep,
                        grain="quarter",
                        period_start=start,
                        value=value,
                        seasonal_profile=profile if metric == "collections" else None,
                        status=status,
                        created_by=demo_rep if by_rep else admin,
                        approved_by=None if by_rep else manager,
                        statement=f"{rep.display_name} {year} 年第 {q} 季度{text}，季末最后一天前完成。",
                    )
                )
    # Next quarter falls in next year: demo-rep's own proposals for it, waiting for demo-manager.
    next_q = next_quarter
    q1 = next(
        r.value
        for r in rows
        if r.rep_id == demo_rep.pk and r.metric == "collections" and r.period_start == y0
    )
    q1_next = (q1 * Decimal("1.1") / 1000).quantize(Decimal(1), ROUND_HALF_UP) * 1000
    rows += (
        []
        if next_q.year == year
        else [
            Target(
                tenant=tenant,
                metric="collections",
                owner_kind=Target.OwnerKind.REP,
                rep=demo_rep,
                grain="quarter",
                period_start=next_q,
                value=q1_next,
                status=P,
                created_by=demo_rep,
                seasonal_profile=profile,
                statement=f"{demo_rep.display_name} {year + 1} 年第 1 季度回款达到 {money_wan(q1_next)}（同比增长 10%），"
                f"春节前完成主要经销商对账，3 月 31 日前完成。",
            ),
            Target(
                tenant=tenant,
                metric="new_customers",
                owner_kind=Target.OwnerKind.REP,
                rep=demo_rep,
                grain="quarter",
                period_start=next_q,
                value=Decimal(3),
                status=D,
                created_by=demo_rep,
                statement=f"{demo_rep.display_name} {year + 1} 年第 1 季度新开发首单客户 3 家，重点拓展华东区工业客户。",
            ),
        ]
    )
    Target.objects.bulk_create(rows)

    # --- the custom KPI: a company year target for consumables (打印耗材) revenue
    with connection.cursor() as cur:
        cur.execute(
            """SELECT coalesce(sum(l.amount), 0) FROM sales_orderline l
               JOIN sales_product p ON p.id = l.product_id JOIN sales_order o ON o.id = l.order_id
               WHERE l.tenant_id = %s AND p.category_id = %s AND o.status <> 'cancelled'
                 AND l.order_date BETWEEN %s AND %s""",
            [tenant.pk, category.pk, today - dt.timedelta(days=364), today],
        )
        consumables = Decimal(cur.fetchone()[0])
    consumables_value = max(WAN, (consumables * Decimal("1.2") / WAN).quantize(Decimal(1)) * WAN)
    consumables_target = target_create(
        tenant=tenant,
        by=admin,
        metric="consumables_revenue",
        owner_kind=Target.OwnerKind.TENANT,
        grain="year",
        period_start=y0,
        value=consumables_value,
        seasonal_profile=profile,
        justification=justification,
        statement=(
            f"{year} 年打印耗材销售额达到 {money_wan(consumables_value)}，较最近 12 个月增长 20%，"
            f"通过存量客户耗材复购实现，{year} 年 12 月 31 日前完成。"
        ),
    )
    Target.objects.filter(pk=consumables_target.pk).update(
        status=status_for(y0, "year", today), approved_by=admin
    )


def _seed_small(ctx: DemoContext) -> None:
    """The rival tenant: a flatter profile, a company year target to its three teams, reps by quarter."""
    tenant, today = ctx.tenant, ctx.today
    year = today.year
    y0 = dt.date(year, 1, 1)
    admin, tree = org(ctx)
    profile = seasonal_profile_save(tenant=tenant, by=admin, name="Standard year", weights=EN_WEIGHTS)
    revenue = trailing_by_rep(ctx, REVENUE_SQL)
    trailing = sum(revenue.values(), Decimal(0))
    company_value = (trailing * Decimal("1.08") / WAN).quantize(Decimal(1), ROUND_HALF_UP) * WAN
    team_values, rep_values = allocate(company_value, tree, revenue, Decimal(1000))
    justification = "History before last November is not in the system; based on the trailing 12 months."
    company = target_create(
        tenant=tenant,
        by=admin,
        metric="revenue",
        owner_kind=Target.OwnerKind.TENANT,
        grain="year",
        period_start=y0,
        value=company_value,
        seasonal_profile=profile,
        justification=justification,
        statement=f"Book {company_value:,.0f} of confirmed revenue in {year}, 8% above the trailing 12 months.",
    )
    teams = target_decompose(
        parent=company,
        by=admin,
        method="manual",
        values=team_values,
        children=[
            {
                "team": team,
                "justification": justification,
                "statement": f"{team.name}: {value:,.0f} in {year}.",
            }
            for (team, _m, _r), value in zip(tree, team_values, strict=True)
        ],
    )
    Target.objects.filter(tenant=tenant, pk__in=[company.pk] + [t.pk for t in teams]).update(
        status=status_for(y0, "year", today), approved_by=admin
    )
    rows = []
    quarter_weights = [sum(EN_WEIGHTS[3 * q : 3 * q + 3]) for q in range(4)]
    for team_target, (_team, manager, reps), values in zip(teams, tree, rep_values, strict=True):
        for rep, rep_value in zip(reps, values, strict=True):
            for q, value in enumerate(split(rep_value, quarter_weights), start=1):
                start = quarter_start(year, q)
                rows.append(
                    Target(
                        tenant=tenant,
                        metric="revenue",
                        owner_kind=Target.OwnerKind.REP,
                        rep=rep,
                        grain="quarter",
                        period_start=start,
                        value=value,
                        parent=team_target,
                        status=status_for(start, "quarter", today),
                        created_by=admin,
                        approved_by=manager,
                        statement=f"{rep.display_name}: {value:,.2f} of confirmed revenue in Q{q} {year}.",
                    )
                )
    Target.objects.bulk_create(rows)
