from .reports import DailyReportViewSet, MarketReportViewSet
from .suggestions import PlanSuggestionViewSet
from .views import VisitPhotoViewSet, VisitPlanViewSet, VisitViewSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("visit-plans", VisitPlanViewSet, basename="visit-plan")
    router.register("visits", VisitViewSet, basename="visit")
    router.register("visit-photos", VisitPhotoViewSet, basename="visit-photo")
    router.register("daily-reports", DailyReportViewSet, basename="dailyreport")
    router.register("market-reports", MarketReportViewSet, basename="marketreport")
    router.register("plan-suggestions", PlanSuggestionViewSet, basename="plan-suggestion")
