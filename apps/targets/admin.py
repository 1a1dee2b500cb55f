from django.contrib import admin

from apps.tenancy.admin import ReadOnlyTenantAdmin, TenantModelAdmin, tenant_admin_site

from .models import Appraisal, AppraisalCycle, CustomMetric, Target


@admin.register(CustomMetric, site=tenant_admin_site)
class CustomMetricAdmin(TenantModelAdmin):
    list_display = ("code", "name", "base")
    search_fields = ("code", "name")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        tenant = request.tenant

        class TenantForm(form):
            def _post_clean(self):
                # The model's clean() checks filter ids against the tenant, so it must be known first.
                if self.instance.tenant_id is None:
                    self.instance.tenant = tenant
                super()._post_clean()

        return TenantForm


@admin.register(Target, site=tenant_admin_site)
class TargetAdmin(ReadOnlyTenantAdmin):
    """Read-only: targets change through their workflow (services), never by a bare admin save."""

    list_display = (
        "metric",
        "owner_kind",
        "rep",
        "team",
        "grain",
        "period_start",
        "value",
        "status",
        "version",
    )
    list_filter = ("status", "grain", "owner_kind", "metric")
    list_select_related = ("rep__user", "team")


@admin.register(AppraisalCycle, site=tenant_admin_site)
class AppraisalCycleAdmin(ReadOnlyTenantAdmin):
    list_display = ("name", "cadence", "period_start", "period_end", "status")
    list_filter = ("cadence", "status")


@admin.register(Appraisal, site=tenant_admin_site)
class AppraisalAdmin(ReadOnlyTenantAdmin):
    """Read-only: appraisals change through their workflow (services) only."""

    list_display = ("cycle", "rep", "manager", "status", "rating", "acknowledged_at")
    list_filter = ("status",)
    list_select_related = ("cycle", "rep__user", "manager__user")
