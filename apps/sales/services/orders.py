"""Writes to the catalogue, orders and payments. Amounts and the customers' first/last order dates
are derived here, in the writing transaction, so lists and the KPI engine read stored facts."""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.customers.models import Customer
from apps.customers.selectors import assignable_members, visible_customers
from apps.customers.services import (
    apply_changes,
    ensure_assignable,
    ensure_can_write,
    ensure_customer_writable,
    ensure_same_tenant,
)
from apps.org.selectors import can_see_member
from apps.tenancy.audit import audit_log
from apps.tenancy.models import AuditLog, Membership, Role, Tenant
from apps.tenancy.money import money

from ..models import Order, OrderLine, Payment, Product, ProductCategory
from ..selectors.orders import visible_orders
from .receivables import (
    allocate_open,
    invoices_for_orders,
    order_receivable_check,
    order_receivable_sync,
    payment_allocate,
    payment_allocate_default,
    payment_receivable_release,
    payment_receivable_sync,
)


class BulkValidationError(Exception):
    """Some rows of a bulk call are bad: `errors` is [{"row": index, "errors": {field: [...]}}]."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors


def _unknown(pk: Any) -> str:
    return _('Invalid pk "%(pk)s" - object does not exist.') % {"pk": pk}


# ---- catalogue ------------------------------------------------------------------------------


def ensure_catalogue_writer(by: Membership) -> None:
    if by.role not in (Role.ADMIN, Role.MANAGER):
        raise PermissionDenied(_("Only administrators and sales managers may change the catalogue."))


def _ensure_unique(qs, field: str, value: str, exclude_pk: int | None, message: str) -> None:
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.filter(**{field: value}).exists():
        raise ValidationError({field: message})


@transaction.atomic
def category_create(*, tenant: Tenant, by: Membership, code: str, name: str) -> ProductCategory:
    ensure_catalogue_writer(by)
    _ensure_unique(
        ProductCategory.objects.filter(tenant=tenant), "code", code, None, _("This code is taken.")
    )
    category = ProductCategory.objects.create(tenant=tenant, code=code, name=name)
    audit_log(category, "sales.category.created", actor=by)
    return category


@transaction.atomic
def category_update(*, category: ProductCategory, by: Membership, **data: Any) -> ProductCategory:
    ensure_catalogue_writer(by)
    if "code" in data:
        _ensure_unique(
            ProductCategory.objects.filter(tenant_id=category.tenant_id),
            "code",
            data["code"],
            category.pk,
            _("This code is taken."),
        )
    changes = apply_changes(category, data)
    audit_log(category, "sales.category.updated", actor=by, changes=changes)
    return category


@transaction.atomic
def category_delete(*, category: ProductCategory, by: Membership) -> None:
    """A category that still has products raises ProtectedError (409)."""
    ensure_catalogue_writer(by)
    audit_log(category, "sales.category.deleted", actor=by)
    category.delete()


@transaction.atomic
def product_create(
    *, tenant: Tenant, by: Membership, sku: str, name: str, category: ProductCategory, **fields: Any
) -> Product:
    ensure_catalogue_writer(by)
    ensure_same_tenant(tenant, category=category)
    _ensure_unique(
        Product.objects.filter(tenant=tenant), "sku", sku, None, _("A product with this SKU exists.")
    )
    product = Product.objects.create(tenant=tenant, sku=sku, name=name, category=category, **fields)
    audit_log(product, "sales.product.created", actor=by)
    return product


@transaction.atomic
def product_update(*, product: Product, by: Membership, **data: Any) -> Product:
    """Price changes apply to new orders only: existing lines keep the price they were sold at."""
    ensure_catalogue_writer(by)
    ensure_same_tenant(product.tenant, category=data.get("category"))
    if "sku" in data:
        _ensure_unique(
            Product.objects.filter(tenant_id=product.tenant_id),
            "sku",
            data["sku"],
            product.pk,
            _("A product with this SKU exists."),
        )
    changes = apply_changes(product, data)
    audit_log(product, "sales.product.updated", actor=by, changes=changes)
    return product


@transaction.atomic
def product_delete(*, product: Product, by: Membership) -> None:
    """A product on any order line raises ProtectedError (409): deactivate it instead."""
    ensure_catalogue_writer(by)
    audit_log(product, "sales.product.deleted", actor=by)
    product.delete()


# ---- customers' order dates -----------------------------------------------------------------


def customer_order_dates_refresh(*, tenant_id: int, customer_ids: Iterable[int] | None = None) -> int:
    """Recompute first/last confirmed order date of the given customers (all of the tenant's when
    `customer_ids` is None) in one statement: the one way every writer, bulk load and seeder keeps them.

    Each date is an index probe on (tenant, customer, order_date), never an aggregate over the
    tenant's orders joined back to its customers: with statistics taken before a bulk load (the new
    tenant's rows estimated at one) the planner turned that aggregate into a nested loop that
    re-aggregated every order for every customer, minutes for 20,000 customers. The probes cost
    the same whatever the statistics say. Only rows whose dates really change are written, so sync
    clients are not sent unchanged customers. Returns the number of customers updated.
    """
    ids = None if customer_ids is None else sorted({int(pk) for pk in customer_ids})
    if ids == []:
        return 0
    customer, order = Customer._meta.db_table, Order._meta.db_table
    confirmed = Order.Status.CONFIRMED
    with connection.cursor() as cur:
        cur.execute(
            f"""
            UPDATE {customer} AS c
               SET first_order_date = s.first_date, last_order_date = s.last_date, updated_at = %s
              FROM (
                SELECT c2.id,
                       (SELECT o.order_date FROM {order} o
                         WHERE o.tenant_id = c2.tenant_id AND o.customer_id = c2.id AND o.status = %s
                         ORDER BY o.order_date LIMIT 1) AS first_date,
                       (SELECT o.order_date FROM {order} o
                         WHERE o.tenant_id = c2.tenant_id AND o.customer_id = c2.id AND o.status = %s
                         ORDER BY o.order_date DESC LIMIT 1) AS last_date
                  FROM {customer} c2
                 WHERE c2.tenant_id = %s AND (%s::bigint[] IS NULL OR c2.id = ANY(%s::bigint[]))
              ) AS s
             WHERE c.tenant_id = %s AND c.id = s.id
               AND (c.first_order_date IS DISTINCT FROM s.first_date
                    OR c.last_order_date IS DISTINCT FROM s.last_date)
            """,
            [timezone.now(), confirmed, confirmed, tenant_id, ids, ids, tenant_id],
        )
        return cur.rowcount


# ---- orders ---------------------------------------------------------------------------------


# The one shape of the numbers the app gives orders, wherever they are shown (lists, detail, daily
# reports, the API): "SO", the order's day, its place among that day's orders, at least three
# digits — SO20261206001, SO20261206002… A number a client brings (an ERP's) is kept as it is.
ORDER_NUMBER_PREFIX = "SO"
ORDER_NUMBER = re.compile(rf"^{ORDER_NUMBER_PREFIX}(\d{{8}})(\d{{3,10}})$")
# First key of the per-tenant advisory lock under which numbers are handed out (the second is the
# tenant id): two transactions numbering orders of one tenant at once would pick the same next one.
ORDER_NUMBER_LOCK = 0x0D5E


def order_numbers_next(*, tenant_id: int, days: Sequence[date], reserved: Iterable[str] = ()) -> list[str]:
    """One new number per entry of `days` (the orders' dates, in order), each the next free place of
    its day after the highest one in the tenant's orders and in `reserved` (numbers of the same batch
    given by the client). Two statements whatever the number of orders or days; the lock is held
    until the calling transaction ends."""
    if not days:
        return []
    prefixes = {day: f"{ORDER_NUMBER_PREFIX}{day:%Y%m%d}" for day in set(days)}
    last: dict[str, int] = {}
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ORDER_NUMBER_LOCK, tenant_id])
        # A range of the (tenant, number) key per day: the numbers of that day sort between its
        # prefix and the next day's, in any collation.
        cur.execute(
            f"""
            SELECT d.low, max(substr(o.number, {len(ORDER_NUMBER_PREFIX) + 9})::bigint)
              FROM unnest(%s::text[], %s::text[]) AS d(low, high)
              JOIN {Order._meta.db_table} o
                ON o.tenant_id = %s AND o.number >= d.low AND o.number < d.high
             WHERE o.number ~ %s
             GROUP BY d.low
            """,
            [
                list(prefixes.values()),
                [f"{ORDER_NUMBER_PREFIX}{day + timedelta(days=1):%Y%m%d}" for day in prefixes],
                tenant_id,
                ORDER_NUMBER.pattern,
            ],
        )
        last = dict(cur.fetchall())
    for number in reserved:
        match = ORDER_NUMBER.match(number or "")
        if match:
            prefix = ORDER_NUMBER_PREFIX + match[1]
            last[prefix] = max(last.get(prefix, 0), int(match[2]))
    out = []
    for day in days:
        prefix = prefixes[day]
        last[prefix] = last.get(prefix, 0) + 1
        out.append(f"{prefix}{last[prefix]:03d}")
    return out


def _line(
    *, order: Order, product_id: int, quantity: Decimal, unit_price: Decimal, unit_cost: Decimal
) -> OrderLine:
    # The order's date, rep and customer are copied so the KPI engine reads one fact table.
    return OrderLine(
        tenant_id=order.tenant_id,
        order=order,
        product_id=product_id,
        quantity=quantity,
        unit_price=unit_price,
        amount=money(quantity * unit_price),
        cost=money(quantity * unit_cost),
        order_date=order.order_date,
        rep_id=order.rep_id,
        customer_id=order.customer_id,
    )


def _build_lines(order: Order, lines: list[dict]) -> list[OrderLine]:
    if not lines:
        raise ValidationError({"lines": _("An order needs at least one line.")})
    out = []
    for line in lines:
        product: Product = line["product"]
        if product.tenant_id != order.tenant_id:
            raise ValidationError({"lines": _("Unknown product.")})
        price = line.get("unit_price")
        out.append(
            _line(
                order=order,
                product_id=product.pk,
                quantity=line["quantity"],
                unit_price=product.list_price if price is None else price,
                unit_cost=product.unit_cost,
            )
        )
    _set_totals(order, out)
    return out


def _set_totals(order: Order, lines: list[OrderLine]) -> None:
    order.amount = sum((line.amount for line in lines), Decimal("0"))
    order.cost = sum((line.cost for line in lines), Decimal("0"))
    order.gross_margin = order.amount - order.cost


def _ensure_number_free(*, tenant_id: int, number: str, exclude_pk: int | None = None) -> None:
    qs = Order.objects.filter(tenant_id=tenant_id, number=number)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"number": _("An order with this number already exists.")})


def ensure_order_writable(*, by: Membership, order: Order) -> None:
    ensure_can_write(by)
    if order.tenant_id != by.tenant_id or not can_see_member(by, order.rep_id):
        raise PermissionDenied(_("You may not change this order."))


@transaction.atomic
def order_create(
    *,
    tenant: Tenant,
    by: Membership,
    customer: Customer,
    order_date: date,
    lines: list[dict],
    rep: Membership | None = None,
    number: str = "",
    status: str = Order.Status.CONFIRMED,
    note: str = "",
) -> Order:
    """An order with its lines; amounts come from the lines (price defaults to the list price)."""
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer)
    rep = rep or by
    ensure_assignable(by=by, member=rep, field="rep")
    number = number or order_numbers_next(tenant_id=tenant.pk, days=[order_date])[0]
    _ensure_number_free(tenant_id=tenant.pk, number=number)
    order = Order(
        tenant=tenant,
        number=number,
        customer=customer,
        rep=rep,
        order_date=order_date,
        status=status,
        note=note,
    )
    line_objs = _build_lines(order, lines)
    order.save()
    for line in line_objs:
        line.order = order
    OrderLine.objects.bulk_create(line_objs)
    customer_order_dates_refresh(tenant_id=tenant.pk, customer_ids=[customer.pk])
    if invoices_for_orders(tenant_id=tenant.pk, order_ids=[order.pk]):
        allocate_open(tenant_id=tenant.pk, customer_ids=[customer.pk])
    audit_log(order, "sales.order.created", actor=by, changes={"amount": [None, str(order.amount)]})
    return order


@transaction.atomic
def order_update(*, order: Order, by: Membership, **data: Any) -> Order:
    """Change an order; given lines replace all of its lines (in this transaction)."""
    ensure_order_writable(by=by, order=order)
    if "customer" in data:
        ensure_customer_writable(by=by, customer=data["customer"])
    if "rep" in data:
        ensure_assignable(by=by, member=data["rep"], field="rep")
    if not data.get("number", True):
        data.pop("number")  # blank keeps the current number
    if "number" in data and data["number"] != order.number:
        _ensure_number_free(tenant_id=order.tenant_id, number=data["number"], exclude_pk=order.pk)
    lines = data.pop("lines", None)
    old_customer_id = order.customer_id
    old_amount = order.amount
    copied = (order.order_date, order.rep_id, order.customer_id)
    changes = apply_changes(order, data)
    if lines is not None:
        OrderLine.objects.filter(tenant_id=order.tenant_id, order=order).delete()
        line_objs = _build_lines(order, lines)
        OrderLine.objects.bulk_create(line_objs)
        order.save(update_fields=["amount", "cost", "gross_margin", "updated_at"])
        if order.amount != old_amount:
            changes["amount"] = [str(old_amount), str(order.amount)]
        changes["lines"] = [None, str(len(line_objs))]
    elif copied != (order.order_date, order.rep_id, order.customer_id):
        OrderLine.objects.filter(tenant_id=order.tenant_id, order=order).update(
            order_date=order.order_date, rep_id=order.rep_id, customer_id=order.customer_id
        )
    customer_order_dates_refresh(tenant_id=order.tenant_id, customer_ids=[old_customer_id, order.customer_id])
    order_receivable_sync(order=order)
    audit_log(order, "sales.order.updated", actor=by, changes=changes)
    return order


@transaction.atomic
def order_cancel(*, order: Order, by: Membership) -> Order:
    """A cancelled order no longer counts for the customer's first/last order dates."""
    ensure_order_writable(by=by, order=order)
    if order.status == Order.Status.CANCELLED:
        raise ValidationError({"status": _("This order is already cancelled.")})
    order_receivable_check(order=order)
    order.status = Order.Status.CANCELLED
    order.save(update_fields=["status", "updated_at"])
    order_receivable_sync(order=order)
    customer_order_dates_refresh(tenant_id=order.tenant_id, customer_ids=[order.customer_id])
    audit_log(order, "sales.order.cancelled", actor=by, changes={"status": ["confirmed", "cancelled"]})
    return order


