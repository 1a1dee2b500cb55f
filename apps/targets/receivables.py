"""The receivables metrics of the KPI engine (registered with the sales built-ins, builtin.py).

Two fact sources:
- `invoices_due`: invoices (not cancelled) placed in a period by their due day, credited to the
  invoice's rep and customer.
- `allocations`: payments applied to invoices, placed by the day the money was applied (the payment's
  day, or the invoice's issue day for a credit applied later).

Definitions:
- **Fell due** (`receivables_due`): Σ amount of the invoices whose due day is in the period.
- **Overdue receivables** (`overdue_receivables`): Σ open amount, today (the tenant's local day, which
  the engine binds as `%(today)s`), of the invoices that fell due in the period and are still unpaid — what of the period's due money is overdue now (over all past
  periods, the overdue balance).
- **Collection rate of what fell due** (`collection_rate_due`): of the amount that fell due in the
  period, the share paid so far: Σ (amount − open amount) ÷ Σ amount, over the same invoices.
- **Days sales outstanding** (`dso`, in days): the collection-weighted average number of days from an
  invoice's issue to its payment, over the money applied in the period: Σ (allocated amount × days
  from issue to payment) ÷ Σ allocated amount. A ratio of two sums, so it rolls up to teams and the
  company exactly (never an average of averages).
"""

from django.utils.translation import gettext_lazy as _

from .metrics import FactSource, Metric, RatioMetric, registry


def register_receivables_metrics() -> None:
    registry.register_source(
        FactSource(
            code="invoices_due",
            table="sales_invoice",
            date_column="due_on",
            rep_column="rep_id",
            customer_column="customer_id",
            where="f.status <> 'cancelled'",
        )
    )
    registry.register_source(
        FactSource(
            code="allocations",
            table="sales_allocation",
            date_column="paid_on",
            rep_column="rep_id",
            customer_column="customer_id",
        )
    )
    for metric in (
        Metric(
            code="receivables_due",
            name=_("Receivables fallen due"),
            source="invoices_due",
            agg="sum",
            expr="f.amount",
            unit="money",
        ),
        Metric(
            code="overdue_receivables",
            name=_("Overdue receivables"),
            source="invoices_due",
            agg="sum",
            expr="f.open_amount",
            where="f.status = 'open' AND f.due_on < %(today)s",  # the tenant's today, bound by the engine
            unit="money",
        ),
        Metric(
            code="collected_of_due",
            name=_("Collected of what fell due"),
            source="invoices_due",
            agg="sum",
            expr="f.amount - f.open_amount",
            unit="money",
        ),
        Metric(
            code="allocated_amount",
            name=_("Collections applied to invoices"),
            source="allocations",
            agg="sum",
            expr="f.amount",
            unit="money",
        ),
        Metric(
            code="allocated_amount_days",
            name=_("Collections applied × days outstanding"),
            source="allocations",
            agg="sum",
            expr="f.amount * (f.paid_on - f.issued_on)",
        ),
    ):
        registry.register(metric)
    registry.register(
        RatioMetric(
            code="collection_rate_due",
            name=_("Collection rate of what fell due"),
            numerator="collected_of_due",
            denominator="receivables_due",
        )
    )
    registry.register(
        RatioMetric(
            code="dso",
            name=_("Days sales outstanding"),
            numerator="allocated_amount_days",
            denominator="allocated_amount",
            unit="days",
        )
    )
