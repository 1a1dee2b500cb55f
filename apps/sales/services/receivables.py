"""Receivables (应收账款): payment terms, customers' terms and credit limits, invoices, and payments
allocated to invoices.

The rules (docs/receivables.md):
- A confirmed order gets one invoice when it is written (page, visit sale, API, bulk sync), issued on
  the order's day and due on the day the customer's payment term gives (the tenant's default term
  when the customer has none; due on the day of issue when the tenant has no term at all).
- `Invoice.open_amount` is the amount minus its allocations, `Payment.unallocated` the amount minus
  its allocations; only this module changes them, in the writing transaction.
- A payment recorded without explicit allocations goes to its order's invoice first (when it names
  one), then to the customer's open invoices oldest first (by due date, issue date, id). Money left
  over stays unallocated on the payment and is applied, oldest first, to the customer's next invoices.
- Allocating above an invoice's open amount or above what is left of the payment is refused, naming
  the field; an order with allocations cannot be cancelled, deleted or moved to another customer.

The oldest-first matching is one statement for any number of customers (allocate_open): invoices and
payments each become intervals of a running sum per customer, and an allocation is the overlap of an
invoice's interval with a payment's — the bulk paths, the migration of existing data and the bench
all use it, so no path loops over rows.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.customers.models import Customer
from apps.customers.services import (
    apply_changes,
    ensure_assignable,
    ensure_can_write,
    ensure_customer_writable,
)
from apps.org.selectors import can_see_member
from apps.tenancy.audit import audit_log
from apps.tenancy.models import Membership, Role, Tenant

from ..models import TERM_DAYS_MAX, Allocation, CustomerCredit, Invoice, Order, Payment, PaymentTerm

# ---- payment terms ----------------------------------------------------------------------------


def due_date(*, issued_on: date, days: int, basis: str) -> date:
    """The due day of an invoice issued on `issued_on` under a term of `days` counted by `basis`."""
    if basis == PaymentTerm.Basis.MONTH_END:
        start = issued_on.replace(day=calendar.monthrange(issued_on.year, issued_on.month)[1])
    else:
        start = issued_on
    if (date.max - start).days < days:
        return date.max  # the last day a date can hold, as in _DUE_SQL
    return start + timedelta(days=days)


def ensure_settings_writer(by: Membership | None) -> None:
    """Administrators change payment terms; None is the system (starter data of a new organisation)."""
    if by is not None and by.role != Role.ADMIN:
        raise PermissionDenied(_("Only administrators may change payment terms."))


def _check_term(tenant_id: int, data: dict[str, Any], exclude_pk: int | None = None) -> None:
    errors: dict[str, str] = {}
    days = data.get("days")
    if days is not None and not 0 <= int(days) <= TERM_DAYS_MAX:
        errors["days"] = _("Enter a number of days between 0 and %(max)d.") % {"max": TERM_DAYS_MAX}
    if "basis" in data and data["basis"] not in PaymentTerm.Basis.values:
        errors["basis"] = _("Choose how the days are counted.")
    name = data.get("name")
    if name is not None:
        if not str(name).strip():
            errors["name"] = _("Give the term a name.")
        else:
            qs = PaymentTerm.objects.filter(tenant_id=tenant_id, name=name)
            if exclude_pk:
                qs = qs.exclude(pk=exclude_pk)
            if qs.exists():
                errors["name"] = _("A payment term with this name exists.")
    if errors:
        raise ValidationError(errors)


def _clear_default(*, tenant_id: int, keep: int | None = None) -> None:
    """Before a term is saved as the default: the tenant's other default (not `keep`) is one no more."""
    others = PaymentTerm.objects.filter(tenant_id=tenant_id, is_default=True)
    if keep is not None:
        others = others.exclude(pk=keep)
    others.update(is_default=False, updated_at=timezone.now())


@transaction.atomic
def payment_term_create(
    *,
    tenant: Tenant,
    by: Membership | None,
    name: str,
    days: int,
    basis: str = "invoice_date",
    is_default: bool = False,
) -> PaymentTerm:
    """A payment term; made the default, it replaces the tenant's previous default."""
    ensure_settings_writer(by)
    _check_term(tenant.pk, {"name": name, "days": days, "basis": basis})
    if is_default:
        _clear_default(tenant_id=tenant.pk)
    term = PaymentTerm.objects.create(tenant=tenant, name=name, days=days, basis=basis, is_default=is_default)
    audit_log(term, "sales.term.created", actor=by)
    return term


