"""Reads of the visits app, always by tenant and restricted to the viewer; one module per sub-area:

- plans: visit plans, visits and their photos, carry-over candidates, the customers a plan may name;
- reports: daily and market reports, the manager's review queue, and what the report forms offer;
- suggestions: tomorrow's plan, suggested (the next working day, the suggestions a viewer may see).

Callers outside the package import from here (`from apps.visits import selectors`), which re-exports
what they use; the sub-modules import each other directly, never through this file.
"""

from .plans import (
    carry_over_candidates,
    customer_search,
    visit_list,
    visit_photo_list,
    visit_plan_for,
    visit_plan_list,
    visit_plan_queue,
    visit_plan_queue_count,
    visit_plan_review_queue,
)
from .reports import (
    REVIEW_QUEUE_ORDER,
    customer_choices,
    daily_report_due_days,
    daily_report_list,
    daily_report_overdue_count,
    daily_report_review,
    daily_report_visits,
    market_report_list,
    market_report_waiting_count,
    region_choices,
    review_queue,
    review_queue_count,
    review_queue_page,
)
from .suggestions import (
    next_working_day,
    plan_suggestion_list,
    plan_suggestions_exist,
    plan_suggestions_for,
)

__all__ = [
    # plans
    "carry_over_candidates",
    "customer_search",
    "visit_list",
    "visit_photo_list",
    "visit_plan_for",
    "visit_plan_list",
    "visit_plan_queue",
    "visit_plan_queue_count",
    "visit_plan_review_queue",
    # reports
    "REVIEW_QUEUE_ORDER",
    "customer_choices",
    "daily_report_list",
    "daily_report_review",
    "daily_report_visits",
    "market_report_list",
    "region_choices",
    "review_queue",
    "review_queue_page",
    # suggestions
    "next_working_day",
    "plan_suggestion_list",
    "plan_suggestions_exist",
    "plan_suggestions_for",
    # counts for the top bar (registered in VisitsConfig.ready())
    "daily_report_due_days",
    "daily_report_overdue_count",
    "market_report_waiting_count",
    "review_queue_count",
]
