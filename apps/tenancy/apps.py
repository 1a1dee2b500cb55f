from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TenancyConfig(AppConfig):
    name = "apps.tenancy"
    label = "tenancy"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from .audit import register_audit_actions

        # What the audit codes this app writes read as (apps/tenancy/audit.py).
        register_audit_actions(
            {
                "tenancy.settings.updated": _("Organisation settings changed"),
                "tenancy.organisation.created": _("Organisation created"),
                "tenancy.starter_data.loaded": _("Starter data loaded"),
                "tenancy.membership.invited": _("First administrator invited"),
            }
        )

        from . import checks, signals  # noqa: F401  (registers the role check, connects the login receiver)
        from .navigation import register_nav_entry, register_nav_group

        # The groups of the top bar, in order; each app adds its pages to them in its own ready().
        # The home (工作台, the dashboard) is the brand link, not an entry.
        register_nav_group("today", pgettext_lazy("navigation group", "Today's work"), order=10)
        register_nav_group("customers", pgettext_lazy("navigation group", "Customers"), order=20)
        register_nav_group("sales", pgettext_lazy("navigation group", "Sales"), order=30)
        register_nav_group("targets", pgettext_lazy("navigation group", "Targets & appraisals"), order=40)
        register_nav_group("team", pgettext_lazy("navigation group", "Team"), order=50)
        register_nav_group("reports", pgettext_lazy("navigation group", "Reports"), order=60)
        register_nav_group("settings", pgettext_lazy("navigation group", "Settings"), order=90)

        register_nav_entry(
            "tenancy.notifications",
            group="today",
            label=_("Notifications"),
            url_name="notifications",
            order=90,
            count="apps.tenancy.notifications.notification_unread_count",
        )
        register_nav_entry(
            "tenancy.settings",
            group="settings",
            label=_("Organisation settings"),
            url_name="organisation-settings",
            roles=("admin",),
            order=10,
        )
        register_nav_entry(
            "tenancy.admin",
            group="settings",
            label=_("Data administration"),
            url_name="tenant_admin:index",
            roles=("admin",),
            order=90,
            tenant_url=False,
        )
