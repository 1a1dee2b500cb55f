from django.urls import path

from .views import targets as views

app_name = "targets"

urlpatterns = [
    path("", views.my_targets, name="mine"),
    path("export/", views.my_targets_export, name="mine-export"),
    path("team/", views.team_dashboard, name="team"),
    path("team/card/", views.team_card, name="team-card"),
    path("tree/", views.target_roots_view, name="roots"),
    path("tree/new/", views.target_create_view, name="create"),
    path("tree/<int:target_id>/", views.target_tree_view, name="tree"),
    path("tree/<int:target_id>/breakdown/", views.target_breakdown_view, name="breakdown"),
]
