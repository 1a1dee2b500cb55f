from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.tenancy.api.views import IDEMPOTENCY_HEADER, ServiceViewSet, TenantReadOnlyViewSet, service_schema
from apps.visits import services
from apps.visits.downloads import photo_response
from apps.visits.filters import VisitFilter, VisitPlanFilter
from apps.visits.models import Visit, VisitPhoto, VisitPlan
from apps.visits.selectors import (
    carry_over_candidates,
    visit_list,
    visit_photo_list,
    visit_plan_list,
    visit_plan_queue,
)

from .serializers import (
    CarryOverIn,
    CarryOverQuery,
    CheckInIn,
    PhotoIn,
    PlanReturnIn,
    PlanReviewIn,
    PositionIn,
    VisitIn,
    VisitItemOut,
    VisitOut,
    VisitPhotoOut,
    VisitPlanIn,
    VisitPlanOut,
)

QUEUE_PARAMETER = OpenApiParameter(
    "queue", OpenApiTypes.BOOL, description="Only submitted plans waiting for the caller's approval."
)


def _parsed(serializer_class, request):
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@service_schema(VisitPlanOut, VisitPlanIn)
@extend_schema(parameters=[QUEUE_PARAMETER])
class VisitPlanViewSet(ServiceViewSet):
    """Daily visit plans with their items: a rep their own, a manager their line's, an admin all."""

    queryset = VisitPlan.objects.none()
    serializer_class = VisitPlanOut
    input_serializer_class = VisitPlanIn
    filterset_class = VisitPlanFilter

    def get_queryset(self):
        if self.request.query_params.get("queue") in ("1", "true") or self.action == "queue":
            return visit_plan_queue(tenant=self.request.tenant, viewer=self.membership)
        return visit_plan_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        rep = data.pop("rep", None) or self.membership
        return services.visit_plan_save(
            tenant=self.request.tenant, by=self.membership, rep=rep, new=True, **data
        )

    def update_object(self, instance, data):
        if data.pop("rep", instance.rep) != instance.rep or data.pop("day", instance.day) != instance.day:
            raise ValidationError(_("The account manager and the day of a plan cannot change."))
        return services.visit_plan_save(
            tenant=self.request.tenant, by=self.membership, rep=instance.rep, day=instance.day, **data
        )

    def delete_object(self, instance):
        services.visit_plan_delete(plan=instance, by=self.membership)

    @extend_schema(request=None, responses=VisitPlanOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.answer(services.visit_plan_submit(plan=self.get_object(), by=self.membership))

    @extend_schema(request=PlanReviewIn, responses=VisitPlanOut)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        data = _parsed(PlanReviewIn, request)
        return self.answer(services.visit_plan_approve(plan=plan, by=self.membership, **data))

    @extend_schema(request=PlanReturnIn, responses=VisitPlanOut)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_plan(self, request, pk=None):
        plan = self.get_object()
        data = _parsed(PlanReturnIn, request)
        return self.answer(services.visit_plan_return(plan=plan, by=self.membership, **data))

    @extend_schema(responses=VisitPlanOut(many=True))
    @action(detail=False, methods=["get"])
    def queue(self, request):
        """Submitted plans of the caller's reports, oldest day first (the manager's approval queue)."""
        return self.list(request)

    @extend_schema(
        methods=["get"],
        parameters=[CarryOverQuery],
        responses=VisitItemOut(many=True),
    )
    @extend_schema(
        methods=["post"], request=CarryOverIn, responses={201: VisitPlanOut}, parameters=[IDEMPOTENCY_HEADER]
    )
    @action(
        detail=False,
        methods=["get", "post"],
        url_path="carry-over",
        url_name="carry-over",
        pagination_class=None,  # a day's handful of visits, answered whole
        filter_backends=[],
    )
    def carry_over(self, request):
        """GET: the rep's unfinished visits of their previous working day, offered for `day`.
        POST: carry the chosen ones into the plan of `day` (each once)."""
        if request.method == "GET":
            query = CarryOverQuery(data=request.query_params, context={"request": request})
            query.is_valid(raise_exception=True)
            rep, day = query.validated_data.get("rep") or self.membership, query.validated_data["day"]
            rows = carry_over_candidates(tenant=request.tenant, rep=rep, day=day)
            return Response(VisitItemOut(rows, many=True).data)

        def carry():
            data = _parsed(CarryOverIn, request)
            plan = services.visit_plan_carry_over(
                tenant=request.tenant,
                by=self.membership,
                day=data["day"],
                rep=data.get("rep"),
                visit_ids=data["visits"],
            )
            return self.answer(plan, status.HTTP_201_CREATED)

        return self.run_idempotent(request, carry)


@service_schema(VisitOut, VisitIn)
class VisitViewSet(ServiceViewSet):
    """Visits (plan items and unplanned visits), check-in and check-out, photos."""

    queryset = Visit.objects.none()
    serializer_class = VisitOut
    input_serializer_class = VisitIn
    filterset_class = VisitFilter

    def get_queryset(self):
        return visit_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.visit_create(tenant=self.request.tenant, by=self.membership, **data)

    def update_object(self, instance, data):
        return services.visit_update(visit=instance, by=self.membership, **data)

    def delete_object(self, instance):
        services.visit_delete(visit=instance, by=self.membership)

    @extend_schema(request=CheckInIn, responses=VisitOut)
    @action(detail=True, methods=["post"], url_path="check-in", url_name="check-in")
    def check_in(self, request, pk=None):
        """Arrive at the visit now; the position is optional (the rep may refuse location)."""
        visit = self.get_object()
        data = _parsed(CheckInIn, request)
        return self.answer(services.visit_check_in(visit=visit, by=self.membership, **data))

    @extend_schema(request=PositionIn, responses=VisitOut)
    @action(detail=True, methods=["post"], url_path="check-out", url_name="check-out")
    def check_out(self, request, pk=None):
        visit = self.get_object()
        data = _parsed(PositionIn, request)
        return self.answer(services.visit_check_out(visit=visit, by=self.membership, **data))

    @extend_schema(request=None, responses=VisitOut)
    @action(detail=True, methods=["post"], url_path="set-customer-location", url_name="set-customer-location")
    def set_customer_location(self, request, pk=None):
        """Store this visit's check-in position as the customer's location (the customer's owner only)."""
        visit = self.get_object()
        return self.answer(services.customer_location_from_visit(visit=visit, by=self.membership))

    @extend_schema(methods=["get"], responses=VisitPhotoOut(many=True))
    @extend_schema(methods=["post"], request={"multipart/form-data": PhotoIn}, responses={201: VisitPhotoOut})
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,  # a visit's few photos, answered whole
        filter_backends=[],
    )
    def photos(self, request, pk=None):
        visit = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            return Response(VisitPhotoOut(visit.photos.all(), many=True, context=context).data)
        upload = request.FILES.get("image")
        if upload is None:
            return Response({"image": [_("Attach a photo.")]}, status=status.HTTP_400_BAD_REQUEST)
        photo = services.visit_photo_add(visit=visit, by=self.membership, upload=upload)
        return Response(VisitPhotoOut(photo, context=context).data, status=status.HTTP_201_CREATED)


class VisitPhotoViewSet(TenantReadOnlyViewSet):
    """Photos of the visits the caller may see; `file` downloads one (never a public URL)."""

    queryset = VisitPhoto.objects.none()
    serializer_class = VisitPhotoOut

    def get_queryset(self):
        return visit_photo_list(tenant=self.request.tenant, viewer=self.membership)

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        return photo_response(self.get_object())
