"""Reads of the receivables: invoices, allocations, terms, open and overdue balances, and the ageing
(账龄) — all restricted to the viewer by the invoice's rep and aggregated in PostgreSQL.

Ageing as of a day D: an invoice issued on or before D is `not_due` while D ≤ its due day, then in
the bucket of its days overdue (D − due day): 1–30, 31–60, 61–90, over 90. As of today (or later) the
open amount is the stored one (a partial index of open invoices answers); as of an earlier day it is
the amount less what was allocated on or before D (cancelled invoices left out).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from apps.customers.models import Customer
from apps.customers.selectors import customer_list
from apps.org.models import Team
from apps.org.selectors import restrict_to_viewer
from apps.tenancy.dates import tenant_today
from apps.tenancy.home import first_items
from apps.tenancy.models import Membership, Tenant

from ..models import MONEY, Allocation, CustomerCredit, Invoice, PaymentTerm

BUCKETS = ("not_due", "d1_30", "d31_60", "d61_90", "over_90")
LEVELS = ("company", "team", "rep", "customer")
_KEYS = {"company": None, "team": "rep__team_id", "rep": "rep_id", "customer": "customer_id"}
_MONEY = DecimalField(**MONEY)


def payment_term_list(*, tenant: Tenant, viewer: Membership) -> QuerySet[PaymentTerm]:
    """Every member reads the terms."""
    return PaymentTerm.objects.filter(tenant=tenant).order_by("days", "name", "id")


def payment_term_rows(*, tenant: Tenant, viewer: Membership) -> QuerySet[PaymentTerm]:
    """The settings page's terms, each with the number of `customers` that use it. One query."""
    using = (
        CustomerCredit.objects.filter(tenant=tenant, payment_term=OuterRef("pk"))
        .values("payment_term")
        .annotate(n=Count("id"))
        .values("n")
    )
    return payment_term_list(tenant=tenant, viewer=viewer).annotate(
        customers=Coalesce(Subquery(using), Value(0))
    )


def customer_credit_list(*, tenant: Tenant, viewer: Membership) -> QuerySet[CustomerCredit]:
    """Terms and limits of the customers the viewer sees."""
    customers = customer_list(tenant=tenant, viewer=viewer).values("pk")
    return (
        CustomerCredit.objects.filter(tenant=tenant, customer__in=customers)
        .select_related("customer", "payment_term")
        .order_by("customer_id")
    )


