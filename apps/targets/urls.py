from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.my_targets, name="mine"),
    path("team/", views.team_dashboard, name="team"),
]
