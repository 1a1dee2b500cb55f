from .views import OpportunityViewSet, StageViewSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("opportunity-stages", StageViewSet, basename="opportunity-stage")
    router.register("opportunities", OpportunityViewSet, basename="opportunity")
