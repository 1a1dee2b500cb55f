from django.urls import path

from . import views

app_name = "keyaccounts"
urlpatterns = [
    path("", views.plan_list_view, name="list"),
    path("new/", views.plan_create_view, name="create"),
    path("<int:plan_id>/", views.plan_detail_view, name="detail"),
    path("<int:plan_id>/edit/", views.plan_edit_view, name="edit"),
    path("<int:plan_id>/activate/", views.plan_activate_view, name="activate"),
    path("<int:plan_id>/close/", views.plan_close_view, name="close"),
    path("<int:plan_id>/review/", views.plan_review_view, name="review"),
    path("<int:plan_id>/stages/new/", views.stage_create_view, name="stage-create"),
    path("stages/<int:stage_id>/", views.stage_edit_view, name="stage-edit"),
    path("stages/<int:stage_id>/tasks/new/", views.stage_task_create_view, name="task-create"),
]