@transaction.atomic
def payment_term_update(*, term: PaymentTerm, by: Membership, **data: Any) -> PaymentTerm:
    """Changed days apply to invoices issued from now on; open invoices keep their due dates."""
    ensure_settings_writer(by)
    _check_term(term.tenant_id, data, exclude_pk=term.pk)
    if data.get("is_default"):
        _clear_default(tenant_id=term.tenant_id, keep=term.pk)
    changes = apply_changes(term, data)
    audit_log(term, "sales.term.updated", actor=by, changes=changes)
    return term


@transaction.atomic
def payment_term_delete(*, term: PaymentTerm, by: Membership) -> None:
    ensure_settings_writer(by)
    if CustomerCredit.objects.filter(tenant_id=term.tenant_id, payment_term=term).exists():
        raise ValidationError(
            {"payment_term": _("Customers use this payment term: give them another one first.")}
        )
    audit_log(term, "sales.term.deleted", actor=by)
    term.delete()


# ---- a customer's term and credit limit -------------------------------------------------------


def ensure_credit_writer(*, by: Membership, customer: Customer) -> None:
    if by.role not in (Role.ADMIN, Role.MANAGER):
        raise PermissionDenied(_("Only administrators and sales managers may change credit terms."))
    ensure_customer_writable(by=by, customer=customer)


@transaction.atomic
def customer_credit_save(
    *,
    customer: Customer,
    by: Membership,
    payment_term: PaymentTerm | None,
    credit_limit: Decimal | None,
) -> CustomerCredit:
    """Set a customer's payment term (None: the tenant's default) and credit limit (None: no limit).
    New invoices of the customer use the term; open ones keep their due dates."""
    ensure_credit_writer(by=by, customer=customer)
    if payment_term is not None and payment_term.tenant_id != customer.tenant_id:
        raise ValidationError({"payment_term": _("Unknown record.")})
    if credit_limit is not None and credit_limit < 0:
        raise ValidationError({"credit_limit": _("A credit limit cannot be negative.")})
    credit = CustomerCredit.objects.filter(tenant_id=customer.tenant_id, customer=customer).first()
    data = {"payment_term": payment_term, "credit_limit": credit_limit}
    if credit is None:
        credit = CustomerCredit.objects.create(tenant_id=customer.tenant_id, customer=customer, **data)
        changes = {"credit_limit": [None, str(credit_limit)]}
    else:
        changes = apply_changes(credit, data)
    audit_log(credit, "sales.credit.updated", actor=by, changes=changes)
    return credit


# ---- invoices ---------------------------------------------------------------------------------

# The due day in SQL, from the issue day `d`, the term's days and basis (NULL term: due on issue),
# at most 9999-12-31: PostgreSQL dates go further than Python's, and a later one stored for an order
# dated late in year 9999 could not be read back (every invoice list and ageing a 500).
_DUE_SQL = (
    "least(CASE WHEN t.basis = 'month_end'"
    " THEN (date_trunc('month', {d}::timestamp) + interval '1 month - 1 day')::date + t.days"
    " ELSE {d} + coalesce(t.days, 0) END, '9999-12-31'::date)"
)
# The term of a customer: its own, else the tenant's default.
_TERM_JOIN = """
    LEFT JOIN sales_customercredit cc ON cc.tenant_id = {alias}.tenant_id AND cc.customer_id = {alias}.customer_id
    LEFT JOIN sales_paymentterm t ON t.tenant_id = {alias}.tenant_id AND t.id = coalesce(
        cc.payment_term_id,
        (SELECT d.id FROM sales_paymentterm d WHERE d.tenant_id = {alias}.tenant_id AND d.is_default))
"""


def _ids(values: Iterable[int] | None) -> list[int] | None:
    return None if values is None else sorted({int(v) for v in values})


