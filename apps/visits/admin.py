from django.contrib import admin

from apps.tenancy.admin import ReadOnlyTenantAdmin, tenant_admin_site

from .models import DailyReport, MarketReport, Visit, VisitPlan

# Read-only: plans, visits and reports change through their workflows (services), never by a bare save.


class VisitInline(admin.TabularInline):
    model = Visit
    extra = 0
    fields = (
        "position",
        "planned_time",
        "customer",
        "prospect_name",
        "area",
        "purpose",
        "outcome",
        "check_in_at",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VisitPlan, site=tenant_admin_site)
class VisitPlanAdmin(ReadOnlyTenantAdmin):
    list_display = ("day", "rep", "status", "submitted_at", "reviewed_by", "reviewed_at")
    list_filter = ("status",)
    date_hierarchy = "day"
    list_select_related = ("rep__user", "reviewed_by__user")
    inlines = [VisitInline]


@admin.register(Visit, site=tenant_admin_site)
class VisitAdmin(ReadOnlyTenantAdmin):
    list_display = (
        "day",
        "rep",
        "customer",
        "prospect_name",
        "purpose",
        "outcome",
        "check_in_at",
        "check_in_far",
    )
    list_filter = ("outcome", "purpose", "check_in_far")
    search_fields = ("prospect_name", "customer__name", "area")
    date_hierarchy = "day"
    list_select_related = ("rep__user", "customer")


@admin.register(DailyReport, site=tenant_admin_site)
class DailyReportAdmin(ReadOnlyTenantAdmin):
    list_display = ("day", "rep", "attendance", "status", "submitted_at", "on_time", "reviewed_by")
    list_filter = ("status", "attendance", "on_time")
    date_hierarchy = "day"
    list_select_related = ("rep__user", "reviewed_by__user")


@admin.register(MarketReport, site=tenant_admin_site)
class MarketReportAdmin(ReadOnlyTenantAdmin):
    list_display = ("raised_at", "rep", "title", "category", "urgency", "status")
    list_filter = ("status", "category", "urgency")
    search_fields = ("title", "body")
    list_select_related = ("rep__user",)
