from .views import KeyAccountPlanViewSet, PlanReviewViewSet, PlanStageViewSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("key-account-plans", KeyAccountPlanViewSet, basename="keyaccount-plan")
    router.register("key-account-stages", PlanStageViewSet, basename="keyaccount-stage")
    router.register("key-account-reviews", PlanReviewViewSet, basename="keyaccount-review")
