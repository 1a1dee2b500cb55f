"""Starting a new organisation for an operator (`manage.py create_organisation`): the tenant and its
starter data (apps.tenancy) and the invitation of its first administrator, in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from apps.tenancy.context import tenant_context
from apps.tenancy.models import Role, Tenant
from apps.tenancy.services import organisation_create, organisation_validate

from ..models import Invitation
from .invitations import invitation_create


@transaction.atomic
def organisation_start(
    *, name: str, slug: str, timezone: str, currency: str, language: str, admin_email: str
) -> tuple[Tenant, Invitation]:
    """Create the organisation with its starter data and invite its first administrator by mail
    (a signed, single-use link, sent through the outbox once this commits). Every argument is
    checked before anything is written; all problems are raised at once, by argument."""
    errors = organisation_validate(
        name=name, slug=slug, timezone=timezone, currency=currency, language=language
    )
    try:
        validate_email((admin_email or "").strip())
    except ValidationError:
        errors["admin_email"] = [_("Enter a valid e-mail address.")]
    if errors:
        raise ValidationError(errors)
    tenant = organisation_create(
        name=name, slug=slug, timezone=timezone, currency=currency, language=language
    )
    with tenant_context(tenant):
        invitation = invitation_create(tenant=tenant, by=None, email=admin_email, role=Role.ADMIN)
    return tenant, invitation