def invoices_for_orders(*, tenant_id: int, order_ids: Iterable[int] | None = None) -> set[int]:
    """Issue the invoice of every confirmed order of the tenant (of `order_ids` only, when given) that
    has none: numbered like its order, issued on the order's day, due by the customer's term. One
    statement; returns the customers that got invoices."""
    ids = _ids(order_ids)
    if ids == []:
        return set()
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO sales_invoice (tenant_id, number, customer_id, rep_id, order_id, issued_on,
                                       due_on, amount, open_amount, status, created_at, updated_at, sync_xid)
            SELECT o.tenant_id, o.number, o.customer_id, o.rep_id, o.id, o.order_date,
                   {_DUE_SQL.format(d="o.order_date")}, o.amount, o.amount,
                   CASE WHEN o.amount > 0 THEN 'open' ELSE 'paid' END, %s, %s, 0
              FROM sales_order o
              {_TERM_JOIN.format(alias="o")}
             WHERE o.tenant_id = %s AND o.status = 'confirmed'
               AND (%s::bigint[] IS NULL OR o.id = ANY(%s::bigint[]))
               AND NOT EXISTS (SELECT 1 FROM sales_invoice i WHERE i.tenant_id = o.tenant_id AND i.order_id = o.id)
            RETURNING customer_id
            """,
            [now, now, tenant_id, ids, ids],
        )
        return {row[0] for row in cur.fetchall()}


def customer_due_date(*, customer: Customer, issued_on: date) -> date:
    """The due day of an invoice of `customer` issued on `issued_on` (its term, else the default)."""
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT {_DUE_SQL.format(d="x.issued_on")}
              FROM (SELECT %s::date AS issued_on, %s::bigint AS tenant_id, %s::bigint AS customer_id) x
              {_TERM_JOIN.format(alias="x")}
            """,
            [issued_on, customer.tenant_id, customer.pk],
        )
        return cur.fetchone()[0]


def allocate_open(*, tenant_id: int, customer_ids: Iterable[int] | None = None) -> int:
    """Apply the unallocated money of the customers' payments to their open invoices, oldest first
    (invoices by due date, issue date, id; payments by day received, id), for every customer of the
    tenant (or of `customer_ids`) in one statement. Returns the number of allocations made.

    An allocation takes the day of the payment, or the invoice's issue day when the money was there
    before the invoice (a customer's credit applied to it)."""
    ids = _ids(customer_ids)
    if ids == []:
        return 0
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            """
            WITH pay AS (
                SELECT id, customer_id, received_on, unallocated AS amt,
                       sum(unallocated) OVER (PARTITION BY customer_id ORDER BY received_on, id) AS hi
                  FROM sales_payment
                 WHERE tenant_id = %(t)s AND unallocated > 0
                   AND (%(ids)s::bigint[] IS NULL OR customer_id = ANY(%(ids)s::bigint[]))
            ), inv AS (
                SELECT id, customer_id, rep_id, issued_on, due_on, open_amount AS amt,
                       sum(open_amount) OVER (PARTITION BY customer_id ORDER BY due_on, issued_on, id) AS hi
                  FROM sales_invoice
                 WHERE tenant_id = %(t)s AND status = 'open' AND open_amount > 0
                   AND customer_id IN (SELECT customer_id FROM pay)
            ), m AS (
                SELECT p.id AS payment_id, i.id AS invoice_id, i.customer_id, i.rep_id, i.issued_on, i.due_on,
                       greatest(p.received_on, i.issued_on) AS paid_on,
                       least(i.hi, p.hi) - greatest(i.hi - i.amt, p.hi - p.amt) AS amount
                  FROM inv i
                  JOIN pay p ON p.customer_id = i.customer_id AND p.hi - p.amt < i.hi AND i.hi - i.amt < p.hi
            ), ins AS (
                INSERT INTO sales_allocation (tenant_id, payment_id, invoice_id, amount, paid_on, issued_on,
                                              due_on, rep_id, customer_id, created_at, updated_at)
                SELECT %(t)s, payment_id, invoice_id, amount, paid_on, issued_on, due_on, rep_id, customer_id,
                       %(now)s, %(now)s
                  FROM m WHERE amount > 0
                RETURNING invoice_id, payment_id, amount
            ), iu AS (
                UPDATE sales_invoice v
                   SET open_amount = v.open_amount - s.amount,
                       status = CASE WHEN v.open_amount - s.amount = 0 THEN 'paid' ELSE v.status END,
                       updated_at = %(now)s
                  FROM (SELECT invoice_id, sum(amount) AS amount FROM ins GROUP BY 1) s
                 WHERE v.tenant_id = %(t)s AND v.id = s.invoice_id
                RETURNING 1
            ), pu AS (
                UPDATE sales_payment v
                   SET unallocated = v.unallocated - s.amount, updated_at = %(now)s
                  FROM (SELECT payment_id, sum(amount) AS amount FROM ins GROUP BY 1) s
                 WHERE v.tenant_id = %(t)s AND v.id = s.payment_id
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM iu), (SELECT count(*) FROM pu)
            """,
            {"t": tenant_id, "ids": ids, "now": now},
        )
        return cur.fetchone()[0]


