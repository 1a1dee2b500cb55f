"""The form of a visit's outcome on an opportunity: one of the visited customer's open opportunities,
and the pipeline's move (stage, next step, dates)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from apps.pipeline.forms import MoveForm
from apps.pipeline.models import Opportunity
from apps.pipeline.selectors import visible_opportunities
from apps.tenancy.models import Membership

from .models import Visit

with scopes_disabled():

    class VisitOpportunityForm(MoveForm):
        fields: dict[str, Any]

        opportunity = forms.ModelChoiceField(label=_("Opportunity"), queryset=Opportunity.objects.none())
        field_order = ["opportunity", "stage", "amount", "next_step", "next_step_on", "expected_close"]

        def __init__(self, *args, visit: Visit, viewer: Membership, **kwargs):
            super().__init__(*args, tenant=visit.tenant, **kwargs)
            # A visit of a prospect has no customer, hence no opportunity to pick.
            qs = (
                Opportunity.objects.filter(customer=visit.customer, status=Opportunity.Status.OPEN)
                if visit.customer is not None
                else Opportunity.objects.none()
            )
            self.fields["opportunity"].queryset = visible_opportunities(qs, viewer).order_by("-id")
            self.order_fields(self.field_order)
