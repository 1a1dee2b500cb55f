from django.urls import path

from .views import opportunities, plans

app_name = "visits"
urlpatterns = [
    path("today/", plans.today_view, name="today"),
    path("today/items/", plans.item_add_view, name="item-add"),
    path("today/customers/", plans.customer_search_view, name="customer-search"),
    path("today/carry-over/", plans.carry_over_view, name="carry-over"),
    path("plans/<int:plan_id>/submit/", plans.plan_submit_view, name="plan-submit"),
    path("plans/<int:plan_id>/approve/", plans.plan_approve_view, name="plan-approve"),
    path("plans/<int:plan_id>/return/", plans.plan_return_view, name="plan-return"),
    path("queue/", plans.queue_view, name="queue"),
    path("suggestions/<int:suggestion_id>/accept/", plans.suggestion_accept_view, name="suggestion-accept"),
    path("suggestions/<int:suggestion_id>/drop/", plans.suggestion_drop_view, name="suggestion-drop"),
    path("suggestions/<int:suggestion_id>/move/", plans.suggestion_move_view, name="suggestion-move"),
    path("<int:visit_id>/delete/", plans.item_delete_view, name="item-delete"),
    path("<int:visit_id>/check-in/", plans.check_in_view, name="check-in"),
    path("<int:visit_id>/check-out/", plans.check_out_view, name="check-out"),
    path("<int:visit_id>/locate-customer/", plans.locate_customer_view, name="locate-customer"),
    path("<int:visit_id>/photos/", plans.photo_upload_view, name="photo-upload"),
    path("<int:visit_id>/sale/", plans.sale_view, name="sale"),
    path("<int:visit_id>/sale/line/", plans.sale_line_view, name="sale-line"),
    path("photos/<int:photo_id>/", plans.photo_view, name="photo"),
    path("<int:visit_id>/opportunity/", opportunities.visit_opportunity_view, name="opportunity"),
]
