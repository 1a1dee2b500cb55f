from django.contrib import admin

from apps.tenancy.admin import TenantInlineMixin, TenantModelAdmin, tenant_admin_site

from .models import Contact, Customer, Interaction


class ContactInline(TenantInlineMixin, admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "title", "phone", "email", "is_primary")

    def has_add_permission(
        self, request, obj=None
    ):  # contacts need their tenant: add them via the API or pages
        return False


@admin.register(Customer, site=tenant_admin_site)
class CustomerAdmin(TenantModelAdmin):
    list_display = ("code", "name", "owner", "region", "segment", "is_key_account", "status")
    list_filter = ("segment", "status", "is_key_account")
    search_fields = ("code", "name", "phone")
    list_select_related = ("owner__user", "region")
    readonly_fields = ("first_order_date", "last_order_date")
    inlines = [ContactInline]


@admin.register(Interaction, site=tenant_admin_site)
class InteractionAdmin(TenantModelAdmin):
    list_display = ("occurred_at", "customer", "rep", "kind", "subject")
    list_filter = ("kind",)
    search_fields = ("subject", "customer__name")
    list_select_related = ("customer", "rep__user")
    raw_id_fields = ("customer", "contact")
