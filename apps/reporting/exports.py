"""The weekly sales management report (周销售管理报告) as an Excel workbook: what the PDF holds, on
named sheets in the reader's language — the figures (Summary), the account managers' table, the
competitor moves, the abnormal customers and next week's goals — each under the report's heading
(title; organisation, team and period). Built from the report the page reads: no query of its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.tenancy.exports import PERCENT_FORMAT, Sheet, Table
from apps.tenancy.models import Tenant
from apps.visits.models import MarketReport

from .models import WeeklyProgress, WeeklyReportNote

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
COUNT_FORMAT = "0"
MONEY_FORMAT = "#,##0.00"
# A change of overdue receivables: ▲ more (bad), ▼ less (good).
CHANGE_FORMAT = '"▲ "#,##0.00;"▼ "#,##0.00;0.00'


def report_heading(context: dict, tenant: Tenant) -> list[str]:
    """The report's title, then the organisation, team and period, as the PDF's heading writes them."""
    if context["view"] == "month":
        period = _("Month %(month)s") % {"month": context["label"]}
    else:
        period = context["week"]
    first, last = context["first_week"], context["last_day"]
    return [
        _("Weekly sales management report"),
        f"{tenant.name} · {context['team'].name} · {period} ({first:%Y-%m-%d} – {last:%Y-%m-%d})",
    ]


def report_sheets(context: dict, tenant: Tenant) -> list[Sheet]:
    """The workbook's sheets for the report in `context` (the page's, see views._report_context)."""
    report, heading = context["report"], report_heading(context, tenant)
    return [
        Sheet(pgettext("workbook sheet", "Summary"), [summary_table(report["summary"])], heading),
        Sheet(
            _("By account manager"), [Table(report_frame(report), number_formats=_rate_formats())], heading
        ),
        Sheet(_("Competitor moves"), [competitor_table(report, tenant)], heading),
        Sheet(_("Abnormal customers"), abnormal_tables(report), heading),
        Sheet(_("Next week's goals"), [goals_table(report["note"])], heading),
    ]


def summary_table(summary: dict) -> Table:
    """The figures at the top of the report, one per line (money, counts and rates, each formatted)."""
    rows: list[tuple[str, Any, str]] = [
        (_("Revenue target"), _float(summary.get("target_revenue")), MONEY_FORMAT),
        (_("Revenue"), _float(summary["revenue"]), MONEY_FORMAT),
        (_("Target attainment"), _float(summary.get("attainment")), PERCENT_FORMAT),
        (_("New customers"), int(summary["new_customers"] or 0), COUNT_FORMAT),
        (_("Orders"), int(summary["orders"] or 0), COUNT_FORMAT),
        (_("Collections"), _float(summary["collections"]), MONEY_FORMAT),
        (_("Overdue receivables"), _float(summary.get("overdue_receivables")), MONEY_FORMAT),
        (_("Change in overdue receivables"), _float(summary.get("overdue_change")), CHANGE_FORMAT),
        (_("Gross margin"), _float(summary["gross_margin"]), MONEY_FORMAT),
        (
            _("Average sales per account manager per week"),
            _float(summary.get("sales_per_rep_week")),
            MONEY_FORMAT,
        ),
        (str(capfirst(WeeklyProgress._meta.get_field("reps").verbose_name)), _float(summary["reps"]), "0.0"),
        (_("Visits made"), int(summary["visits_done"] or 0), COUNT_FORMAT),
        (_("Effective visits"), int(summary["visits_effective"] or 0), COUNT_FORMAT),
        (_("Effective-visit rate"), _float(summary.get("effective_visit_rate")), PERCENT_FORMAT),
        (_("Visits with a deal"), int(summary["visits_with_deal"] or 0), COUNT_FORMAT),
        (_("Deal rate"), _float(summary.get("deal_rate")), PERCENT_FORMAT),
        (_("Reports submitted"), int(summary["reports_submitted"] or 0), COUNT_FORMAT),
        (_("Reports on time"), int(summary["reports_on_time"] or 0), COUNT_FORMAT),
        (_("Share of reports on time"), _float(summary.get("punctuality")), PERCENT_FORMAT),
    ]
    value = _("Value")
    frame = pd.DataFrame.from_records(
        [(label, figure) for label, figure, _format in rows], columns=[_("Figure"), value]
    ).astype({value: object})
    return Table(frame, number_formats={value: [fmt for *_figure, fmt in rows]})


def _rate_formats() -> dict:
    return {
        _("Change in overdue receivables"): CHANGE_FORMAT,
        _("Attainment"): PERCENT_FORMAT,
        _("Effective-visit rate"): PERCENT_FORMAT,
        _("Deal rate"): PERCENT_FORMAT,
    }


def report_frame(report: dict) -> pd.DataFrame:
    """The report's figures as a table: one line per account manager, then the team's total."""
    lines = [*report["reps"], {**report["summary"], "name": _("Team total")}]
    return pd.DataFrame.from_records(
        [
            {
                _("Account manager"): line["name"],
                _("Revenue target"): _float(line.get("target_revenue")),
                _("Revenue"): _float(line["revenue"]),
                _("Attainment"): _float(line.get("attainment")),
                _("Gross margin"): _float(line["gross_margin"]),
                _("Collections"): _float(line["collections"]),
                _("Overdue receivables"): _float(line.get("overdue_receivables")),
                _("Change in overdue receivables"): _float(line.get("overdue_change")),
                _("Orders"): int(line["orders"] or 0),
                _("New customers"): int(line["new_customers"] or 0),
                _("Visits made"): int(line["visits_done"] or 0),
                _("Effective-visit rate"): _float(line.get("effective_visit_rate")),
                _("Deal rate"): _float(line.get("deal_rate")),
                _("Reports submitted"): int(line["reports_submitted"] or 0),
                _("Reports on time"): int(line["reports_on_time"] or 0),
            }
            for line in lines
        ]
    )


def competitor_table(report: dict, tenant: Tenant) -> Table:
    """Market situation reports, then what the daily reports said of competitors, as the PDF lists
    them (each source oldest first)."""
    market_source = str(capfirst(MarketReport._meta.verbose_name))
    rows = [
        (
            _local(m["raised_at"], tenant),
            _rep_name(m),
            market_source,
            str(MarketReport.Category(m["category"]).label),
            str(MarketReport.Urgency(m["urgency"]).label),
            m["title"],
            m["body"],
        )
        for m in report["market"]
    ]
    rows += [
        (_midnight(c["day"]), _rep_name(c), _("Daily report"), "", "", "", c["competitor_info"])
        for c in report["competitor"]
    ]
    date = _("Date")
    columns = [
        date,
        _("Account manager"),
        _("Source"),
        _("Category"),
        _("Urgency"),
        str(capfirst(pgettext("heading", "title"))),
        _("Details"),
    ]
    return Table(
        pd.DataFrame.from_records(rows, columns=columns),
        number_formats={
            date: [DATETIME_FORMAT] * len(report["market"]) + [DATE_FORMAT] * len(report["competitor"])
        },
        empty=_("Nothing reported."),
    )


def abnormal_tables(report: dict) -> list[Table]:
    """Customers gone quiet (ordered in the 8 weeks before the period, not in it), then the
    complaints handled in the daily reports."""
    revenue = _("Revenue in the previous 8 weeks")
    lost = pd.DataFrame.from_records(
        [(c["name"], float(c["previous"])) for c in report["lost_customers"]],
        columns=[_("Customer"), revenue],
    ).astype({revenue: float})
    date = _("Date")
    complaints = pd.DataFrame.from_records(
        [(_midnight(c["day"]), _rep_name(c), c["complaints_handled"]) for c in report["complaints"]],
        columns=[date, _("Account manager"), _("Details")],
    )
    return [
        Table(
            lost,
            caption=_("Lost activity: ordered in the previous 8 weeks, not in this period"),
            empty=_("None."),
        ),
        Table(
            complaints,
            caption=_("Complaints handled"),
            number_formats={date: DATE_FORMAT},
            empty=_("None."),
        ),
    ]


def goals_table(note: WeeklyReportNote | None) -> Table:
    goals = note.next_week_goals if note is not None else ""
    author = note.author.name if note is not None and note.author is not None else ""
    rows = [(goals, author)] if goals else []
    frame = pd.DataFrame.from_records(
        rows,
        columns=[
            _("Next week's goals"),
            str(capfirst(WeeklyReportNote._meta.get_field("author").verbose_name)),
        ],
    )
    return Table(frame, empty=_("No goals written yet."))


def _rep_name(row: dict) -> str:
    return row.get("rep__display_name") or row.get("rep__user__username") or ""


def _local(moment: dt.datetime, tenant: Tenant) -> dt.datetime:
    """A moment as the tenant's wall clock reads it (Excel has no time zones)."""
    return timezone.localtime(moment, tenant.tzinfo).replace(tzinfo=None)


def _midnight(day: dt.date) -> dt.datetime:
    # One column holds the market reports' moments and the daily reports' days: all datetimes.
    return dt.datetime.combine(day, dt.time())


def _float(value) -> float | None:
    return None if value is None else float(value)
