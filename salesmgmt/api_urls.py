"""The REST API: one router, to which each app adds its viewsets (the isolation probe walks it)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from apps.customers.api.urls import register as register_customers
from apps.keyaccounts.api.urls import register as register_keyaccounts
from apps.org.api.urls import register as register_org
from apps.pipeline.api.urls import register as register_pipeline
from apps.reporting.api.urls import register as register_reporting
from apps.sales.api.urls import register as register_sales
from apps.sales.api.urls import urlpatterns as sales_api_patterns
from apps.targets.api.urls import register as register_targets
from apps.tenancy.api.auth import ObtainTokenView
from apps.tenancy.api.notifications import NotificationViewSet
from apps.tenancy.api.organisation import OrganisationView
from apps.tenancy.api.views_tenancy import DeletionViewSet
from apps.visits.api.urls import register as register_visits

router = DefaultRouter()
register_org(router)
router.register("sync/deletions", DeletionViewSet, basename="deletion")
router.register("notifications", NotificationViewSet, basename="notification")
register_customers(router)
register_sales(router)
register_targets(router)
register_pipeline(router)
register_keyaccounts(router)
register_visits(router)
register_reporting(router)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="token-obtain"),
    path("organisation/", OrganisationView.as_view(), name="organisation"),
    *sales_api_patterns,
    path("", include(router.urls)),
]
