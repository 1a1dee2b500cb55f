from .views import (
    AppraisalCycleViewSet,
    AppraisalViewSet,
    CustomMetricViewSet,
    ImprovementActionViewSet,
    SeasonalProfileViewSet,
    TargetViewSet,
)


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("custom-metrics", CustomMetricViewSet, basename="custom-metric")
    router.register("targets", TargetViewSet, basename="target")
    router.register("seasonal-profiles", SeasonalProfileViewSet, basename="seasonal-profile")
    router.register("appraisal-cycles", AppraisalCycleViewSet, basename="appraisalcycle")
    router.register("appraisals", AppraisalViewSet, basename="appraisal")
    router.register("improvement-actions", ImprovementActionViewSet, basename="improvement-action")
