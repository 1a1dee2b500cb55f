from django.contrib import admin

from apps.tenancy.admin import ReadOnlyTenantAdmin, TenantModelAdmin, tenant_admin_site

from .models import Order, OrderLine, Payment, Product, ProductCategory


@admin.register(ProductCategory, site=tenant_admin_site)
class ProductCategoryAdmin(TenantModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Product, site=tenant_admin_site)
class ProductAdmin(TenantModelAdmin):
    list_display = ("sku", "name", "category", "unit", "list_price", "unit_cost", "is_active")
    list_filter = ("is_active", "category")
    search_fields = ("sku", "name")
    list_select_related = ("category",)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ("product", "quantity", "unit_price", "amount", "cost")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order, site=tenant_admin_site)
class OrderAdmin(ReadOnlyTenantAdmin):
    """Orders change through the API and pages, which keep amounts and customer history derived."""

    list_display = ("number", "order_date", "customer", "rep", "status", "amount", "gross_margin")
    list_filter = ("status",)
    search_fields = ("number", "customer__name")
    date_hierarchy = "order_date"
    list_select_related = ("customer", "rep__user")
    inlines = [OrderLineInline]


@admin.register(Payment, site=tenant_admin_site)
class PaymentAdmin(ReadOnlyTenantAdmin):
    list_display = ("received_on", "customer", "rep", "amount", "method", "reference")
    list_filter = ("method",)
    search_fields = ("reference", "customer__name")
    date_hierarchy = "received_on"
    list_select_related = ("customer", "rep__user")
