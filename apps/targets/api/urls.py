from .views import CustomMetricViewSet, TargetViewSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("custom-metrics", CustomMetricViewSet, basename="custom-metric")
    router.register("targets", TargetViewSet, basename="target")