def invoice_list(*, tenant: Tenant, viewer: Membership, filters: dict | None = None) -> QuerySet[Invoice]:
    """Invoices with customer, rep and order loaded: a rep their own, a manager their line's."""
    qs = Invoice.objects.filter(tenant=tenant).select_related("customer", "rep__user", "order")
    qs = restrict_to_viewer(qs, viewer, "rep")
    filters = filters or {}
    if filters.get("customer"):
        qs = qs.filter(customer_id=filters["customer"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("overdue_on"):
        qs = qs.filter(status=Invoice.Status.OPEN, due_on__lt=filters["overdue_on"])
    return qs


def allocation_list(
    *, tenant: Tenant, viewer: Membership, filters: dict | None = None
) -> QuerySet[Allocation]:
    qs = Allocation.objects.filter(tenant=tenant).select_related("invoice", "payment")
    qs = restrict_to_viewer(qs, viewer, "rep")
    filters = filters or {}
    for key in ("payment", "invoice", "customer"):
        if filters.get(key):
            qs = qs.filter(**{f"{key}_id": filters[key]})
    return qs


def _days_before(day: date, days: int) -> date:
    """`day` less `days`, or the first day there is when that falls before it (an ageing as of the
    first days of year 1 is a valid request, not a 500)."""
    return day - timedelta(days=days) if day.toordinal() > days else date.min


def _bucket_filters(as_of: date) -> dict[str, Q]:
    d30, d60, d90 = (_days_before(as_of, n) for n in (30, 60, 90))
    return {
        "not_due": Q(due_on__gte=as_of),
        "d1_30": Q(due_on__lt=as_of, due_on__gte=d30),
        "d31_60": Q(due_on__lt=d30, due_on__gte=d60),
        "d61_90": Q(due_on__lt=d60, due_on__gte=d90),
        "over_90": Q(due_on__lt=d90),
    }


def open_invoices(*, tenant: Tenant, viewer: Membership, as_of: date) -> QuerySet[Invoice]:
    """The viewer's invoices open on `as_of`, each with its `open` amount on that day."""
    qs = restrict_to_viewer(Invoice.objects.filter(tenant=tenant, issued_on__lte=as_of), viewer, "rep")
    if as_of >= tenant_today(tenant):
        return qs.filter(status=Invoice.Status.OPEN).annotate(open=F("open_amount"))
    paid = (
        Allocation.objects.filter(tenant=tenant, invoice=OuterRef("pk"), paid_on__lte=as_of)
        .values("invoice")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return (
        qs.exclude(status=Invoice.Status.CANCELLED)
        .annotate(open=F("amount") - Coalesce(Subquery(paid, output_field=_MONEY), Value(Decimal("0"))))
        .filter(open__gt=0)
    )


def ageing(
    *,
    tenant: Tenant,
    viewer: Membership,
    as_of: date,
    level: str = "company",
    team: int | None = None,
    rep: int | None = None,
    customer: int | None = None,
) -> list[dict[str, Any]]:
    """The ageing of what the viewer sees on `as_of`, one row per team, rep or customer (`level`; one
    row for "company"), narrowed to a team, rep or customer when given: each row has `key`, the
    BUCKETS, `total` and `overdue` (the four overdue buckets). One grouped statement (customers named
    in it), plus one to name teams or reps; sorted by overdue, then total, largest first."""
    qs = open_invoices(tenant=tenant, viewer=viewer, as_of=as_of)
    if team:
        qs = qs.filter(rep__team_id=team)
    if rep:
        qs = qs.filter(rep_id=rep)
    if customer:
        qs = qs.filter(customer_id=customer)
    sums: dict[str, Any] = {name: Sum("open", filter=q) for name, q in _bucket_filters(as_of).items()}
    sums["total"] = Sum("open")
    key = _KEYS[level]
    if key is None:
        rows = [{"key": None, **qs.aggregate(**sums)}]
    elif level == "customer":
        # The customers' names come with the grouped rows (a join), not by a second query naming
        # tens of thousands of ids.
        rows = [
            {"key": row.pop(key), "label": f"{row.pop('customer__code')} {row.pop('customer__name')}", **row}
            for row in qs.values(key, "customer__code", "customer__name").annotate(**sums).order_by()
        ]
    else:
        rows = [{"key": row.pop(key), **row} for row in qs.values(key).annotate(**sums).order_by()]
    zero = Decimal("0")
    for row in rows:
        for name in (*BUCKETS, "total"):
            row[name] = row[name] or zero
        row["overdue"] = row["total"] - row["not_due"]
    if level != "customer":
        _name_rows(tenant, level, rows)
    rows.sort(key=lambda r: (-r["overdue"], -r["total"], str(r["label"])))
    return rows


def _name_rows(tenant: Tenant, level: str, rows: list[dict[str, Any]]) -> None:
    """Team or rep names of the ageing's rows (customers are named in the grouped statement)."""
    ids = [row["key"] for row in rows if row["key"] is not None]
    names: dict[Any, str] = {}
    if level == "team" and ids:
        names = dict(Team.objects.filter(tenant=tenant, pk__in=ids).values_list("pk", "name"))
    elif level == "rep" and ids:
        names = {
            m.pk: str(m) for m in Membership.objects.filter(tenant=tenant, pk__in=ids).select_related("user")
        }
    for row in rows:
        row["label"] = names.get(row["key"], "") if row["key"] is not None else ""


def customer_balance(*, customer: Customer, as_of: date) -> dict[str, Decimal]:
    """A customer's open and overdue balance on `as_of` (today's stored open amounts). One query."""
    sums = Invoice.objects.filter(
        tenant_id=customer.tenant_id, customer=customer, status=Invoice.Status.OPEN
    ).aggregate(open=Sum("open_amount"), overdue=Sum("open_amount", filter=Q(due_on__lt=as_of)))
    return {"open": sums["open"] or Decimal("0"), "overdue": sums["overdue"] or Decimal("0")}


def credit_warning(*, customer: Customer, amount: Decimal, exclude_order: int | None = None) -> dict | None:
    """None, or the figures of an order of `amount` that would take the customer's open balance over
    its credit limit: `limit`, `open`, `after`. Two queries."""
    limit = (
        CustomerCredit.objects.filter(tenant_id=customer.tenant_id, customer=customer)
        .values_list("credit_limit", flat=True)
        .first()
    )
    if limit is None:
        return None
    qs = Invoice.objects.filter(tenant_id=customer.tenant_id, customer=customer, status=Invoice.Status.OPEN)
    if exclude_order:
        qs = qs.exclude(order_id=exclude_order)
    open_ = qs.aggregate(s=Sum("open_amount"))["s"] or Decimal("0")
    after = open_ + amount
    if after <= limit:
        return None
    return {"limit": limit, "open": open_, "after": after, "over": after - limit}


# ---- the customer page's panel and the homes' card (registered in SalesConfig.ready()) ----------

PANEL_INVOICES = 5


def receivables_panel(customer: Customer, membership: Membership, today: date) -> dict[str, Any] | None:
    """The customer's open and overdue balance, its term and credit limit, and its oldest open
    invoices. Three queries; None (no panel) when the customer has never been invoiced."""
    open_qs = Invoice.objects.filter(
        tenant_id=customer.tenant_id, customer=customer, status=Invoice.Status.OPEN
    ).order_by("due_on", "id")
    sums = Invoice.objects.filter(tenant_id=customer.tenant_id, customer=customer).aggregate(
        invoiced=Sum("amount"),
        open=Sum("open_amount", filter=Q(status=Invoice.Status.OPEN)),
        overdue=Sum("open_amount", filter=Q(status=Invoice.Status.OPEN, due_on__lt=today)),
    )
    credit = (
        CustomerCredit.objects.filter(tenant_id=customer.tenant_id, customer=customer)
        .select_related("payment_term")
        .first()
    )
    if sums["invoiced"] is None and credit is None:
        return None
    return {
        "open": sums["open"] or Decimal("0"),
        "overdue": sums["overdue"] or Decimal("0"),
        "credit": credit,
        "invoices": list(open_qs[:PANEL_INVOICES]),
        "can_edit": membership.role in ("admin", "manager"),
    }


def overdue_customers(*, tenant: Tenant, viewer: Membership, today: date) -> QuerySet:
    """Customers with overdue open invoices among what the viewer sees, most overdue first:
    rows of `customer_id`, `code`, `name`, `overdue`, `oldest_due`."""
    return (
        restrict_to_viewer(
            Invoice.objects.filter(tenant=tenant, status=Invoice.Status.OPEN, due_on__lt=today), viewer, "rep"
        )
        .values("customer_id", code=F("customer__code"), name=F("customer__name"))
        .annotate(overdue=Sum("open_amount"), oldest_due=Min("due_on"))
        .order_by("-overdue", "customer_id")
    )


def overdue_card(membership: Membership, today: date) -> dict[str, Any]:
    """The home's "overdue to collect": how many customers, how much, and the first few. Three queries."""
    qs = overdue_customers(tenant=membership.tenant, viewer=membership, today=today)
    count, items = first_items(qs)
    total = restrict_to_viewer(
        Invoice.objects.filter(tenant=membership.tenant, status=Invoice.Status.OPEN, due_on__lt=today),
        membership,
        "rep",
    ).aggregate(s=Sum("open_amount"))["s"] or Decimal("0")
    return {"count": count, "items": items, "total": total}
