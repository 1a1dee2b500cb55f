from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "apps.org"
    label = "org"
    verbose_name = _("Organisation structure")

    def ready(self) -> None:
        from apps.tenancy.audit import register_audit_actions

        # What the audit codes this app writes read as (apps/tenancy/audit.py); team and region
        # saves read as "<model> created/changed" without a label of their own.
        register_audit_actions(
            {
                "org.handover": _("Work handed over"),
                "org.invitation.created": _("Invitation sent"),
                "org.invitation.resent": _("Invitation sent again"),
                "org.invitation.revoked": _("Invitation revoked"),
                "org.invitation.accepted": _("Invitation accepted"),
                "org.membership.created": _("Joined the organisation"),
                "org.membership.updated": _("Person's details changed"),
                "org.membership.deactivated": _("Person deactivated"),
                "org.membership.reactivated": _("Person reactivated"),
                "org.membership.reports_to": _("Reporting line changed"),
            }
        )

        from apps.tenancy.scheduling import daily, register_tenant_job

        # Pending invitations past their expiry become expired once a local day (readers already
        # show them so; this keeps the one-open-invitation-per-address rule on the stored status).
        register_tenant_job(
            "org_invitations_expire",
            "apps.org.tasks.invitations_expire",
            daily(),
            label=_("Expire invitations not accepted in time"),
        )

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
