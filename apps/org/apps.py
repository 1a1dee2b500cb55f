from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "apps.org"
    label = "org"
    verbose_name = _("Organisation structure")

    def ready(self) -> None:
        from apps.tenancy.scheduling import daily, register_tenant_job

        # Pending invitations past their expiry become expired once a local day (readers already
        # show them so; this keeps the one-open-invitation-per-address rule on the stored status).
        register_tenant_job("org_invitations_expire", "apps.org.tasks.invitations_expire", daily())
