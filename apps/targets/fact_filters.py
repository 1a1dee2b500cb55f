"""Fact filters shared by tenant-defined metrics and compute(filters=...): validated here, turned
into SQL with bound parameters by the engine."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.customers.models import Customer
from apps.org.models import Region
from apps.sales.models import Product, ProductCategory
from apps.tenancy.models import Membership

from .metrics import FactSource, RatioMetric, registry

# key -> (model whose ids it lists or None, the source column it needs)
FILTER_KEYS = {
    "category_ids": (ProductCategory, "product"),
    "product_ids": (Product, "product"),
    "region_ids": (Region, "customer"),
    "segment": (None, "customer"),
    "key_account": (None, "customer"),
    "customer_ids": (Customer, "customer"),
}
COMPUTE_ONLY_KEYS = {"rep_ids": (Membership, "rep")}


def filters_validate(
    *, tenant_id: int, filters: dict, source: FactSource | None, allow_reps: bool = False
) -> dict:
    """Check keys, types and that every id belongs to the tenant; returns the normalised filters."""
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise ValidationError({"filters": _("Filters must be an object.")})
    known = FILTER_KEYS | (COMPUTE_ONLY_KEYS if allow_reps else {})
    errors: dict[str, str] = {}
    clean: dict = {}
    for key, value in filters.items():
        if key not in known:
            errors[key] = _("Unknown filter.")
            continue
        model, needs = known[key]
        if source is not None and not source_has(source, needs):
            errors[key] = _("This metric's facts cannot be filtered by %(what)s.") % {"what": needs}
            continue
        if key == "segment":
            if value not in Customer.Segment.values:
                errors[key] = _("Unknown segment.")
            else:
                clean[key] = value
        elif key == "key_account":
            if not isinstance(value, bool):
                errors[key] = _("Must be true or false.")
            else:
                clean[key] = value
        else:
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            ):
                errors[key] = _("Must be a non-empty list of ids.")
                continue
            ids = sorted(set(value))
            # Only segment and key_account (handled above) have no model.
            manager = model.objects if model is not Membership else Membership.objects  # type: ignore[union-attr]
            found = set(manager.filter(tenant_id=tenant_id, pk__in=ids).values_list("pk", flat=True))
            missing = [i for i in ids if i not in found]
            if missing:
                errors[key] = _("Unknown ids: %(ids)s") % {"ids": ", ".join(map(str, missing))}
            else:
                clean[key] = ids
    if errors:
        raise ValidationError(errors)
    return clean


def source_has(source: FactSource, needs: str) -> bool:
    return {
        "product": source.product_column,
        "customer": source.customer_column,
        "rep": source.rep_column,
    }[needs] is not None


def custom_metric_validate(*, tenant_id: int, code: str, base: str, filters: dict) -> dict:
    """A custom metric narrows a built-in by filters its facts can carry; returns the clean filters."""
    if code in registry:
        raise ValidationError({"code": _("This code belongs to a built-in metric.")})
    metric = registry.get(base)
    if metric is None:
        raise ValidationError({"base": _("Unknown metric: %(code)s") % {"code": base}})
    sources = {registry.sources[leaf.source] for leaf in registry.leaves(metric)}
    clean: dict = {}
    for source in sources:
        clean = filters_validate(tenant_id=tenant_id, filters=filters, source=source)
    if isinstance(metric, RatioMetric) and not sources:  # pragma: no cover - a ratio always has leaves
        raise ValidationError({"base": _("Unknown metric: %(code)s") % {"code": base}})
    return clean
