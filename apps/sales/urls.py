from django.urls import path

from . import views

app_name = "sales"
urlpatterns = [
    path("orders/", views.order_list_view, name="orders"),
    path("orders/<int:order_id>/", views.order_detail_view, name="order-detail"),
    path("payments/", views.payment_list_view, name="payments"),
    path("payments/<int:payment_id>/allocate/", views.payment_allocate_view, name="payment-allocate"),
    path("allocations/<int:allocation_id>/undo/", views.allocation_delete_view, name="allocation-delete"),
    path("products/pick/", views.product_picker_view, name="product-picker"),
    path("team/", views.team_card_view, name="team-card"),
    path("receivables/", views.ageing_view, name="ageing"),
    path("receivables/ageing.xlsx", views.ageing_xlsx, name="ageing-xlsx"),
    path("receivables/customers/<int:customer_id>/", views.customer_credit_view, name="customer-credit"),
]
