"""Writes to customers, contacts and interactions: ownership rules, audit, one transaction each."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.org.selectors import can_see_member
from apps.tenancy.audit import audit_log, diff
from apps.tenancy.models import Membership, Tenant
from apps.tenancy.phones import phone_fields_check

from .models import Contact, Customer, Interaction


def ensure_can_write(by: Membership) -> None:
    if not by.can_write:
        raise PermissionDenied(_("Your role may not change records."))


def ensure_assignable(*, by: Membership, member: Membership, field: str) -> None:
    """A rep may only name themself, a manager someone in their reporting subtree, an admin anyone."""
    if member.tenant_id != by.tenant_id or not member.is_active:
        raise ValidationError({field: _("Unknown member.")})
    if not can_see_member(by, member.pk):
        raise PermissionDenied(_("You may not assign records to this member."))


def ensure_same_tenant(tenant: Tenant, **objs: models.Model | None) -> None:
    """Belt and braces under the scoped querysets: a related row of another tenant is a field error."""
    for field, obj in objs.items():
        if obj is not None and obj.tenant_id != tenant.pk:  # type: ignore[attr-defined]  # tenant rows only
            raise ValidationError({field: _("Unknown record.")})


def ensure_customer_writable(*, by: Membership, customer: Customer, field: str = "customer") -> None:
    if customer.tenant_id != by.tenant_id:
        raise ValidationError({field: _("Unknown record.")})
    if not can_see_member(by, customer.owner_id):
        raise PermissionDenied(_("You may not change records of this customer."))


def apply_changes(instance: models.Model, data: dict[str, Any]) -> dict:
    """Set `data` on the instance and save only what changed; returns the audit diff."""
    changes = diff(instance, data)
    for field, value in data.items():
        setattr(instance, field, value)
    fields = [f for f in data if f in changes]
    instance.save(update_fields=[*fields, "updated_at"] if fields else ["updated_at"])
    return changes


def _ensure_code_free(*, tenant: Tenant, code: str, exclude_pk: int | None = None) -> None:
    qs = Customer.objects.filter(tenant=tenant, code=code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"code": _("A customer with this code already exists.")})


@transaction.atomic
def customer_create(
    *, tenant: Tenant, by: Membership, code: str, name: str, owner: Membership | None = None, **fields: Any
) -> Customer:
    """A new customer, owned by the caller unless a manager or admin names someone they supervise."""
    ensure_can_write(by)
    owner = owner or by
    ensure_assignable(by=by, member=owner, field="owner")
    ensure_same_tenant(tenant, region=fields.get("region"))
    phone_fields_check(fields, country=tenant.country)
    _ensure_code_free(tenant=tenant, code=code)
    customer = Customer.objects.create(tenant=tenant, code=code, name=name, owner=owner, **fields)
    audit_log(customer, "customers.customer.created", actor=by)
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by: Membership, **data: Any) -> Customer:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer, field="owner")
    if "owner" in data:
        ensure_assignable(by=by, member=data["owner"], field="owner")
    ensure_same_tenant(customer.tenant, region=data.get("region"))
    phone_fields_check(data, country=customer.tenant.country, instance=customer)
    if "code" in data and data["code"] != customer.code:
        _ensure_code_free(tenant=customer.tenant, code=data["code"], exclude_pk=customer.pk)
    changes = apply_changes(customer, data)
    audit_log(customer, "customers.customer.updated", actor=by, changes=changes)
    return customer


@transaction.atomic
def customer_delete(*, customer: Customer, by: Membership) -> None:
    """Deleting a customer with orders or payments raises ProtectedError (the API answers 409)."""
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer)
    audit_log(customer, "customers.customer.deleted", actor=by)
    customer.delete()


def _unset_other_primaries(contact: Contact) -> None:
    if contact.is_primary:
        Contact.objects.filter(tenant_id=contact.tenant_id, customer_id=contact.customer_id).exclude(
            pk=contact.pk
        ).filter(is_primary=True).update(is_primary=False)


@transaction.atomic
def contact_create(
    *, tenant: Tenant, by: Membership, customer: Customer, name: str, **fields: Any
) -> Contact:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer)
    phone_fields_check(fields, country=tenant.country)
    contact = Contact.objects.create(tenant=tenant, customer=customer, name=name, **fields)
    _unset_other_primaries(contact)
    audit_log(contact, "customers.contact.created", actor=by)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, by: Membership, **data: Any) -> Contact:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=contact.customer)
    if "customer" in data:
        ensure_customer_writable(by=by, customer=data["customer"])
    phone_fields_check(data, country=contact.customer.tenant.country, instance=contact)
    changes = apply_changes(contact, data)
    _unset_other_primaries(contact)
    audit_log(contact, "customers.contact.updated", actor=by, changes=changes)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by: Membership) -> None:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=contact.customer)
    audit_log(contact, "customers.contact.deleted", actor=by)
    contact.delete()


def _ensure_contact_of(customer: Customer, contact: Contact | None) -> None:
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError({"contact": _("This contact belongs to another customer.")})


@transaction.atomic
def interaction_create(
    *,
    tenant: Tenant,
    by: Membership,
    customer: Customer,
    rep: Membership | None = None,
    contact: Contact | None = None,
    **fields: Any,
) -> Interaction:
    """Log a touchpoint on a customer's timeline; the caller is the rep unless they name a report."""
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=customer)
    rep = rep or by
    ensure_assignable(by=by, member=rep, field="rep")
    ensure_same_tenant(tenant, contact=contact)
    _ensure_contact_of(customer, contact)
    interaction = Interaction(tenant=tenant, customer=customer, rep=rep, contact=contact, **fields)
    _check_follow_up(interaction)
    interaction.save()
    audit_log(interaction, "customers.interaction.created", actor=by)
    return interaction