def receivables_rebuild(*, tenant_id: int) -> dict[str, int]:
    """Bring a tenant's receivables up to date with its orders and payments, set-based: every
    payment's unallocated amount and every invoice's open amount recomputed from the allocations, an
    invoice for every confirmed order without one, then the unallocated money applied oldest first.
    Safe to run again (what is there is kept): the migration that introduced receivables, the demo,
    `manage.py receivables_rebuild` and the bench run it."""
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            """
            UPDATE sales_payment p SET unallocated = p.amount - coalesce(a.amount, 0), updated_at = %(now)s
              FROM sales_payment p2
              LEFT JOIN (SELECT payment_id, sum(amount) AS amount FROM sales_allocation
                          WHERE tenant_id = %(t)s GROUP BY 1) a ON a.payment_id = p2.id
             WHERE p.tenant_id = %(t)s AND p2.tenant_id = %(t)s AND p2.id = p.id
               AND p.unallocated IS DISTINCT FROM p.amount - coalesce(a.amount, 0)
            """,
            {"t": tenant_id, "now": now},
        )
        payments = cur.rowcount
        cur.execute(
            """
            UPDATE sales_invoice i
               SET open_amount = s.open_amount,
                   status = CASE WHEN s.open_amount = 0 THEN 'paid' ELSE 'open' END,
                   updated_at = %(now)s
              FROM (SELECT i2.id, i2.amount - coalesce(a.amount, 0) AS open_amount
                      FROM sales_invoice i2
                      LEFT JOIN (SELECT invoice_id, sum(amount) AS amount FROM sales_allocation
                                  WHERE tenant_id = %(t)s GROUP BY 1) a ON a.invoice_id = i2.id
                     WHERE i2.tenant_id = %(t)s AND i2.status <> 'cancelled') s
             WHERE i.tenant_id = %(t)s AND i.id = s.id
               AND (i.open_amount <> s.open_amount
                    OR i.status <> CASE WHEN s.open_amount = 0 THEN 'paid' ELSE 'open' END)
            """,
            {"t": tenant_id, "now": now},
        )
        invoices = cur.rowcount
    issued = invoices_for_orders(tenant_id=tenant_id)
    allocations = allocate_open(tenant_id=tenant_id)
    return {
        "payments_fixed": payments,
        "invoices_fixed": invoices,
        "customers_invoiced": len(issued),
        "allocations": allocations,
    }


def _invoice_of(order: Order) -> Invoice | None:
    return Invoice.objects.select_for_update().filter(tenant_id=order.tenant_id, order=order).first()


def order_receivable_check(*, order: Order, field: str = "status") -> None:
    """Refuse to cancel or delete an order whose invoice has collections allocated, with the reason."""
    invoice = _invoice_of(order)
    if (
        invoice is not None
        and invoice.status != Invoice.Status.CANCELLED
        and invoice.open_amount < invoice.amount
    ):
        raise ValidationError(
            {
                field: _(
                    "Collections of %(amount)s are allocated to this order's invoice %(number)s: "
                    "remove those allocations first."
                )
                % {"amount": invoice.amount - invoice.open_amount, "number": invoice.number}
            }
        )


