from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.tenancy.admin import ReadOnlyTenantAdmin, TenantModelAdmin, tenant_admin_site

from .models import Appraisal, AppraisalCycle, CustomMetric, Target
from .selectors import metric_catalogue


def metric_column(request, field: str, description):
    """A list column naming the metric code in `field` ("revenue") by its name in the active
    language; the catalogue (built-ins and the tenant's own) is read once per page, not per row."""
    names = {row["code"]: row["name"] for row in metric_catalogue(tenant=request.tenant)}

    @admin.display(description=description, ordering=field)
    def column(obj) -> str:
        code = getattr(obj, field)
        return names.get(code, code) if code else "—"

    return column


class MetricFilter(admin.SimpleListFilter):
    title = _("metric")
    parameter_name = "metric"

    def lookups(self, request, model_admin):
        return [(row["code"], row["name"]) for row in metric_catalogue(tenant=request.tenant)]

    def queryset(self, request, queryset):
        return queryset.filter(metric=self.value()) if self.value() else queryset


@admin.register(CustomMetric, site=tenant_admin_site)
class CustomMetricAdmin(TenantModelAdmin):
    list_display = ("code", "name", "base")
    search_fields = ("code", "name")

    def get_list_display(self, request):
        return (
            "code",
            "name",
            metric_column(request, "base", CustomMetric._meta.get_field("base").verbose_name),
        )

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
    list_filter = ("status", "grain", "owner_kind", MetricFilter)
    list_select_related = ("rep__user", "team")

    def get_list_display(self, request):
        metric = metric_column(request, "metric", Target._meta.get_field("metric").verbose_name)
        return (metric, *self.list_display[1:])


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
