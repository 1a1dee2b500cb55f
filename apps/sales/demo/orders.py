"""The demo's products, and a year of orders (with lines) and of the collections that follow them on
each segment's payment terms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from apps.tenancy.demo import DemoContext
from apps.tenancy.money import money

from ..models import Order, OrderLine, Payment, Product, ProductCategory
from ..services import ORDER_NUMBER_PREFIX
from .pools import Pools
from .season import DAYS, season_factor

# Orders per month of an active customer, by segment; key accounts order more and bigger.
SEGMENT_RATE = {"retail": 1.6, "dealer": 3.0, "enterprise": 1.3, "public": 0.6, "other": 0.5}
SEGMENT_QTY = {"retail": 1.0, "dealer": 3.0, "enterprise": 1.5, "public": 1.2, "other": 0.8}
PAY_TERMS = {
    "retail": (0, 10),
    "dealer": (20, 45),
    "enterprise": (30, 90),
    "public": (45, 120),
    "other": (10, 40),
}
PAY_METHODS = {
    "retail": ("mobile", "cash", "transfer"),
    "dealer": ("transfer", "transfer", "cheque"),
    "enterprise": ("transfer",),
    "public": ("transfer", "cheque"),
    "other": ("transfer", "mobile"),
}


def seed_products(ctx: DemoContext, pools: Pools) -> list[Product]:
    tenant = ctx.tenant
    cats = ProductCategory.objects.bulk_create(
        [ProductCategory(tenant=tenant, code=code, name=name) for code, name in pools.categories]
    )
    cat_by_code = {c.code: c for c in cats}
    rows = pools.products[: ctx.spec.products]
    return Product.objects.bulk_create(
        [
            Product(
                tenant=tenant,
                sku=sku,
                name=name,
                category=cat_by_code[cat],
                unit=unit,
                list_price=money(price),
                unit_cost=money(price * ratio),
            )
            for sku, name, cat, unit, price, ratio in rows
        ]
    )


def seed_orders_and_payments(ctx: DemoContext, pools: Pools, rng, plans, products: list[Product]) -> None:
    tenant = ctx.tenant
    first_day = ctx.today - dt.timedelta(days=DAYS - 1)
    days = [first_day + dt.timedelta(days=i) for i in range(DAYS)]
    season = [season_factor(d) for d in days]

    # (day index, customer code, lines) where lines are (product, qty, unit price)
    drafts = []
    for plan in plans:
        c = plan.customer
        rate = SEGMENT_RATE[c.segment] * (2.2 if c.is_key_account else 1.0) * rng.uniform(0.6, 1.4)
        per_day = rate * 12 / DAYS / 0.8  # /0.8: the calendar's factors average about 0.8
        favourites = rng.sample(products, k=min(len(products), rng.randrange(4, 9)))
        discount = (0.86, 0.94) if c.is_key_account else (0.8, 0.9) if c.segment == "dealer" else (0.95, 1.0)
        for i in range(plan.start, plan.end + 1):
            if rng.random() >= per_day * season[i]:
                continue
            lines = []
            for product in rng.sample(favourites, k=min(len(favourites), rng.choice((1, 1, 2, 2, 3, 4)))):
                price = float(product.list_price)
                base = 40 if price < 200 else 8 if price < 2000 else 2
                qty = max(
                    1,
                    round(
                        rng.uniform(0.3, 1.0) * base * SEGMENT_QTY[c.segment] * (2 if c.is_key_account else 1)
                    ),
                )
                unit_price = money(price * rng.uniform(*discount))
                lines.append((product, Decimal(qty), unit_price))
            drafts.append((i, c.code, c, lines))
    drafts.sort(key=lambda d: (d[0], d[1]))

    orders, order_lines, per_day_count = [], [], {}
    for i, _code, c, lines in drafts:
        day = days[i]
        per_day_count[i] = per_day_count.get(i, 0) + 1
        status = Order.Status.CANCELLED if rng.random() < 0.02 else Order.Status.CONFIRMED
        amount = sum((money(q * p) for _pr, q, p in lines), Decimal("0"))
        cost = sum((money(q * pr.unit_cost) for pr, q, _p in lines), Decimal("0"))
        order = Order(
            tenant=tenant,
            number=f"{ORDER_NUMBER_PREFIX}{day:%Y%m%d}{per_day_count[i]:03d}",
            customer=c,
            rep_id=c.owner_id,
            order_date=day,
            status=status,
            amount=amount,
            cost=cost,
            gross_margin=amount - cost,
        )
        orders.append(order)
        order_lines.append(lines)
    Order.objects.bulk_create(orders, batch_size=2000)
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                tenant=tenant,
                order=order,
                product=product,
                quantity=qty,
                unit_price=unit_price,
                amount=money(qty * unit_price),
                cost=money(qty * product.unit_cost),
                order_date=order.order_date,
                rep_id=order.rep_id,
                customer_id=order.customer_id,
            )
            for order, lines in zip(orders, order_lines, strict=True)
            for product, qty, unit_price in lines
        ],
        batch_size=5000,
    )

    # Collections lag orders by the segment's payment terms; some come in two parts, a few never.
    payments = []
    for order in orders:
        if order.status != Order.Status.CONFIRMED:
            continue
        segment = order.customer.segment
        low, high = PAY_TERMS[segment]
        lag = rng.randint(low, high) + (15 if order.customer.is_key_account else 0)
        roll = rng.random()
        if roll < 0.04:
            continue  # overdue, not collected yet
        if roll < 0.2:
            first = money(order.amount * Decimal(str(round(rng.uniform(0.3, 0.7), 2))))
            parts = [(lag, first), (lag + rng.randint(20, 60), order.amount - first)]
        else:
            parts = [(lag, order.amount)]
        for k, (days_later, amount) in enumerate(parts):
            received = order.order_date + dt.timedelta(days=days_later)
            if received > ctx.today or amount <= 0:
                continue
            method = rng.choice(PAY_METHODS[segment])
            payments.append(
                Payment(
                    tenant=tenant,
                    customer_id=order.customer_id,
                    rep_id=order.rep_id,
                    order=order,
                    received_on=received,
                    amount=amount,
                    method=method,
                    reference=f"{order.number}-{k + 1}",
                )
            )
    Payment.objects.bulk_create(payments, batch_size=5000)
