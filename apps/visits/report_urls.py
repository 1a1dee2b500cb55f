"""Pages of daily and market reports, under /t/<slug>/reports/ (namespace "reports")."""

from django.urls import path

from . import report_views as views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("mine/", views.report_mine, name="mine"),
    path("mine/row/<slug:kind>/", views.report_row, name="row"),
    path("review/", views.report_queue, name="queue"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("market/", views.market_list, name="market-list"),
    path("market/new/", views.market_new, name="market-new"),
    path("market/<int:report_id>/", views.market_detail, name="market-detail"),
]
