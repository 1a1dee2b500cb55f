"""Two admin sites: the tenant admin (/tenant-admin/) for a tenant's administrators, showing only
their tenant, and the staff admin (/staff-admin/) for the operators of the service (global rows only).

The tenant admin speaks the user's language (TenantMiddleware activates it) and shows every time in
the organisation's zone, like the app's pages; codes (audit actions, scheduled jobs, record types)
are shown by their labels."""

import datetime as dt
from functools import update_wrapper
from typing import Any, ClassVar

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .audit import audit_action_label, audit_change_lines, audit_log, audit_object_type_label
from .http import rendered_in_tenant_zone
from .models import ApiToken, AuditLog, Membership, OutboxMail, Role, Tenant, TenantJobRun, TenantModel
from .phones import phone_check
from .scheduling import job_label, registered_jobs


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

    def admin_view(self, view, cacheable=False):
        """Every page of the site rendered in the organisation's time zone (the app's pages do the
        same in tenant_page), so a time reads as the people of the organisation live it."""
        inner = super().admin_view(view, cacheable)

        def in_zone(request, *args, **kwargs):
            tenant = getattr(request, "tenant", None)
            if tenant is None:
                return inner(request, *args, **kwargs)
            return rendered_in_tenant_zone(tenant, lambda: inner(request, *args, **kwargs))

        return update_wrapper(in_zone, inner)


tenant_admin_site = TenantAdminSite(name="tenant_admin")


def local_time(moment: dt.datetime | None) -> str:
    """A moment as the admin writes its own date-time columns, in the active (organisation's) zone."""
    return formats.localize(timezone.localtime(moment)) if moment else "—"


def is_phone_field(name: str) -> bool:
    return name == "phone" or name.endswith("_phone")


def phone_checked_form(form_class: Any, tenant: Tenant) -> Any:
    """`form_class` refusing a changed phone number that is none in the organisation's country
    (apps.tenancy.phones), with the message on the field; the class itself when it has no phone."""
    if not any(is_phone_field(name) for name in form_class.base_fields):
        return form_class

    class PhoneCheckedForm(form_class):  # type: ignore[valid-type,misc]
        def clean(self):
            cleaned = super().clean()
            for name in self.changed_data:
                if is_phone_field(name) and cleaned.get(name):
                    try:
                        cleaned[name] = phone_check(cleaned[name], country=tenant.country)
                    except ValidationError as exc:
                        self.add_error(name, exc)
            return cleaned

    return PhoneCheckedForm


class TenantInlineMixin:
    """An inline of the tenant admin: its phone fields are checked like the page's."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        formset.form = phone_checked_form(formset.form, request.tenant)
        return formset


class TenantModelAdmin(admin.ModelAdmin):
    """Rows of the request's tenant only; foreign keys offer only that tenant's rows; every save
    and delete is audited."""

    list_per_page = 50
    readonly_fields: ClassVar[tuple[str, ...]] = ()
    exclude: ClassVar[tuple[str, ...]] = ("tenant",)

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

    def get_form(self, request, obj=None, change=False, **kwargs):
        return phone_checked_form(super().get_form(request, obj, change=change, **kwargs), request.tenant)

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


class _AuditValueFilter(admin.SimpleListFilter):
    """A filter on one column of the tenant's audit log: its distinct values, each by its label."""

    column = ""

    def label(self, value: str) -> str:
        raise NotImplementedError

    def lookups(self, request, model_admin):
        values = (
            AuditLog.objects.filter(tenant=request.tenant)
            .order_by()
            .values_list(self.column, flat=True)
            .distinct()
        )
        return sorted(((value, self.label(value)) for value in values), key=lambda row: row[1])

    def queryset(self, request, queryset):
        return queryset.filter(**{self.column: self.value()}) if self.value() else queryset


class AuditActionFilter(_AuditValueFilter):
    title = _("action")
    parameter_name = column = "action"

    def label(self, value: str) -> str:
        return audit_action_label(value)


class AuditObjectTypeFilter(_AuditValueFilter):
    title = _("record type")
    parameter_name = column = "object_type"

    def label(self, value: str) -> str:
        return audit_object_type_label(value)


@admin.register(AuditLog, site=tenant_admin_site)
class AuditLogTenantAdmin(ReadOnlyTenantAdmin):
    list_display = ("when", "actor", "action_label", "object_type_label", "object_repr")
    list_filter = (AuditActionFilter, AuditObjectTypeFilter)
    search_fields = ("object_repr", "action")
    list_select_related = ("actor__user",)
    fields = ("when", "actor", "action_label", "object_type_label", "object_repr", "change_lines")
    readonly_fields = fields

    @admin.display(description=_("When"), ordering="created_at")
    def when(self, entry: AuditLog) -> str:
        return local_time(entry.created_at)

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, entry: AuditLog) -> str:
        return audit_action_label(entry.action)

    @admin.display(description=_("record type"), ordering="object_type")
    def object_type_label(self, entry: AuditLog) -> str:
        return audit_object_type_label(entry.object_type)

    @admin.display(description=_("changes"))
    def change_lines(self, entry: AuditLog) -> str:
        lines = audit_change_lines(entry)
        if not lines:
            return "—"
        return format_html(
            "<ul class='audit-changes'>{}</ul>",
            format_html_join("", "<li><strong>{}</strong>: {}</li>", lines),
        )


class JobFilter(admin.SimpleListFilter):
    title = _("job")
    parameter_name = "job"

    def lookups(self, request, model_admin):
        return sorted(((job.code, job_label(job.code)) for job in registered_jobs()), key=lambda row: row[1])

    def queryset(self, request, queryset):
        return queryset.filter(job=self.value()) if self.value() else queryset


@admin.register(TenantJobRun, site=tenant_admin_site)
class TenantJobRunTenantAdmin(ReadOnlyTenantAdmin):
    list_display = (
        "job_label",
        "period",
        "enqueued_at",
        "started_at",
        "finished_at",
        "attempts",
        "last_error",
    )
    list_filter = (JobFilter,)
    search_fields = ("job", "period")

    @admin.display(description=_("job"), ordering="job")
    def job_label(self, run: TenantJobRun) -> str:
        return job_label(run.job)


@admin.register(OutboxMail, site=tenant_admin_site)
class OutboxMailTenantAdmin(ReadOnlyTenantAdmin):
    """Mails the organisation sent or failed to send (a failed one keeps its last error)."""

    list_display = (
        "created_at_local",
        "to_address",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status",)
    search_fields = ("to_address", "subject")
    exclude = ("tenant", "dedupe_key", "claimed_at")

    @admin.display(description=_("When"), ordering="created_at")
    def created_at_local(self, mail: OutboxMail) -> str:
        return local_time(mail.created_at)


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


__all__ = ["tenant_admin_site", "TenantModelAdmin", "ReadOnlyTenantAdmin", "TenantInlineMixin"]
