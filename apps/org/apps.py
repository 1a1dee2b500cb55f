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

        from apps.tenancy.navigation import register_nav_entry

        # The top bar: the people pages, for administrators, and for sales managers (their own line
        # only) where the organisation allows it (a setting on the tenant, loaded with the request).
        register_nav_entry(
            "org.people",
            group="team",
            label=_("People"),
            url_name="people:list",
            roles=("manager", "admin"),
            when="apps.org.selectors.may_manage_people",
            order=20,
            current=["people:*"],
        )
