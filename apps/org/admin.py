from django import forms
from django.contrib import admin
from django.db import transaction

from apps.tenancy.admin import TenantModelAdmin, tenant_admin_site
from apps.tenancy.audit import audit_log
from apps.tenancy.models import Membership

from .models import Region, Team
from .services import closure_rebuild, refuse_cycle


def no_loop_form(parent_field: str):
    """A ModelForm that refuses to move a node under itself or its descendants (an error on the field)."""

    class NoLoopForm(forms.ModelForm):
        def clean(self):
            cleaned = super().clean()
            parent = cleaned.get(parent_field)
            refuse_cycle(self.instance, parent.pk if parent else None, parent_field)
            return cleaned

    return NoLoopForm


@admin.register(Team, site=tenant_admin_site)
class TeamAdmin(TenantModelAdmin):
    form = no_loop_form("parent")
    list_display = ("name", "parent", "lead")
    search_fields = ("name",)
    list_select_related = ("parent", "lead__user")

    def after_save(self, request, obj):
        closure_rebuild(tenant_id=obj.tenant_id, tree="team")


@admin.register(Region, site=tenant_admin_site)
class RegionAdmin(TenantModelAdmin):
    form = no_loop_form("parent")
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")
    list_select_related = ("parent",)

    def after_save(self, request, obj):
        closure_rebuild(tenant_id=obj.tenant_id, tree="region")


@admin.register(Membership, site=tenant_admin_site)
class MembershipAdmin(TenantModelAdmin):
    """Roles, teams and reporting lines of the organisation's people."""

    form = no_loop_form("reports_to")

    list_display = ("__str__", "role", "team", "reports_to", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "display_name", "employee_no")
    fields = ("role", "team", "reports_to", "display_name", "employee_no", "phone", "is_active")
    # Deactivation is on the people page (apps.org.services.membership_deactivate): it also revokes
    # the person's API tokens and gives the people who reported to them a manager.
    readonly_fields = ("is_active",)
    list_select_related = ("user", "team", "reports_to__user")

    def has_add_permission(self, request):  # people join through their user account, not here
        return False

    def has_delete_permission(self, request, obj=None):  # deactivate instead: history stays readable
        return False

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        changes = {k: [str(form.initial.get(k)), str(form.cleaned_data.get(k))] for k in form.changed_data}
        obj.save()
        if "reports_to" in form.changed_data:
            closure_rebuild(tenant_id=obj.tenant_id, tree="reporting")
        audit_log(obj, "tenancy.membership.updated", actor=request.membership, changes=changes)