def _check_follow_up(interaction: Interaction) -> None:
    """A follow-up day is on or after the day of the interaction (in the organisation's zone)."""
    if interaction.follow_up_on is None or interaction.occurred_at is None:
        return
    occurred = timezone.localtime(interaction.occurred_at, interaction.tenant.tzinfo).date()
    if interaction.follow_up_on < occurred:
        raise ValidationError(
            {
                "follow_up_on": _("The follow-up cannot be before the interaction (%(day)s).")
                % {"day": occurred}
            }
        )


@transaction.atomic
def interaction_update(*, interaction: Interaction, by: Membership, **data: Any) -> Interaction:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=interaction.customer)
    customer = data.get("customer", interaction.customer)
    if "customer" in data:
        ensure_customer_writable(by=by, customer=customer)
    if "rep" in data:
        ensure_assignable(by=by, member=data["rep"], field="rep")
    contact = data["contact"] if "contact" in data else interaction.contact  # noqa: SIM401 (lazy)
    _ensure_contact_of(customer, contact)
    if "follow_up_on" in data and data["follow_up_on"] != interaction.follow_up_on:
        data["follow_up_done_at"] = None  # a new follow-up day opens it again
    changes = apply_changes(interaction, data)
    _check_follow_up(interaction)
    audit_log(interaction, "customers.interaction.updated", actor=by, changes=changes)
    return interaction


@transaction.atomic
def interaction_follow_up_done(*, interaction: Interaction, by: Membership) -> Interaction:
    """Mark the interaction's follow-up as done (from the home card); refused when it has none or is done."""
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=interaction.customer)
    interaction = Interaction.objects.select_for_update().get(
        tenant_id=interaction.tenant_id, pk=interaction.pk
    )
    if interaction.follow_up_on is None:
        raise ValidationError(_("This interaction has no follow-up."))
    if interaction.follow_up_done_at is not None:
        raise ValidationError(_("This follow-up is done already."))
    interaction.follow_up_done_at = timezone.now()
    interaction.save(update_fields=["follow_up_done_at", "updated_at"])
    audit_log(
        interaction,
        "customers.interaction.follow_up_done",
        actor=by,
        changes={"follow_up_done_at": [None, interaction.follow_up_done_at.isoformat()]},
    )
    return interaction


@transaction.atomic
def interaction_delete(*, interaction: Interaction, by: Membership) -> None:
    ensure_can_write(by)
    ensure_customer_writable(by=by, customer=interaction.customer)
    audit_log(interaction, "customers.interaction.deleted", actor=by)
    interaction.delete()


# ---- hand-over (客户交接): registered with apps.org.handover in CustomersConfig.ready() ----------


def customer_handover_transfer(
    *, tenant: Tenant, source: Membership, target: Membership, by: Membership | None, today
) -> list[int]:
    """The source's customers change owner in one statement (inside the hand-over's transaction,
    which audits the ids); interactions, orders and payments keep their rep."""
    ids = list(Customer.objects.filter(tenant=tenant, owner=source).values_list("pk", flat=True))
    Customer.objects.filter(tenant=tenant, pk__in=ids).update(owner=target, updated_at=timezone.now())
    return ids