def order_receivable_sync(*, order: Order) -> None:
    """Keep an order's invoice in step with the order after a change: cancelled with the order
    (refused when collections are allocated), issued when a cancelled order is confirmed again, its
    customer, rep, dates and amount following the order's. An amount below what was collected, or a
    move to another customer with collections allocated, is refused naming the field."""
    invoice = _invoice_of(order)
    if order.status == Order.Status.CANCELLED:
        if invoice is None or invoice.status == Invoice.Status.CANCELLED:
            return
        order_receivable_check(order=order)
        invoice.status, invoice.open_amount = Invoice.Status.CANCELLED, Decimal("0")
        invoice.save(update_fields=["status", "open_amount", "updated_at"])
        return
    if invoice is None:
        if invoices_for_orders(tenant_id=order.tenant_id, order_ids=[order.pk]):
            allocate_open(tenant_id=order.tenant_id, customer_ids=[order.customer_id])
        return
    allocated = Allocation.objects.filter(tenant_id=order.tenant_id, invoice=invoice).aggregate(
        s=Sum("amount")
    )["s"] or Decimal("0")
    if allocated and invoice.customer_id != order.customer_id:
        raise ValidationError(
            {"customer": _("Collections are allocated to this order's invoice: it stays with its customer.")}
        )
    if order.amount < allocated:
        raise ValidationError(
            {
                "lines": _("The order's amount cannot fall below the %(amount)s already collected on it.")
                % {"amount": allocated}
            }
        )
    customer = Customer.objects.get(tenant_id=order.tenant_id, pk=order.customer_id)
    invoice.customer_id, invoice.rep_id = order.customer_id, order.rep_id
    invoice.issued_on = order.order_date
    invoice.due_on = customer_due_date(customer=customer, issued_on=order.order_date)
    invoice.amount = order.amount
    invoice.open_amount = order.amount - allocated
    invoice.status = Invoice.Status.OPEN if invoice.open_amount > 0 else Invoice.Status.PAID
    invoice.save()
    Allocation.objects.filter(tenant_id=order.tenant_id, invoice=invoice).update(
        issued_on=invoice.issued_on, due_on=invoice.due_on, rep_id=invoice.rep_id
    )
    allocate_open(tenant_id=order.tenant_id, customer_ids=[order.customer_id])


def ensure_invoice_writable(*, by: Membership, invoice: Invoice) -> None:
    ensure_can_write(by)
    if invoice.tenant_id != by.tenant_id or not can_see_member(by, invoice.rep_id):
        raise PermissionDenied(_("You may not change this invoice."))


@transaction.atomic
def invoice_create(
    *,
    tenant: Tenant,
    by: Membership,
    number: str,
    customer: Customer,
    issued_on: date,
    amount: Decimal,
    due_on: date | None = None,
    rep: Membership | None = None,
) -> Invoice:
    """An invoice without an order (an opening balance from an ERP): due on `due_on`, or by the
    customer's term. The customer's unallocated collections are applied to it, oldest first."""
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer)
    rep = rep or customer.owner or by
    ensure_assignable(by=by, member=rep, field="rep")
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = _("An invoice's amount must be above zero.")
    if (
        Invoice.objects.filter(tenant=tenant, number=number).exists()
        or Order.objects.filter(tenant=tenant, number=number).exists()
    ):
        errors["number"] = _("An invoice or order with this number already exists.")
    due_on = due_on or customer_due_date(customer=customer, issued_on=issued_on)
    if due_on < issued_on:
        errors["due_on"] = _("An invoice cannot fall due before it is issued.")
    if errors:
        raise ValidationError(errors)
    invoice = Invoice.objects.create(
        tenant=tenant,
        number=number,
        customer=customer,
        rep=rep,
        issued_on=issued_on,
        due_on=due_on,
        amount=amount,
        open_amount=amount,
    )
    allocate_open(tenant_id=tenant.pk, customer_ids=[customer.pk])
    audit_log(invoice, "sales.invoice.created", actor=by, changes={"amount": [None, str(amount)]})
    invoice.refresh_from_db()
    return invoice


