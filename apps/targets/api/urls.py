from .views import CustomMetricViewSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("custom-metrics", CustomMetricViewSet, basename="custom-metric")
