from .views import CustomMetricViewSet, SeasonalProfileViewSet, TargetViewSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("custom-metrics", CustomMetricViewSet, basename="custom-metric")
    router.register("targets", TargetViewSet, basename="target")
    router.register("seasonal-profiles", SeasonalProfileViewSet, basename="seasonal-profile")