@transaction.atomic
def order_delete(*, order: Order, by: Membership) -> None:
    ensure_order_writable(by=by, order=order)
    order_receivable_check(order=order, field="order")
    customer_id = order.customer_id
    audit_log(order, "sales.order.deleted", actor=by)
    order.delete()
    customer_order_dates_refresh(tenant_id=order.tenant_id, customer_ids=[customer_id])


# ---- payments -------------------------------------------------------------------------------


def _order_of_another_customer() -> str:
    return _("This order belongs to another customer.")


def _ensure_order_of(customer_id: int, order: Order | None) -> None:
    if order is not None and order.customer_id != customer_id:
        raise ValidationError({"order": _order_of_another_customer()})


def ensure_payment_writable(*, by: Membership, payment: Payment) -> None:
    ensure_can_write(by)
    if payment.tenant_id != by.tenant_id or not can_see_member(by, payment.rep_id):
        raise PermissionDenied(_("You may not change this payment."))


@transaction.atomic
def payment_create(
    *,
    tenant: Tenant,
    by: Membership,
    customer: Customer,
    received_on: date,
    amount: Decimal,
    rep: Membership | None = None,
    order: Order | None = None,
    allocations: list[dict] | None = None,
    **fields: Any,
) -> Payment:
    """A collection from a customer, optionally against one of that customer's orders. Without
    `allocations` ([{"invoice", "amount"}]) it pays the order's invoice first, then the customer's
    open invoices oldest first; with them, exactly those (the rest stays unallocated)."""
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer)
    rep = rep or by
    ensure_assignable(by=by, member=rep, field="rep")
    ensure_same_tenant(tenant, order=order)
    _ensure_order_of(customer.pk, order)
    payment = Payment.objects.create(
        tenant=tenant,
        customer=customer,
        rep=rep,
        order=order,
        received_on=received_on,
        amount=amount,
        unallocated=amount,
        **fields,
    )
    audit_log(payment, "sales.payment.created", actor=by, changes={"amount": [None, str(amount)]})
    if allocations is None:
        payment_allocate_default(payment=payment)
    elif allocations:
        payment_allocate(payment=payment, by=by, allocations=allocations)
    return payment


