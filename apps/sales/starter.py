"""Starter data of a new organisation (apps/tenancy/starter.py): the usual payment terms, in its
language, from fixtures/sales/payment_terms.<language>.json."""

from typing import Any

from apps.tenancy.models import Membership, Tenant

from .models import PaymentTerm
from .services import payment_term_create


def load_payment_terms(*, tenant: Tenant, rows: list[dict[str, Any]], by: Membership | None) -> int:
    """Rows: {"name", "days", "basis", "is_default"}; a default is only taken when the tenant has none."""
    have = set(PaymentTerm.objects.filter(tenant=tenant).values_list("name", flat=True))
    has_default = PaymentTerm.objects.filter(tenant=tenant, is_default=True).exists()
    created = 0
    for row in rows:
        if row["name"] in have:
            continue
        payment_term_create(
            tenant=tenant,
            by=by,
            name=row["name"],
            days=row["days"],
            basis=row.get("basis", PaymentTerm.Basis.INVOICE_DATE),
            is_default=bool(row.get("is_default")) and not has_default,
        )
        have.add(row["name"])
        created += 1
    return created
