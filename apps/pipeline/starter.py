"""Loader of the pipeline's starter data (see apps.tenancy.starter): the seed's sales steps as the
organisation's first stages, written through the app's services. A stage whose name the
organisation already has is skipped, so loading twice adds nothing."""

from __future__ import annotations

from typing import Any

from apps.tenancy.models import Membership, Tenant

from .models import Stage
from .services import stage_create


def load_stages(*, tenant: Tenant, rows: list[dict[str, Any]], by: Membership | None) -> int:
    """Rows: {"name", "order", "probability", "kind", "requires": [field names]}."""
    have = set(Stage.objects.filter(tenant=tenant).values_list("name", flat=True))
    created = 0
    for row in rows:
        if row["name"] in have:
            continue
        requires = set(row.get("requires", []))
        stage_create(
            tenant=tenant,
            by=None,
            name=row["name"],
            order=row["order"],
            probability=row["probability"],
            kind=row.get("kind", Stage.Kind.OPEN),
            **{f"requires_{f}": f in requires for f in Stage.REQUIREMENTS},
        )
        have.add(row["name"])
        created += 1
    return created
