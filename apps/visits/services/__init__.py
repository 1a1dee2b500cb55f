"""Writes of the visits app, the only code that changes its state; one module per sub-area:

- plans: daily visit plans and their items, from draft to approval, and carrying visits over;
- checkins: at the customer — check-in and check-out, the customer's location, photos, and an
  order and a collection taken there (through the day's report);
- reports: daily sales reports, filed, submitted and signed off;
- market: market situation reports, escalated, acknowledged and closed;
- reminders: the per-tenant reminders of a missing plan or report;
- suggestions: tomorrow's plan, suggested (the pass over all reps) and the rep's decisions on it;
- opportunities: a visit advances an opportunity of the visited customer (the pipeline's move).

Callers outside the package import from here (`from apps.visits import services`), which re-exports
what they use; the sub-modules import each other directly, never through this file.
"""

from .checkins import (
    customer_location_from_visit,
    haversine_m,
    visit_check_in,
    visit_check_out,
    visit_photo_add,
    visit_sale_take,
)
from .market import (
    escalation_recipients,
    market_report_acknowledge,
    market_report_close,
    market_report_create,
)
from .opportunities import visit_opportunity_advance
from .plans import (
    EDITABLE,
    visit_create,
    visit_delete,
    visit_plan_approve,
    visit_plan_carry_over,
    visit_plan_delete,
    visit_plan_item_add,
    visit_plan_last_day,
    visit_plan_return,
    visit_plan_save,
    visit_plan_submit,
    visit_update,
)
from .reminders import remind_missing_plans, remind_missing_reports
from .reports import (
    REPORT_FIELDS,
    daily_report_create,
    daily_report_review,
    daily_report_save,
    daily_report_submit,
    daily_report_update,
    report_deadline,
)
from .suggestions import (
    plan_suggestion_accept,
    plan_suggestion_drop,
    plan_suggestion_move,
    plan_suggestion_reorder,
    plan_suggestions_compute,
)

__all__ = [
    # opportunities
    "visit_opportunity_advance",
    # plans
    "EDITABLE",
    "visit_create",
    "visit_delete",
    "visit_plan_approve",
    "visit_plan_carry_over",
    "visit_plan_delete",
    "visit_plan_item_add",
    "visit_plan_last_day",
    "visit_plan_return",
    "visit_plan_save",
    "visit_plan_submit",
    "visit_update",
    # checkins
    "customer_location_from_visit",
    "haversine_m",
    "visit_check_in",
    "visit_check_out",
    "visit_photo_add",
    "visit_sale_take",
    # reports
    "REPORT_FIELDS",
    "daily_report_create",
    "daily_report_review",
    "daily_report_save",
    "daily_report_submit",
    "daily_report_update",
    "report_deadline",
    # market
    "escalation_recipients",
    "market_report_acknowledge",
    "market_report_close",
    "market_report_create",
    # reminders
    "remind_missing_plans",
    "remind_missing_reports",
    # suggestions
    "plan_suggestion_accept",
    "plan_suggestion_drop",
    "plan_suggestion_move",
    "plan_suggestion_reorder",
    "plan_suggestions_compute",
]
