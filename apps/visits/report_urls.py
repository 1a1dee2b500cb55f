"""Pages of daily and market reports, under /t/<slug>/reports/ (namespace "reports")."""

from django.urls import path

from .views import reports

app_name = "reports"

urlpatterns = [
    path("", reports.report_list, name="list"),
    path("mine/", reports.report_mine, name="mine"),
    path("mine/row/<slug:kind>/", reports.report_row, name="row"),
    path("review/", reports.report_queue, name="queue"),
    path("<int:report_id>/", reports.report_detail, name="detail"),
    path("market/", reports.market_list, name="market-list"),
    path("market/new/", reports.market_new, name="market-new"),
    path("market/<int:report_id>/", reports.market_detail, name="market-detail"),
]
