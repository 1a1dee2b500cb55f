from django.urls import path

from .views import tasks as views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list_view, name="list"),
    path("mine/", views.my_tasks_view, name="mine"),
    path("new/", views.task_create_view, name="create"),
    path("<int:task_id>/", views.task_detail_view, name="detail"),
    path("<int:task_id>/complete/", views.task_complete_view, name="complete"),
    path("<int:task_id>/reopen/", views.task_reopen_view, name="reopen"),
    path("<int:task_id>/cancel/", views.task_cancel_view, name="cancel"),
]
