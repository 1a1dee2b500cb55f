from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "apps.pipeline"
    label = "pipeline"
    verbose_name = _("Sales pipeline")

    def ready(self) -> None:
        from apps.tenancy.audit import register_audit_actions

        register_audit_actions(
            {
                "pipeline.opportunity.moved": _("Opportunity moved to another stage"),
                "pipeline.opportunity.won": _("Opportunity won"),
                "pipeline.opportunity.lost": _("Opportunity lost"),
            }
        )

        from .metrics import register_pipeline_metrics  # pipeline KPIs join the targets engine's registry

        register_pipeline_metrics()

        from apps.tenancy.demo import register_demo_seeder

        # Demo data (apps/pipeline/demo/): open, won and lost opportunities on the foundation's customers.
        register_demo_seeder(
            "pipeline.opportunities", "apps.pipeline.demo.seed_opportunities", after=["sales.foundation"]
        )

        from apps.tenancy.starter import register_starter_data

        # The seed's steps (计划 → 寻找 → 接近 → 介绍 → 成交 / 未成交), fixtures/pipeline/stages.<language>.json.
        register_starter_data(
            "pipeline.stages", "apps.pipeline.starter.load_stages", label=_("pipeline stages")
        )

        from apps.tenancy.navigation import register_nav_entry

        register_nav_entry(
            "pipeline.opportunities",
            group="sales",
            label=_("Opportunities"),
            role_labels={"rep": _("My opportunities")},
            url_name="pipeline:board",
            order=30,
            current=["pipeline:*"],
            count="apps.pipeline.selectors.opportunity_next_steps_due_count",
        )

        from apps.customers.task_sources import register_task_source

        # Tasks done for an opportunity (the shared Task; the link is OpportunityTask).
        register_task_source(
            "pipeline.opportunity",
            label=_("Opportunity"),
            links="apps.pipeline.selectors.opportunity_task_links",
        )

        from apps.customers.panels import register_customer_panel

        # The customer page: the customer's opportunities, open ones first.
        register_customer_panel(
            "pipeline.opportunities",
            order=15,
            template="pipeline/panels/opportunities.html",
            context="apps.pipeline.selectors.customer_opportunities_panel",
            column="main",
        )

        from apps.tenancy.home import register_home_card

        # Homes: a rep's next steps due; a manager's stalled opportunities in their line.
        register_home_card(
            "pipeline.next_steps",
            roles=("rep",),
            order=25,
            template="pipeline/cards/next_steps.html",
            context="apps.pipeline.selectors.next_steps_card",
        )
        register_home_card(
            "pipeline.stalled",
            roles=("manager",),
            order=42,
            template="pipeline/cards/stalled.html",
            context="apps.pipeline.selectors.stalled_card",
        )
