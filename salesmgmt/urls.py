from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.sales import views as sales_views
from apps.tenancy import settings_views as tenancy_settings_views
from apps.tenancy import views as tenancy_views
from apps.tenancy.admin import tenant_admin_site

tenant_patterns = [
    path("", tenancy_views.dashboard, name="dashboard"),
    path("cards/<str:code>/", tenancy_views.home_card, name="home-card"),
    path("team/", sales_views.team, name="team"),
    path("notifications/", tenancy_views.notifications, name="notifications"),
    path("logo/", tenancy_settings_views.organisation_logo, name="organisation-logo"),
    path("settings/", include("apps.tenancy.settings_urls")),
    path("settings/payment-terms/", include("apps.sales.settings_urls")),
    path("nav/counts/", tenancy_views.nav_counts, name="nav-counts"),
    path("people/", include("apps.org.urls")),
    path("customers/", include("apps.customers.urls")),
    path("tasks/", include("apps.customers.task_urls")),
    path("sales/", include("apps.sales.urls")),
    path("targets/", include("apps.targets.urls")),
    path("pipeline/", include("apps.pipeline.urls")),
    path("appraisals/", include("apps.targets.appraisal_urls")),
    path("key-accounts/", include("apps.keyaccounts.urls")),
    path("reporting/", include("apps.reporting.urls")),
    path("reports/", include("apps.visits.report_urls")),
    path("visits/", include("apps.visits.urls")),
]

# A refused page in the product's layout and the user's language (apps.tenancy.views).
handler403 = "apps.tenancy.views.permission_denied"

urlpatterns = [
    path("", tenancy_views.home, name="home"),
    path("accounts/", include("apps.tenancy.urls")),
    path("invitations/", include("apps.org.invitation_urls")),
    path("t/<slug:tenant_slug>/", include(tenant_patterns)),
    path("api/v1/", include(("salesmgmt.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("tenant-admin/", tenant_admin_site.urls),
    path("staff-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
