def register(router) -> None:
    """Add this app's viewsets to the API router."""
    from .reports import DailyReportViewSet, MarketReportViewSet

    router.register("daily-reports", DailyReportViewSet, basename="dailyreport")
    router.register("market-reports", MarketReportViewSet, basename="marketreport")
