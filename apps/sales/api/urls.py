from .views import OrderViewSet, PaymentViewSet, ProductCategoryViewSet, ProductViewSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("product-categories", ProductCategoryViewSet, basename="product-category")
    router.register("products", ProductViewSet, basename="product")
    router.register("orders", OrderViewSet, basename="order")
    router.register("payments", PaymentViewSet, basename="payment")
