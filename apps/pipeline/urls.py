from django.urls import path

from . import views

app_name = "pipeline"
urlpatterns = [
    path("", views.board_view, name="board"),
    path("list/", views.list_view, name="list"),
    path("forecast/", views.forecast_view, name="forecast"),
    path("new/", views.create_view, name="create"),
    path("<int:opportunity_id>/", views.detail_view, name="detail"),
    path("<int:opportunity_id>/edit/", views.edit_view, name="edit"),
    path("<int:opportunity_id>/move/", views.move_view, name="move"),
    path("<int:opportunity_id>/won/", views.won_view, name="won"),
    path("<int:opportunity_id>/lost/", views.lost_view, name="lost"),
    path("<int:opportunity_id>/tasks/new/", views.task_create_view, name="task-create"),
    path("stages/", views.stages_view, name="stages"),
    path("stages/new/", views.stage_create_view, name="stage-create"),
    path("stages/<int:stage_id>/", views.stage_edit_view, name="stage-edit"),
]