@transaction.atomic
def payment_update(*, payment: Payment, by: Membership, **data: Any) -> Payment:
    ensure_payment_writable(by=by, payment=payment)
    if "customer" in data:
        ensure_customer_writable(by=by, customer=data["customer"])
    if "rep" in data:
        ensure_assignable(by=by, member=data["rep"], field="rep")
    customer = data.get("customer", payment.customer)
    order = data["order"] if "order" in data else payment.order  # noqa: SIM401 (lazy)
    _ensure_order_of(customer.pk, order)
    old_customer_id = payment.customer_id
    changes = apply_changes(payment, data)
    payment_receivable_sync(payment=payment, old_customer_id=old_customer_id)
    audit_log(payment, "sales.payment.updated", actor=by, changes=changes)
    return payment


@transaction.atomic
def payment_delete(*, payment: Payment, by: Membership) -> None:
    ensure_payment_writable(by=by, payment=payment)
    audit_log(payment, "sales.payment.deleted", actor=by)
    payment_receivable_release(payment=payment)
    payment.delete()
    allocate_open(tenant_id=payment.tenant_id, customer_ids=[payment.customer_id])


# ---- bulk ingest ----------------------------------------------------------------------------
# Rows arrive field-validated with foreign keys as ids. Every foreign key of the whole batch is
# resolved with one query per model, so a batch costs the same number of queries at 1 row or 1,000.


