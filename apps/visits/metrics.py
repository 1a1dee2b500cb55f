"""Visit and daily-report metrics, plugged into the KPI engine's registry (apps.targets.metrics).

Registered from VisitsConfig.ready(), so `targets` never imports `visits`. Every metric is set-based
like the sales built-ins: one grouped statement per fact source for all of them, sliceable by rep,
team, reporting line, region and customer (visits of a prospect have no customer, so region and
customer slices leave them out), at any period grain.

Definitions (a visit is placed in a period by its `day`, a report by its `day`, both local dates):
- visits_done: visits whose outcome is done. Visits by purpose: one metric per purpose,
  `visits_<purpose>` (done visits of that purpose); a tenant's custom KPI narrows any of them with
  the usual filters (region, customer, segment, key account).
- visits_effective: done visits marked effective. effective_visit_rate (有效拜访率) = visits_effective
  / visits_done.
- visits_with_deal: done visits with at least one order linked to them (ReportOrder.visit).
  deal_rate (交易率) = visits_with_deal / visits_done.
- reports_submitted: daily reports submitted (or reviewed); reports_on_time: those submitted before
  the tenant's deadline. report_punctuality = reports_on_time / reports_submitted.
- visit_cost: the sum of the cost of every visit of the period, whatever its outcome (a visit not
  met still costs the trip). cost_per_visit = visit_cost / visits_done.
- visit_orders: confirmed orders taken on a visit (linked to a visit by a ReportOrder), placed by the
  order's date and credited to the order's rep. cost_per_order = visit_cost / visit_orders.
- visit_new_customers: new customers developed through visits — customers whose first confirmed
  order (`first_order_date`, as for new_customers) falls in the period and at least one of their
  orders of that first day was taken on a visit. Credited to the customer's owner, like
  new_customers, so the two compare directly.
- suggestions_offered: visits suggested for a rep's plan (tomorrow's plan, suggested), placed by the
  day they were suggested for, whatever the rep did with them (pending, accepted or dropped; a
  pending one the pass later replaced is gone and not counted). suggestions_accepted: those the rep
  accepted into the plan. suggestion_accept_rate = suggestions_accepted / suggestions_offered.
- suggested_visits_done: accepted suggestions whose plan item (the visit they added) is done.
  suggested_visit_done_rate = suggested_visits_done / suggestions_accepted (an accepted visit later
  removed from the plan counts as accepted, not done).

Ratios are divided after aggregation, by the engine, from their numerator's and denominator's sums.
"""

from django.utils.translation import gettext_lazy as _

from apps.targets.metrics import FactSource, Metric, RatioMetric, registry

DONE = "f.outcome = 'done'"
SUBMITTED = "f.status IN ('submitted', 'reviewed')"
# Orders linked to a visit: a hashed subplan over the tenant's links, never a lookup per fact.
VISITS_WITH_ORDER = (
    "f.id IN (SELECT ro.visit_id FROM visits_reportorder ro"
    " WHERE ro.tenant_id = %(tenant)s AND ro.visit_id IS NOT NULL)"
)
ORDERS_ON_VISIT = (
    "f.order_id IN (SELECT ro.order_id FROM visits_reportorder ro"
    " WHERE ro.tenant_id = %(tenant)s AND ro.visit_id IS NOT NULL)"
)
FIRST_ORDER_ON_VISIT = (
    "(f.id, f.first_order_date) IN (SELECT o.customer_id, o.order_date FROM sales_order o"
    " JOIN visits_reportorder ro ON ro.tenant_id = o.tenant_id AND ro.order_id = o.id"
    " WHERE o.tenant_id = %(tenant)s AND o.status <> 'cancelled' AND ro.visit_id IS NOT NULL)"
)
ACCEPTED = "f.status = 'accepted'"
SUGGESTED_VISIT_DONE = (
    "f.visit_id IN (SELECT v.id FROM visits_visit v WHERE v.tenant_id = %(tenant)s AND v.outcome = 'done')"
)

