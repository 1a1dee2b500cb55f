"""The demo's receivables: the usual payment terms (the starter set of the demo's language), a term
per customer by segment, credit limits on the key accounts, then the invoices of the foundation's
orders and its payments allocated oldest first (receivables_rebuild, set-based). The foundation's
collections lag orders by more than some segments' terms and a few never come, so the ageing and
the overdue cards have something to show."""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from apps.customers.models import Customer
from apps.tenancy.demo import DemoContext

from ..models import CustomerCredit, Order, PaymentTerm
from ..services import receivables_rebuild
from ..starter import load_payment_terms

# segment -> position of its term in the starter file (cash, net 30, net 60, month end + 30, + 60)
SEGMENT_TERM = {"retail": 0, "dealer": 1, "enterprise": 3, "public": 4, "other": 2}


def seed_receivables(ctx: DemoContext) -> None:
    tenant = ctx.tenant
    language = "zh-hans" if ctx.spec.locale == "zh" else "en"
    path = settings.BASE_DIR / "fixtures" / "sales" / f"payment_terms.{language}.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    load_payment_terms(tenant=tenant, rows=rows, by=None)
    terms = dict(PaymentTerm.objects.filter(tenant=tenant).values_list("name", "pk"))
    by_position = [terms[row["name"]] for row in rows]
    # Key accounts get a limit of about two months of their orders, rounded: some are over it.
    monthly = dict(
        Order.objects.filter(tenant=tenant, status=Order.Status.CONFIRMED, customer__is_key_account=True)
        .values("customer_id")
        .annotate(s=Sum("amount"))
        .values_list("customer_id", "s")
    )
    credits = []
    for pk, segment, key in Customer.objects.filter(tenant=tenant).values_list(
        "pk", "segment", "is_key_account"
    ):
        limit = None
        if key and monthly.get(pk):
            limit = max((monthly[pk] / 6 / 1000).quantize(Decimal("1")) * 1000, Decimal("1000"))
        credits.append(
            CustomerCredit(
                tenant=tenant,
                customer_id=pk,
                payment_term_id=by_position[SEGMENT_TERM.get(segment, 2)],
                credit_limit=limit,
            )
        )
    CustomerCredit.objects.bulk_create(credits, batch_size=2000)
    receivables_rebuild(tenant_id=tenant.pk)