class Created(NamedTuple):
    id: int
    number: str | None


# column -> PostgreSQL array type, for the unnest inserts of the bulk paths
_ORDER_COLUMNS = {
    "number": "text",
    "customer_id": "bigint",
    "rep_id": "bigint",
    "order_date": "date",
    "status": "text",
    "amount": "numeric",
    "cost": "numeric",
    "gross_margin": "numeric",
    "note": "text",
}
_LINE_COLUMNS = {
    "order_id": "bigint",
    "product_id": "bigint",
    "quantity": "numeric",
    "unit_price": "numeric",
    "amount": "numeric",
    "cost": "numeric",
    "order_date": "date",
    "rep_id": "bigint",
    "customer_id": "bigint",
}
_PAYMENT_COLUMNS = {
    "customer_id": "bigint",
    "rep_id": "bigint",
    "order_id": "bigint",
    "received_on": "date",
    "amount": "numeric",
    "method": "text",
    "reference": "text",
    "unallocated": "numeric",
}


def _unnest_insert(
    model, types: dict[str, str], columns: dict[str, list], constants: dict[str, Any], returning: str = ""
) -> list[tuple]:
    """INSERT ... SELECT FROM unnest(one array per column): one statement for the whole batch.

    Values are typed by PostgreSQL; Django's bulk_create spent most of a batch preparing each
    value of each row in Python, which kept ingest under the 2,000 orders/s goal.
    """
    names = list(types) + list(constants)
    arrays = ", ".join(f"%s::{pgtype}[]" for pgtype in types.values())
    consts = ", ".join(["%s"] * len(constants))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
        f"SELECT u.*, {consts} FROM unnest({arrays}) AS u"
    )
    if returning:
        sql += f" RETURNING {returning}"
    params = list(constants.values()) + [columns[name] for name in types]  # in textual order
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall() if returning else []


