"""Appraisal pages under /t/<slug>/appraisals/ (namespace `appraisals`)."""

from django.urls import path

from .views import appraisals as views

app_name = "appraisals"

urlpatterns = [
    path("", views.appraisal_list_view, name="list"),
    path("generate/", views.appraisal_generate_view, name="generate"),
    path("cycles/", views.cycle_list_view, name="cycles"),
    path("cycles/<int:cycle_id>/", views.cycle_edit_view, name="cycle-edit"),
    path("<int:appraisal_id>/", views.appraisal_detail_view, name="detail"),
    path("<int:appraisal_id>/pdf/", views.appraisal_pdf_view, name="pdf"),
    path("<int:appraisal_id>/lines/", views.appraisal_lines_view, name="lines"),
    path("<int:appraisal_id>/submit/", views.appraisal_submit_view, name="submit"),
    path("<int:appraisal_id>/acknowledge/", views.appraisal_acknowledge_view, name="acknowledge"),
    path("<int:appraisal_id>/close/", views.appraisal_close_view, name="close"),
    path("<int:appraisal_id>/actions/", views.action_add_view, name="action-add"),
    path("actions/<int:action_id>/", views.action_edit_view, name="action-edit"),
    path("actions/<int:action_id>/delete/", views.action_delete_view, name="action-delete"),
    path("actions/<int:action_id>/done/", views.action_done_view, name="action-done"),
]
