"""The sales built-ins. Order lines are the fact table for revenue, margin, orders and activity.

Revenue counts confirmed orders only. OrderLine carries no status (a cancelled order keeps its
lines), so the order-lines source excludes the lines of cancelled orders with an anti-join on the
few cancelled orders (a hashed subplan), not a join of every line to its order.

New customers are customers whose `first_order_date` (kept by the sales services over confirmed
orders) falls in the period, credited to the customer's owner.
"""

from django.utils.translation import gettext_lazy as _

from .metrics import FactSource, Metric, RatioMetric, RepeatMetric, registry
from .receivables import register_receivables_metrics


def register_builtins() -> None:
    registry.register_source(
        FactSource(
            code="order_lines",
            table="sales_orderline",
            date_column="order_date",
            rep_column="rep_id",
            customer_column="customer_id",
            product_column="product_id",
            where=(
                "f.order_id NOT IN (SELECT o.id FROM sales_order o"
                " WHERE o.tenant_id = %(tenant)s AND o.status = 'cancelled')"
            ),
            # Confirmed lines per rep and day (sales.OrderLineDay, kept by triggers): revenue and
            # margin by rep, team, line or tenant sum a row per rep and day instead of every line.
            rollup="sales_orderlineday",
            rollup_sums=("f.amount", "f.amount - f.cost"),
            rollup_monthly="sales_orderlinemonth",  # sales.OrderLineMonth, the days summed per month
        )
    )
    registry.register_source(
        FactSource(
            code="payments",
            table="sales_payment",
            date_column="received_on",
            rep_column="rep_id",
            customer_column="customer_id",
        )
    )
    registry.register_source(
        FactSource(
            code="customers",
            table="customers_customer",
            date_column="first_order_date",
            rep_column="owner_id",
            customer_column="id",
        )
    )
    for metric in (
        Metric(
            code="revenue", name=_("Revenue"), source="order_lines", agg="sum", expr="f.amount", unit="money"
        ),
        Metric(
            code="gross_margin",
            name=_("Gross margin"),
            source="order_lines",
            agg="sum",
            expr="f.amount - f.cost",
            unit="money",
        ),
        Metric(
            code="order_count",
            name=_("Orders"),
            source="order_lines",
            agg="count_distinct",
            expr="f.order_id",
        ),
        Metric(
            code="active_customers",
            name=_("Active customers"),
            source="order_lines",
            agg="count_distinct",
            expr="f.customer_id",
        ),
        Metric(
            code="key_account_revenue",
            name=_("Key-account revenue"),
            source="order_lines",
            agg="sum",
            expr="f.amount",
            where="c.is_key_account",
            needs=("customer",),
            unit="money",
        ),
        Metric(
            code="collections",
            name=_("Collections"),
            source="payments",
            agg="sum",
            expr="f.amount",
            unit="money",
        ),
        Metric(code="new_customers", name=_("New customers"), source="customers", agg="count"),
        RepeatMetric(
            code="prior_customers",
            name=_("Customers of the previous period"),
            source="order_lines",
            mode="prior",
        ),
        RepeatMetric(
            code="retained_customers", name=_("Retained customers"), source="order_lines", mode="retained"
        ),
    ):
        registry.register(metric)
    registry.register(
        RatioMetric(
            code="key_account_share",
            name=_("Key-account revenue share"),
            numerator="key_account_revenue",
            denominator="revenue",
        )
    )
    registry.register(
        RatioMetric(
            code="retention_rate",
            name=_("Retention rate"),
            numerator="retained_customers",
            denominator="prior_customers",
        )
    )
    register_receivables_metrics()  # overdue, collection rate of what fell due, DSO
