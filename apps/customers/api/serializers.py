from rest_framework import serializers

from apps.customers.models import Contact, Customer, Interaction, Task
from apps.customers.selectors import (
    assignable_members,
    visible_contacts,
    visible_customers,
    visible_interactions,
)
from apps.customers.task_sources import task_source
from apps.org.models import Region
from apps.tenancy.api.fields import TenantRelatedField
from apps.tenancy.models import Membership


def MemberField(**kwargs) -> TenantRelatedField:
    """A member the caller may assign records to (rep: themself; manager: their subtree)."""
    return TenantRelatedField(model=Membership, restrict=assignable_members, **kwargs)


def CustomerField(**kwargs) -> TenantRelatedField:
    """A customer the caller may see (a rep: their own); anything else is 'does not exist'."""
    return TenantRelatedField(model=Customer, restrict=visible_customers, **kwargs)


# ---- customers ------------------------------------------------------------------------------


class CustomerOut(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "owner",
            "owner_name",
            "region",
            "region_name",
            "segment",
            "is_key_account",
            "status",
            "address",
            "phone",
            "latitude",
            "longitude",
            "notes",
            "first_order_date",
            "last_order_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CustomerIn(serializers.ModelSerializer):
    owner = MemberField(required=False, help_text="Defaults to the caller.")
    region = TenantRelatedField(model=Region, required=False, allow_null=True)

    class Meta:
        model = Customer
        fields = [
            "code",
            "name",
            "owner",
            "region",
            "segment",
            "is_key_account",
            "status",
            "address",
            "phone",
            "latitude",
            "longitude",
            "notes",
        ]
        # Uniqueness of code per tenant is checked by the service (the tenant is not a field here).
        validators: list = []


# ---- contacts -------------------------------------------------------------------------------


class CustomerLabelOut(serializers.ModelSerializer):
    """Out-serializers of rows that belong to a customer carry its code and name for display."""

    customer_code = serializers.CharField(source="customer.code", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)


class CustomerRepLabelOut(CustomerLabelOut):
    """...and, where a rep is named, the rep's display name."""

    rep_name = serializers.CharField(source="rep.name", read_only=True)


class ContactOut(CustomerLabelOut):
    # Stored e-mails may be blank: as output it is a plain string, not format "email".
    email = serializers.CharField(read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "customer",
            "customer_code",
            "customer_name",
            "name",
            "title",
            "phone",
            "email",
            "birthday",
            "is_primary",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ContactIn(serializers.ModelSerializer):
    customer = CustomerField()

    class Meta:
        model = Contact
        fields = ["customer", "name", "title", "phone", "email", "birthday", "is_primary"]


# ---- interactions ---------------------------------------------------------------------------


class InteractionOut(CustomerRepLabelOut):
    contact_name = serializers.CharField(source="contact.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "customer",
            "customer_code",
            "customer_name",
            "rep",
            "rep_name",
            "contact",
            "contact_name",
            "kind",
            "occurred_at",
            "subject",
            "notes",
            "follow_up_on",
            "follow_up_done_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InteractionIn(serializers.ModelSerializer):
    customer = CustomerField()
    rep = MemberField(required=False, help_text="Defaults to the caller.")
    contact = TenantRelatedField(model=Contact, restrict=visible_contacts, required=False, allow_null=True)

    class Meta:
        model = Interaction
        fields = ["customer", "rep", "contact", "kind", "occurred_at", "subject", "notes", "follow_up_on"]


# ---- tasks (任务) ---------------------------------------------------------------------------


class TaskOut(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    customer_name = serializers.CharField(
        source="customer.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "notes",
            "owner",
            "owner_name",
            "due_on",
            "priority",
            "status",
            "customer",
            "customer_name",
            "interaction",
            "source",
            "created_by",
            "done_at",
            "done_by",
            "done_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TaskIn(serializers.ModelSerializer):
    owner = MemberField(
        required=False, help_text="Defaults to the caller; a manager names someone of their line."
    )
    customer = CustomerField(required=False, allow_null=True)
    interaction = TenantRelatedField(
        model=Interaction,
        restrict=visible_interactions,
        required=False,
        allow_null=True,
        help_text="The interaction this task follows up (its customer becomes the task's).",
    )
    source = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.source
        required=False,
        max_length=40,
        help_text='Who made the task: "manual" (the default) or a code another app registered.',
    )

    class Meta:
        model = Task
        fields = ["title", "notes", "owner", "due_on", "priority", "customer", "interaction", "source"]

    def validate_source(self, value: str) -> str:
        if task_source(value) is None:
            raise serializers.ValidationError("Unknown task source.")
        return value


class TaskNoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
