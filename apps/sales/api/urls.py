from django.urls import path

from .views import (
    AgeingView,
    AllocationViewSet,
    CustomerCreditViewSet,
    InvoiceViewSet,
    OrderViewSet,
    PaymentTermViewSet,
    PaymentViewSet,
    ProductCategoryViewSet,
    ProductViewSet,
)


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("product-categories", ProductCategoryViewSet, basename="product-category")
    router.register("products", ProductViewSet, basename="product")
    router.register("orders", OrderViewSet, basename="order")
    router.register("payments", PaymentViewSet, basename="payment")
    router.register("payment-terms", PaymentTermViewSet, basename="payment-term")
    router.register("customer-credit", CustomerCreditViewSet, basename="customer-credit")
    router.register("invoices", InvoiceViewSet, basename="invoice")
    router.register("allocations", AllocationViewSet, basename="allocation")


# Views that are not viewsets, added to the API's urlpatterns by salesmgmt/api_urls.py.
urlpatterns = [path("receivables/ageing/", AgeingView.as_view(), name="receivables-ageing")]