def _visible_customer_ids(tenant: Tenant, by: Membership, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    qs = visible_customers(Customer.objects.filter(tenant=tenant, pk__in=ids), by)
    return set(qs.values_list("pk", flat=True))


def _assignable_member_ids(by: Membership, ids: set[int]) -> set[int]:
    qs = assignable_members(Membership.objects.filter(pk__in=ids), by)
    return set(qs.values_list("pk", flat=True))


def _raise_if_errors(errors: dict[int, dict]) -> None:
    if errors:
        raise BulkValidationError([{"row": i, "errors": errors[i]} for i in sorted(errors)])


def _add(errors: dict[int, dict], row: int, field: str, message: Any) -> None:
    errors.setdefault(row, {})[field] = message if isinstance(message, list | dict) else [message]


@transaction.atomic
def order_bulk_create(
    *, tenant: Tenant, by: Membership, rows: Sequence[dict | None], errors: dict[int, dict] | None = None
) -> list[Created]:
    """Insert many orders with their lines, all or nothing.

    `rows` are field-validated dicts (customer, rep, product as ids); a row that failed field
    validation is None with its errors in `errors`. Foreign keys and order numbers of the other rows
    are still checked so the caller hears of every bad row at once; then BulkValidationError.
    """
    ensure_can_write(by)
    errors = dict(errors or {})
    valid = [(i, row) for i, row in enumerate(rows) if row is not None]
    for _i, row in valid:
        row["rep"] = row.get("rep") or by.pk
    customers = _visible_customer_ids(tenant, by, {row["customer"] for _i, row in valid})
    members = _assignable_member_ids(by, {row["rep"] for _i, row in valid})
    product_ids = {line["product"] for _i, row in valid for line in row["lines"]}
    products = (
        {
            pk: (price, cost)
            for pk, price, cost in Product.objects.filter(tenant=tenant, pk__in=product_ids).values_list(
                "pk", "list_price", "unit_cost"
            )
        }
        if product_ids
        else {}
    )
    numbers = [row["number"] for _i, row in valid if row.get("number")]
    counts = Counter(numbers)
    taken = (
        set(Order.objects.filter(tenant=tenant, number__in=set(numbers)).values_list("number", flat=True))
        if numbers
        else set()
    )
    for i, row in valid:
        if row["customer"] not in customers:
            _add(errors, i, "customer", _unknown(row["customer"]))
        if row["rep"] not in members:
            _add(errors, i, "rep", _unknown(row["rep"]))
        number = row.get("number")
        if number and number in taken:
            _add(errors, i, "number", _("An order with this number already exists."))
        elif number and counts[number] > 1:
            _add(errors, i, "number", _("This number appears more than once in the batch."))
        line_errors = {  # keyed by line position, like DRF's errors for nested lists
            n: {"product": [_unknown(line["product"])]}
            for n, line in enumerate(row["lines"])
            if line["product"] not in products
        }
        if line_errors:
            _add(errors, i, "lines", line_errors)
    _raise_if_errors(errors)

    new_numbers = iter(
        order_numbers_next(
            tenant_id=tenant.pk,
            days=[row["order_date"] for _i, row in valid if not row.get("number")],
            reserved=numbers,
        )
    )
    now = timezone.now()
    order_cols: dict[str, list] = {k: [] for k in _ORDER_COLUMNS}
    line_cols: dict[str, list] = {k: [] for k in _LINE_COLUMNS}
    line_numbers: list[str] = []  # the order each line belongs to, by number (ids come back later)
    for _i, row in valid:
        number = row.get("number") or next(new_numbers)
        amount = cost = Decimal("0")
        for line in row["lines"]:
            list_price, unit_cost = products[line["product"]]
            price = line.get("unit_price")
            price = list_price if price is None else price
            line_amount, line_cost = money(line["quantity"] * price), money(line["quantity"] * unit_cost)
            amount += line_amount
            cost += line_cost
            line_numbers.append(number)
            for key, value in (
                ("product_id", line["product"]),
                ("quantity", str(line["quantity"])),
                ("unit_price", str(price)),
                ("amount", str(line_amount)),
                ("cost", str(line_cost)),
                ("order_date", row["order_date"]),
                ("rep_id", row["rep"]),
                ("customer_id", row["customer"]),
            ):
                line_cols[key].append(value)
        for key, value in (
            ("number", number),
            ("customer_id", row["customer"]),
            ("rep_id", row["rep"]),
            ("order_date", row["order_date"]),
            ("status", row.get("status") or Order.Status.CONFIRMED),
            ("amount", str(amount)),
            ("cost", str(cost)),
            ("gross_margin", str(amount - cost)),
            ("note", row.get("note", "")),
        ):
            order_cols[key].append(value)
    base = {"tenant_id": tenant.pk, "created_at": now, "updated_at": now}
    ids = dict(
        _unnest_insert(Order, _ORDER_COLUMNS, order_cols, {**base, "sync_xid": 0}, returning="number, id")
    )
    line_cols["order_id"] = [ids[number] for number in line_numbers]
    _unnest_insert(OrderLine, _LINE_COLUMNS, line_cols, base)
    created = [Created(ids[number], number) for number in order_cols["number"]]
    _audit_bulk(Order, "number", [c.id for c in created], "sales.order.created", by, now)
    customer_order_dates_refresh(tenant_id=tenant.pk, customer_ids=customers)
    invoiced = invoices_for_orders(tenant_id=tenant.pk, order_ids=[c.id for c in created])
    allocate_open(tenant_id=tenant.pk, customer_ids=invoiced)
    return created


@transaction.atomic
def payment_bulk_create(
    *, tenant: Tenant, by: Membership, rows: Sequence[dict | None], errors: dict[int, dict] | None = None
) -> list[Created]:
    """Insert many payments, all or nothing; same contract as order_bulk_create."""
    ensure_can_write(by)
    errors = dict(errors or {})
    valid = [(i, row) for i, row in enumerate(rows) if row is not None]
    for _i, row in valid:
        row["rep"] = row.get("rep") or by.pk
    customers = _visible_customer_ids(tenant, by, {row["customer"] for _i, row in valid})
    members = _assignable_member_ids(by, {row["rep"] for _i, row in valid})
    order_ids = {row["order"] for _i, row in valid if row.get("order")}
    orders = (
        dict(
            visible_orders(Order.objects.filter(tenant=tenant, pk__in=order_ids), by).values_list(
                "pk", "customer_id"
            )
        )
        if order_ids
        else {}
    )
    for i, row in valid:
        if row["customer"] not in customers:
            _add(errors, i, "customer", _unknown(row["customer"]))
        if row["rep"] not in members:
            _add(errors, i, "rep", _unknown(row["rep"]))
        order_id = row.get("order")
        if order_id and order_id not in orders:
            _add(errors, i, "order", _unknown(order_id))
        elif order_id and orders[order_id] != row["customer"]:
            _add(errors, i, "order", _order_of_another_customer())
    _raise_if_errors(errors)

    now = timezone.now()
    cols: dict[str, list] = {k: [] for k in _PAYMENT_COLUMNS}
    for _i, row in valid:
        for key, value in (
            ("customer_id", row["customer"]),
            ("rep_id", row["rep"]),
            ("order_id", row.get("order")),
            ("received_on", row["received_on"]),
            ("amount", str(row["amount"])),
            ("method", row.get("method") or Payment.Method.TRANSFER),
            ("reference", row.get("reference", "")),
            ("unallocated", str(row["amount"])),
        ):
            cols[key].append(value)
    base = {"tenant_id": tenant.pk, "created_at": now, "updated_at": now, "sync_xid": 0}
    # RETURNING follows the order of the unnest rows (as Django's own bulk_create relies on).
    ids = [pk for (pk,) in _unnest_insert(Payment, _PAYMENT_COLUMNS, cols, base, returning="id")]
    created = [Created(pk, None) for pk in ids]
    repr_sql = "customer_id || ' ' || amount || ' ' || received_on"
    _audit_bulk(Payment, repr_sql, ids, "sales.payment.created", by, now)
    allocate_open(tenant_id=tenant.pk, customer_ids=customers)
    return created


def _audit_bulk(model, repr_sql: str, ids: list[int], action: str, by: Membership, now) -> None:
    """One audit row per created object, written by the database from the inserted rows."""
    if not ids:
        return
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO {AuditLog._meta.db_table}
                (tenant_id, actor_id, action, object_type, object_id, object_repr, changes,
                 created_at, updated_at)
            SELECT tenant_id, %s, %s, %s, id, left({repr_sql}, 200), %s::jsonb, %s, %s
              FROM {model._meta.db_table}
             WHERE tenant_id = %s AND id = ANY(%s)
            """,
            [
                by.pk,
                action,
                model._meta.label_lower,
                f'{{"bulk": [null, "{len(ids)}"]}}',
                now,
                now,
                by.tenant_id,
                ids,
            ],
        )
