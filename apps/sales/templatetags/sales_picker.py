"""{% product_picker %}: the searchable product picker, for any form that takes a product."""

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("sales/_product_picker.html", takes_context=True)
def product_picker(
    context: template.Context,
    *name_parts: Any,
    field_id: str = "",
    value: Any = None,
    label: str = "",
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A text box that finds products by name, SKU or category as the user types (the member's
    usual products first, on focus), a list to pick from by pointer or keyboard, and a hidden field
    that posts the chosen product's id under the field's name — what a <select> of every product
    posted, without sending ~2,000 options to a phone.

    The name is `name_parts` joined, so a form row writes `{% product_picker "visits-" i "-lines-" j
    "-product" %}`; `field_id` is the text box's id (for its <label>; `id_<name>` by default);
    `value` and `label` are the product chosen and its text when a refused form is shown again —
    or `labels`, the texts of the products a page shows again by id (sales.selectors.product_labels,
    one query for the whole form)."""
    name = "".join(str(part) for part in name_parts)
    value = "" if value is None else str(value)
    return {
        "tenant": context["tenant"],
        "name": name,
        "field_id": field_id or f"id_{name}",
        "value": value,
        "label": label or (labels or {}).get(value, ""),
    }
