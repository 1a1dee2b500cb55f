from django.contrib import admin

from apps.tenancy.admin import TenantModelAdmin, tenant_admin_site

from .models import CustomMetric


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
