"""Tomorrow's plan, suggested, through the API: a rep's suggestions of a day (a rep their own, a
manager their line's, admin and viewer all), and the rep's decisions — accept (adds the plan item),
drop (with an optional reason), reorder (the pending ones of a rep and day)."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.tenancy.api.views import TenantReadOnlyViewSet
from apps.visits import services
from apps.visits.filters import PlanSuggestionFilter
from apps.visits.models import PlanSuggestion
from apps.visits.selectors import plan_suggestion_list

from .serializers import PlanSuggestionOut, SuggestionDropIn, SuggestionReorderIn


class PlanSuggestionViewSet(TenantReadOnlyViewSet):
    """Suggested visits for the plan of a rep and day (filter `rep`, `day`, `status`), pending ones in
    the rep's order."""

    queryset = PlanSuggestion.objects.none()
    serializer_class = PlanSuggestionOut
    filterset_class = PlanSuggestionFilter

    def get_queryset(self):
        return plan_suggestion_list(tenant=self.membership.tenant, viewer=self.membership)

    def _answer(self, suggestion):
        row = self.get_queryset().get(pk=suggestion.pk)
        return Response(PlanSuggestionOut(row, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=PlanSuggestionOut)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Add the suggested visit to the rep's plan of its day (a draft or returned plan; created
        when there is none). The suggestion's `visit` is the new plan item."""
        suggestion = services.plan_suggestion_accept(suggestion=self.get_object(), by=self.membership)
        return self._answer(suggestion)

    @extend_schema(request=SuggestionDropIn, responses=PlanSuggestionOut)
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        suggestion = self.get_object()
        data = SuggestionDropIn(data=request.data)
        data.is_valid(raise_exception=True)
        suggestion = services.plan_suggestion_drop(
            suggestion=suggestion, by=self.membership, **data.validated_data
        )
        return self._answer(suggestion)

    @extend_schema(request=SuggestionReorderIn, responses=PlanSuggestionOut(many=True))
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def reorder(self, request):
        data = SuggestionReorderIn(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        rows = services.plan_suggestion_reorder(
            tenant=request.tenant,
            by=self.membership,
            rep=data.validated_data.get("rep") or self.membership,
            day=data.validated_data["day"],
            order=data.validated_data["order"],
        )
        ids = [r.pk for r in rows]
        by_id = {r.pk: r for r in self.get_queryset().filter(pk__in=ids)}
        out = PlanSuggestionOut([by_id[pk] for pk in ids], many=True, context=self.get_serializer_context())
        return Response(out.data)