@transaction.atomic
def invoice_delete(*, invoice: Invoice, by: Membership) -> None:
    """An invoice posted without an order, with nothing allocated, may be deleted; an order's invoice
    goes with its order."""
    ensure_invoice_writable(by=by, invoice=invoice)
    if invoice.order_id is not None:
        raise ValidationError({"order": _("This invoice belongs to an order: change or cancel the order.")})
    if Allocation.objects.filter(tenant_id=invoice.tenant_id, invoice=invoice).exists():
        raise ValidationError({"amount": _("Collections are allocated to this invoice: remove them first.")})
    audit_log(invoice, "sales.invoice.deleted", actor=by)
    invoice.delete()


# ---- allocations ------------------------------------------------------------------------------


@transaction.atomic
def payment_allocate(
    *, payment: Payment, by: Membership, allocations: Sequence[dict[str, Any]]
) -> list[Allocation]:
    """Apply parts of a payment to invoices of its customer: `allocations` is [{"invoice": Invoice,
    "amount": Decimal}, …]. All or nothing: an amount above the invoice's open amount, or above what
    is left of the payment, is refused naming the field."""
    ensure_can_write(by)
    if payment.tenant_id != by.tenant_id or not can_see_member(by, payment.rep_id):
        raise PermissionDenied(_("You may not change this payment."))
    payment = Payment.objects.select_for_update().get(tenant_id=payment.tenant_id, pk=payment.pk)
    invoice_ids = [row["invoice"].pk for row in allocations]
    invoices = (
        Invoice.objects.select_for_update().filter(tenant_id=payment.tenant_id, pk__in=invoice_ids).in_bulk()
    )
    wanted: dict[int, Decimal] = {}
    for row in allocations:
        invoice = invoices.get(row["invoice"].pk)
        if invoice is None or invoice.customer_id != payment.customer_id:
            raise ValidationError({"invoice": _("This invoice belongs to another customer.")})
        if invoice.status != Invoice.Status.OPEN:
            raise ValidationError(
                {"invoice": _("Invoice %(number)s is not open.") % {"number": invoice.number}}
            )
        amount = row["amount"]
        if amount is None or amount <= 0:
            raise ValidationError({"amount": _("An allocation must be above zero.")})
        wanted[invoice.pk] = wanted.get(invoice.pk, Decimal("0")) + amount
        if wanted[invoice.pk] > invoice.open_amount:
            raise ValidationError(
                {
                    "amount": _("Invoice %(number)s has %(open)s open: allocate at most that.")
                    % {"number": invoice.number, "open": invoice.open_amount}
                }
            )
    total = sum(wanted.values(), Decimal("0"))
    if total > payment.unallocated:
        raise ValidationError(
            {
                "amount": _("Only %(left)s of this payment is left to allocate.")
                % {"left": payment.unallocated}
            }
        )
    made = Allocation.objects.bulk_create(
        [
            Allocation(
                tenant_id=payment.tenant_id,
                payment=payment,
                invoice=invoices[pk],
                amount=amount,
                paid_on=max(payment.received_on, invoices[pk].issued_on),
                issued_on=invoices[pk].issued_on,
                due_on=invoices[pk].due_on,
                rep_id=invoices[pk].rep_id,
                customer_id=payment.customer_id,
            )
            for pk, amount in wanted.items()
        ]
    )
    for pk, amount in wanted.items():
        invoice = invoices[pk]
        invoice.open_amount -= amount
        invoice.status = Invoice.Status.PAID if invoice.open_amount == 0 else Invoice.Status.OPEN
        invoice.save(update_fields=["open_amount", "status", "updated_at"])
    payment.unallocated -= total
    payment.save(update_fields=["unallocated", "updated_at"])
    audit_log(payment, "sales.payment.allocated", actor=by, changes={"allocated": [None, str(total)]})
    return made


