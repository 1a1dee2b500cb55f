from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("today/", views.today_view, name="today"),
    path("today/items/", views.item_add_view, name="item-add"),
    path("today/customers/", views.customer_search_view, name="customer-search"),
    path("today/carry-over/", views.carry_over_view, name="carry-over"),
    path("plans/<int:plan_id>/submit/", views.plan_submit_view, name="plan-submit"),
    path("plans/<int:plan_id>/approve/", views.plan_approve_view, name="plan-approve"),
    path("plans/<int:plan_id>/return/", views.plan_return_view, name="plan-return"),
    path("queue/", views.queue_view, name="queue"),
    path("<int:visit_id>/delete/", views.item_delete_view, name="item-delete"),
    path("<int:visit_id>/check-in/", views.check_in_view, name="check-in"),
    path("<int:visit_id>/check-out/", views.check_out_view, name="check-out"),
    path("<int:visit_id>/locate-customer/", views.locate_customer_view, name="locate-customer"),
    path("<int:visit_id>/photos/", views.photo_upload_view, name="photo-upload"),
    path("photos/<int:photo_id>/", views.photo_view, name="photo"),
]
