"""Two admin sites: the tenant admin (/tenant-admin/) for a tenant's administrators, showing only
their tenant, and the staff admin (/staff-admin/) for the operators of the service (global rows only)."""

from typing import ClassVar

from django.contrib import admin
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .audit import audit_log
from .models import ApiToken, AuditLog, Membership, OutboxMail, Role, Tenant, TenantJobRun, TenantModel


class TenantAdminSite(admin.AdminSite):
    site_header = _("salesmgmt administration")
    site_title = _("Organisation settings")
    index_title = _("Organisation settings")

    def has_permission(self, request):
        membership = getattr(request, "membership", None)
        return bool(request.user.is_active and membership is not None and membership.role == Role.ADMIN)

    def each_context(self, request):
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context["site_header"] = f"{tenant.name} · {self.site_header}"
        return context


tenant_admin_site = TenantAdminSite(name="tenant_admin")


class TenantModelAdmin(admin.ModelAdmin):
    """Rows of the request's tenant only; foreign keys offer only that tenant's rows; every save
    and delete is audited."""

    list_per_page = 50
    readonly_fields: ClassVar[tuple[str, ...]] = ()
    exclude = ("tenant",)

    def _is_tenant_admin(self, request) -> bool:
        membership = getattr(request, "membership", None)
        return membership is not None and membership.role == Role.ADMIN

    def has_module_permission(self, request):
        return self._is_tenant_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_tenant_admin(request)

    def has_add_permission(self, request):
        return self._is_tenant_admin(request)

    def has_change_permission(self, request, obj=None):
        return self._is_tenant_admin(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_tenant_admin(request)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(tenant=request.tenant)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another tenant's id is "not found", like everywhere else, not a redirect with a message.
        raise Http404

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related is Membership:
            kwargs["queryset"] = Membership.objects.filter(tenant=request.tenant).select_related("user")
        elif issubclass(related, TenantModel):
            kwargs["queryset"] = related.objects.filter(tenant=request.tenant)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if not change:
            obj.tenant = request.tenant
        changes = {k: [str(form.initial.get(k)), str(form.cleaned_data.get(k))] for k in form.changed_data}
        super().save_model(request, obj, form, change)
        self.after_save(request, obj)
        action = "updated" if change else "created"
        audit_log(obj, f"{obj._meta.label_lower}.{action}", actor=request.membership, changes=changes)

    def after_save(self, request, obj) -> None:
        """Hook for models whose derived data (closures) must follow a save."""

    @transaction.atomic
    def delete_model(self, request, obj):
        audit_log(obj, f"{obj._meta.label_lower}.deleted", actor=request.membership)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:  # admin bulk delete is rare and small; keep the audit per row
            self.delete_model(request, obj)


class ReadOnlyTenantAdmin(TenantModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog, site=tenant_admin_site)
class AuditLogTenantAdmin(ReadOnlyTenantAdmin):
    list_display = ("created_at", "actor", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "action")
    list_select_related = ("actor__user",)


@admin.register(TenantJobRun, site=tenant_admin_site)
class TenantJobRunTenantAdmin(ReadOnlyTenantAdmin):
    list_display = ("job", "period", "enqueued_at", "started_at", "finished_at", "attempts", "last_error")
    list_filter = ("job",)
    search_fields = ("job", "period")


@admin.register(OutboxMail, site=tenant_admin_site)
class OutboxMailTenantAdmin(ReadOnlyTenantAdmin):
    """Mails the organisation sent or failed to send (a failed one keeps its last error)."""

    list_display = ("created_at", "to_address", "subject", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status",)
    search_fields = ("to_address", "subject")


# Staff admin: global rows only; tenant rows are never browsed across tenants.
@admin.register(Tenant)
class TenantStaffAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "timezone", "currency", "default_language", "is_active")
    search_fields = ("name", "slug")


@admin.register(Membership)
class MembershipStaffAdmin(admin.ModelAdmin):
    list_display = ("user", "tenant", "role", "is_active")
    list_filter = ("role", "tenant")
    raw_id_fields = ("user", "team", "reports_to")
    list_select_related = ("user", "tenant")


@admin.register(ApiToken)
class ApiTokenStaffAdmin(admin.ModelAdmin):
    list_display = ("prefix", "membership", "name", "created_at", "last_used_at", "expires_at")
    readonly_fields = ("key_hash", "prefix")
    list_select_related = ("membership__user", "membership__tenant")


__all__ = ["tenant_admin_site", "TenantModelAdmin", "ReadOnlyTenantAdmin"]
