from .views import WeeklyProgressViewSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("weekly-progress", WeeklyProgressViewSet, basename="weekly-progress")
