from django.urls import path

from .views import customers as views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list_view, name="list"),
    path("new/", views.customer_create_view, name="create"),
    path("<int:customer_id>/", views.customer_detail_view, name="detail"),
    path("<int:customer_id>/edit/", views.customer_edit_view, name="edit"),
    path("<int:customer_id>/contacts/new/", views.contact_create_view, name="contact-create"),
    path("contacts/<int:contact_id>/", views.contact_edit_view, name="contact-edit"),
    path("<int:customer_id>/interactions/new/", views.interaction_create_view, name="interaction-create"),
    path("interactions/<int:interaction_id>/", views.interaction_edit_view, name="interaction-edit"),
    path(
        "interactions/<int:interaction_id>/follow-up-done/",
        views.follow_up_done_view,
        name="follow-up-done",
    ),
]
