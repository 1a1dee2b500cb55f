from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from apps.customers import services
from apps.customers.filters import ContactFilter, CustomerFilter, InteractionFilter, TaskFilter
from apps.customers.models import Contact, Customer, Interaction, Task
from apps.customers.selectors import contact_list, customer_list, interaction_list, task_list
from apps.tenancy.api.views import ServiceViewSet, service_schema

from .serializers import (
    ContactIn,
    ContactOut,
    CustomerIn,
    CustomerOut,
    InteractionIn,
    InteractionOut,
    TaskIn,
    TaskNoteIn,
    TaskOut,
)


@service_schema(CustomerOut, CustomerIn)
class CustomerViewSet(ServiceViewSet):
    """Customers the caller may see: a rep their own, a manager their line's, an admin all."""

    queryset = Customer.objects.none()
    serializer_class = CustomerOut
    input_serializer_class = CustomerIn
    filterset_class = CustomerFilter

    def get_queryset(self):
        return customer_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.customer_create(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.customer_update(customer=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.customer_delete(customer=instance, by=self.membership)


@service_schema(ContactOut, ContactIn)
class ContactViewSet(ServiceViewSet):
    queryset = Contact.objects.none()
    serializer_class = ContactOut
    input_serializer_class = ContactIn
    filterset_class = ContactFilter

    def get_queryset(self):
        return contact_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.contact_create(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.contact_update(contact=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.contact_delete(contact=instance, by=self.membership)


@service_schema(InteractionOut, InteractionIn)
class InteractionViewSet(ServiceViewSet):
    """The customer timeline: visits, calls, meetings, notes."""

    queryset = Interaction.objects.none()
    serializer_class = InteractionOut
    input_serializer_class = InteractionIn
    filterset_class = InteractionFilter

    def get_queryset(self):
        return interaction_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.interaction_create(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.interaction_update(interaction=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.interaction_delete(interaction=instance, by=self.membership)

    @extend_schema(request=None, responses=InteractionOut)
    @action(detail=True, methods=["post"], url_path="follow-up-done")
    def follow_up_done(self, request, pk=None):
        """Mark the interaction's follow-up as done; 400 when it has none or is done already."""
        return self.answer(
            services.interaction_follow_up_done(interaction=self.get_object(), by=self.membership)
        )


def _note(request) -> str:
    serializer = TaskNoteIn(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data["note"]


@service_schema(TaskOut, TaskIn)
class TaskViewSet(ServiceViewSet):
    """Tasks (任务) whose owner the caller may see: a rep their own, a manager their line's, admin and
    viewer all. Completing, reopening and cancelling are actions; a refused one is a 400 saying why."""

    queryset = Task.objects.none()
    serializer_class = TaskOut
    input_serializer_class = TaskIn
    filterset_class = TaskFilter

    def get_queryset(self):
        return task_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.task_create(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.task_update(task=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.task_delete(task=instance, by=self.membership)

    @extend_schema(request=TaskNoteIn, responses=TaskOut)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Done, with an optional note (a follow-up's interaction is marked done with it)."""
        task = self.get_object()
        return self.answer(services.task_complete(task=task, by=self.membership, note=_note(request)))

    @extend_schema(request=None, responses=TaskOut)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self.answer(services.task_reopen(task=self.get_object(), by=self.membership))

    @extend_schema(request=TaskNoteIn, responses=TaskOut)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        task = self.get_object()
        return self.answer(services.task_cancel(task=task, by=self.membership, note=_note(request)))
