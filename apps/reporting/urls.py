from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("weekly/", views.weekly_report, name="weekly"),
    path("weekly/pdf/", views.weekly_report_pdf, name="weekly-pdf"),
    path("weekly/xlsx/", views.weekly_report_xlsx, name="weekly-xlsx"),
    path("weekly/goals/", views.weekly_note_save, name="weekly-note"),
    path("weekly/rollup/", views.weekly_rollup, name="weekly-rollup"),
]
