from .views import ContactViewSet, CustomerViewSet, InteractionViewSet, TaskViewSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("customers", CustomerViewSet, basename="customer")
    router.register("contacts", ContactViewSet, basename="contact")
    router.register("interactions", InteractionViewSet, basename="interaction")
    router.register("tasks", TaskViewSet, basename="task")