def payment_allocate_default(*, payment: Payment) -> None:
    """A newly recorded payment's default allocation: its order's invoice first, then oldest first."""
    if payment.order_id:
        invoice = (
            Invoice.objects.select_for_update()
            .filter(tenant_id=payment.tenant_id, order_id=payment.order_id, status=Invoice.Status.OPEN)
            .first()
        )
        if invoice is not None and invoice.customer_id == payment.customer_id:
            amount = min(invoice.open_amount, payment.unallocated)
            if amount > 0:
                Allocation.objects.create(
                    tenant_id=payment.tenant_id,
                    payment=payment,
                    invoice=invoice,
                    amount=amount,
                    paid_on=max(payment.received_on, invoice.issued_on),
                    issued_on=invoice.issued_on,
                    due_on=invoice.due_on,
                    rep_id=invoice.rep_id,
                    customer_id=payment.customer_id,
                )
                invoice.open_amount -= amount
                invoice.status = Invoice.Status.PAID if invoice.open_amount == 0 else Invoice.Status.OPEN
                invoice.save(update_fields=["open_amount", "status", "updated_at"])
                Payment.objects.filter(tenant_id=payment.tenant_id, pk=payment.pk).update(
                    unallocated=F("unallocated") - amount
                )
    allocate_open(tenant_id=payment.tenant_id, customer_ids=[payment.customer_id])
    payment.refresh_from_db(fields=["unallocated"])


def _release(*, tenant_id: int, allocations) -> None:
    """Give the allocations' amounts back to their invoices and payments, then delete them."""
    now = timezone.now()

    def given_back(key: str) -> Subquery:
        mine = allocations.filter(**{key: OuterRef("pk")}).values(key).annotate(s=Sum("amount"))
        return Subquery(mine.values("s"))

    # Three statements whatever the number of allocations (a payment spread over many invoices).
    Invoice.objects.filter(tenant_id=tenant_id, pk__in=allocations.values("invoice_id")).update(
        open_amount=F("open_amount") + given_back("invoice_id"), status=Invoice.Status.OPEN, updated_at=now
    )
    Payment.objects.filter(tenant_id=tenant_id, pk__in=allocations.values("payment_id")).update(
        unallocated=F("unallocated") + given_back("payment_id"), updated_at=now
    )
    allocations.delete()


@transaction.atomic
def allocation_delete(*, allocation: Allocation, by: Membership) -> None:
    """Undo an allocation: the invoice is open again by its amount, the payment has it to allocate."""
    ensure_can_write(by)
    if allocation.tenant_id != by.tenant_id or not can_see_member(by, allocation.rep_id):
        raise PermissionDenied(_("You may not change this allocation."))
    audit_log(allocation, "sales.allocation.deleted", actor=by)
    _release(
        tenant_id=allocation.tenant_id,
        allocations=Allocation.objects.filter(tenant_id=allocation.tenant_id, pk=allocation.pk),
    )


def payment_receivable_sync(*, payment: Payment, old_customer_id: int) -> None:
    """After a payment changed: its allocations follow its day; a lower amount may not fall below
    what is allocated, another customer is refused while allocations exist; money freed or added is
    applied oldest first."""
    allocated = Allocation.objects.filter(tenant_id=payment.tenant_id, payment=payment).aggregate(
        s=Sum("amount")
    )["s"] or Decimal("0")
    if allocated and payment.customer_id != old_customer_id:
        raise ValidationError(
            {
                "customer": _(
                    "This payment is allocated to invoices of its customer: remove those allocations first."
                )
            }
        )
    if payment.amount < allocated:
        raise ValidationError(
            {
                "amount": _("%(amount)s of this payment is allocated to invoices: it cannot be less.")
                % {"amount": allocated}
            }
        )
    Payment.objects.filter(tenant_id=payment.tenant_id, pk=payment.pk).update(
        unallocated=payment.amount - allocated
    )
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE sales_allocation SET paid_on = greatest(%s::date, issued_on)"
            " WHERE tenant_id = %s AND payment_id = %s",
            [payment.received_on, payment.tenant_id, payment.pk],
        )
    allocate_open(tenant_id=payment.tenant_id, customer_ids=[payment.customer_id])
    payment.refresh_from_db(fields=["unallocated"])


def payment_receivable_release(*, payment: Payment) -> None:
    """Before a payment is deleted: its allocations are undone, and other unallocated money of the
    customer fills the invoices that open again."""
    _release(
        tenant_id=payment.tenant_id,
        allocations=Allocation.objects.filter(tenant_id=payment.tenant_id, payment=payment),
    )