PURPOSES = (
    ("new_customer", _("Visits: new customer development")),
    ("market_research", _("Visits: market research")),
    ("collection", _("Visits: collection")),
    ("service", _("Visits: customer service")),
    ("complaint", _("Visits: complaint handling")),
    ("order", _("Visits: order taking")),
    ("other", _("Visits: other")),
)


def register_visit_metrics() -> None:
    registry.register_source(
        FactSource(
            code="visits",
            table="visits_visit",
            date_column="day",
            rep_column="rep_id",
            customer_column="customer_id",
        )
    )
    registry.register_source(
        FactSource(
            code="plan_suggestions",
            table="visits_plansuggestion",
            date_column="day",
            rep_column="rep_id",
            customer_column="customer_id",
        )
    )
    registry.register_source(
        FactSource(code="daily_reports", table="visits_dailyreport", date_column="day", rep_column="rep_id")
    )
    aggregates = [
        Metric(code="visits_done", name=_("Visits made"), source="visits", agg="count", where=DONE),
        *(
            Metric(
                code=f"visits_{purpose}",
                name=name,
                source="visits",
                agg="count",
                where=f"{DONE} AND f.purpose = '{purpose}'",
            )
            for purpose, name in PURPOSES
        ),
        Metric(
            code="visits_effective",
            name=_("Effective visits"),
            source="visits",
            agg="count",
            where=f"{DONE} AND f.effective",
        ),
        Metric(
            code="visits_with_deal",
            name=_("Visits with a deal"),
            source="visits",
            agg="count",
            where=f"{DONE} AND {VISITS_WITH_ORDER}",
        ),
        Metric(
            code="visit_cost", name=_("Visit costs"), source="visits", agg="sum", expr="f.cost", unit="money"
        ),
        Metric(
            code="visit_orders",
            name=_("Orders taken on visits"),
            source="order_lines",
            agg="count_distinct",
            expr="f.order_id",
            where=ORDERS_ON_VISIT,
        ),
        Metric(
            code="visit_new_customers",
            name=_("New customers developed through visits"),
            source="customers",
            agg="count",
            where=FIRST_ORDER_ON_VISIT,
        ),
        Metric(
            code="reports_submitted",
            name=_("Daily reports submitted"),
            source="daily_reports",
            agg="count",
            where=SUBMITTED,
        ),
        Metric(
            code="reports_on_time",
            name=_("Daily reports on time"),
            source="daily_reports",
            agg="count",
            where=f"{SUBMITTED} AND f.on_time",
        ),
        Metric(
            code="suggestions_offered",
            name=_("Visits suggested"),
            source="plan_suggestions",
            agg="count",
        ),
        Metric(
            code="suggestions_accepted",
            name=_("Suggested visits accepted"),
            source="plan_suggestions",
            agg="count",
            where=ACCEPTED,
        ),
        Metric(
            code="suggested_visits_done",
            name=_("Suggested visits made"),
            source="plan_suggestions",
            agg="count",
            where=f"{ACCEPTED} AND {SUGGESTED_VISIT_DONE}",
        ),
    ]
    for metric in aggregates:
        registry.register(metric)
    for code, name, numerator, denominator, unit in (
        ("effective_visit_rate", _("Effective-visit rate"), "visits_effective", "visits_done", "ratio"),
        ("deal_rate", _("Deal rate"), "visits_with_deal", "visits_done", "ratio"),
        ("report_punctuality", _("Report punctuality"), "reports_on_time", "reports_submitted", "ratio"),
        ("cost_per_visit", _("Cost per visit"), "visit_cost", "visits_done", "money"),
        ("cost_per_order", _("Visit cost per order"), "visit_cost", "visit_orders", "money"),
        (
            "suggestion_accept_rate",
            _("Share of suggested visits accepted"),
            "suggestions_accepted",
            "suggestions_offered",
            "ratio",
        ),
        (
            "suggested_visit_done_rate",
            _("Share of accepted suggestions made"),
            "suggested_visits_done",
            "suggestions_accepted",
            "ratio",
        ),
    ):
        registry.register(
            RatioMetric(code=code, name=name, numerator=numerator, denominator=denominator, unit=unit)
        )
