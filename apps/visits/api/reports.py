"""REST for daily sales reports (/daily-reports/) and market situation reports (/market-reports/).

A rep files and edits only their own reports; a manager reads their subtree's and signs them off;
writes go through apps.visits.services (its reports and market modules: atomic, audited). The input
serializers are in apps.visits.inputs, shared with the report pages."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from apps.sales.models import MONEY
from apps.tenancy.api.pagination import IdCursorPagination
from apps.tenancy.api.views import (
    IDEMPOTENCY_HEADER,
    SYNC_PARAMETER,
    IdempotentCreateMixin,
    ServiceUpdateMixin,
    ServiceWriteMixin,
    SyncListMixin,
    TenantAPIMixin,
)
from apps.visits import selectors, services
from apps.visits.filters import DailyReportFilter, MarketReportFilter
from apps.visits.inputs import DailyReportIn, MarketReportIn, as_service_data
from apps.visits.models import DailyReport, MarketReport, Visit


class ReportViewSet(
    ServiceWriteMixin,
    TenantAPIMixin,
    IdempotentCreateMixin,
    SyncListMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Reads from a selector, writes through services, like ServiceViewSet — but with no delete
    (reports are records of work done: they are corrected, never removed)."""


# ---- daily reports: output -------------------------------------------------------------------


class ReportVisitOut(serializers.ModelSerializer):
    customer_name = serializers.CharField(
        source="customer.name", read_only=True, default=None, allow_null=True
    )
    orders = serializers.SerializerMethodField()
    payments = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "planned",
            "plan",
            "customer",
            "customer_name",
            "prospect_name",
            "area",
            "purpose",
            "planned_time",
            "outcome",
            "result_note",
            "effective",
            "cost",
            "check_in_at",
            "orders",
            "payments",
        ]
        read_only_fields = fields

    # The report's links are prefetched once; a visit's are picked from them (no query per visit).
    def get_orders(self, visit) -> list[int]:
        return [
            link.order_id for link in self.context["report"].report_orders.all() if link.visit_id == visit.pk
        ]

    def get_payments(self, visit) -> list[int]:
        return [
            link.payment_id
            for link in self.context["report"].report_payments.all()
            if link.visit_id == visit.pk
        ]


class ReportOrderOut(serializers.Serializer):
    order = serializers.IntegerField(source="order_id")
    visit = serializers.IntegerField(source="visit_id", allow_null=True)
    number = serializers.CharField(source="order.number")
    amount = serializers.DecimalField(source="order.amount", **MONEY)
    status = serializers.CharField(source="order.status")


class ReportPaymentOut(serializers.Serializer):
    payment = serializers.IntegerField(source="payment_id")
    visit = serializers.IntegerField(source="visit_id", allow_null=True)
    amount = serializers.DecimalField(source="payment.amount", **MONEY)
    method = serializers.CharField(source="payment.method")


class DailyReportOut(serializers.ModelSerializer):
    rep_name = serializers.CharField(source="rep.name", read_only=True)
    reviewed_by_name = serializers.CharField(
        source="reviewed_by.name", read_only=True, default=None, allow_null=True
    )
    visit_cost = serializers.SerializerMethodField()
    visits = serializers.SerializerMethodField()
    orders = ReportOrderOut(source="report_orders", many=True, read_only=True)
    payments = ReportPaymentOut(source="report_payments", many=True, read_only=True)

    class Meta:
        model = DailyReport
        fields = [
            "id",
            "rep",
            "rep_name",
            "day",
            "attendance",
            "complaints_handled",
            "competitor_info",
            "customer_feedback",
            "learnings",
            "status",
            "submitted_at",
            "deadline_at",
            "on_time",
            "reviewed_by",
            "reviewed_by_name",
            "reviewed_at",
            "manager_comment",
            "visit_cost",
            "visits",
            "orders",
            "payments",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_visit_cost(self, report) -> str:
        return f"{sum((v.cost for v in report.visits.all()), Decimal('0')):.2f}"

    @extend_schema_field(ReportVisitOut(many=True))
    def get_visits(self, report) -> list[dict]:
        # One visit serializer for the whole page, pointed at each report in turn: building a
        # ModelSerializer's fields costs more than rendering a report's visits, and a page lists 50
        # reports (under load the list was the slowest endpoint, 3-5x any other list).
        out = self.__dict__.get("_visit_out")
        if out is None:
            out = self.__dict__["_visit_out"] = ReportVisitOut(context={**self.context})
        out.context["report"] = report  # type: ignore[index]  # our own dict; stubs say Mapping
        return [out.to_representation(visit) for visit in report.visits.all()]


class ReviewIn(serializers.Serializer):
    comment = serializers.CharField(help_text="The manager's comment (批示).")


class ReviewQueuePagination(IdCursorPagination):
    """The queue's order, oldest day first. DRF's cursor holds the first field (the day) and an offset
    into that day, so the rest of the ordering must fix the order within a day for the offset to count
    the same rows on every request (DRF caps that offset at 1000 reports of one day)."""

    ordering = selectors.REVIEW_QUEUE_ORDER


@extend_schema_view(
    list=extend_schema(parameters=[SYNC_PARAMETER]),
    create=extend_schema(
        request=DailyReportIn, responses={201: DailyReportOut}, parameters=[IDEMPOTENCY_HEADER]
    ),
    update=extend_schema(request=DailyReportIn, responses=DailyReportOut),
    partial_update=extend_schema(request=DailyReportIn, responses=DailyReportOut),
)
class DailyReportViewSet(ServiceUpdateMixin, ReportViewSet, mixins.UpdateModelMixin):
    """每日销售报告: a rep files their own (nested visits with their orders and collections), edits it
    until it is signed off and submits it; a manager above signs it off with a comment (`review`)."""

    queryset = DailyReport.objects.none()
    serializer_class = DailyReportOut
    input_serializer_class = DailyReportIn
    filterset_class = DailyReportFilter

    def get_queryset(self):
        return selectors.daily_report_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.daily_report_create(
            tenant=self.request.tenant, by=self.membership, **as_service_data(data)
        )

    def update_object(self, instance, data):
        return services.daily_report_update(report=instance, by=self.membership, **as_service_data(data))

    @extend_schema(request=None, responses=DailyReportOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.answer(services.daily_report_submit(report=self.get_object(), by=self.membership))

    @extend_schema(request=ReviewIn, responses=DailyReportOut)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        report = self.get_object()
        body = ReviewIn(data=request.data)
        body.is_valid(raise_exception=True)
        return self.answer(
            services.daily_report_review(
                report=report, by=self.membership, comment=body.validated_data["comment"]
            )
        )

    @extend_schema(responses=DailyReportOut(many=True))
    @action(detail=False, url_path="review-queue", pagination_class=ReviewQueuePagination)
    def review_queue(self, request):
        """Submitted reports of the caller's subtree awaiting sign-off (not their own), oldest day first."""
        qs = selectors.review_queue(tenant=request.tenant, viewer=self.membership)
        page = self.paginate_queryset(self.filter_queryset(qs))
        return self.get_paginated_response(
            DailyReportOut(page, many=True, context=self.get_serializer_context()).data
        )


# ---- market reports --------------------------------------------------------------------------


class MarketReportOut(serializers.ModelSerializer):
    rep_name = serializers.CharField(source="rep.name", read_only=True)
    customer_name = serializers.CharField(
        source="customer.name", read_only=True, default=None, allow_null=True
    )
    region_name = serializers.CharField(source="region.name", read_only=True, default=None, allow_null=True)
    acknowledged_by_name = serializers.CharField(
        source="acknowledged_by.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = MarketReport
        fields = [
            "id",
            "rep",
            "rep_name",
            "raised_at",
            "customer",
            "customer_name",
            "region",
            "region_name",
            "category",
            "urgency",
            "title",
            "body",
            "status",
            "acknowledged_by",
            "acknowledged_by_name",
            "acknowledged_at",
            "response",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ResponseIn(serializers.Serializer):
    response = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(parameters=[SYNC_PARAMETER]),
    create=extend_schema(
        request=MarketReportIn, responses={201: MarketReportOut}, parameters=[IDEMPOTENCY_HEADER]
    ),
)
class MarketReportViewSet(ReportViewSet):
    """市场状况反映表: raised by anyone who files reports, escalated to their manager at once;
    acknowledged and closed (with a response) by a manager above the author."""

    queryset = MarketReport.objects.none()
    serializer_class = MarketReportOut
    input_serializer_class = MarketReportIn
    filterset_class = MarketReportFilter

    def get_queryset(self):
        return selectors.market_report_list(tenant=self.request.tenant, viewer=self.membership)

    def create_object(self, data):
        return services.market_report_create(tenant=self.request.tenant, by=self.membership, **data)

    @extend_schema(request=ResponseIn, responses=MarketReportOut)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        report = self.get_object()
        body = ResponseIn(data=request.data)
        body.is_valid(raise_exception=True)
        return self.answer(
            services.market_report_acknowledge(
                report=report, by=self.membership, response=body.validated_data["response"]
            )
        )

    @extend_schema(request=ResponseIn, responses=MarketReportOut)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        report = self.get_object()
        body = ResponseIn(data=request.data)
        body.is_valid(raise_exception=True)
        return self.answer(
            services.market_report_close(
                report=report, by=self.membership, response=body.validated_data["response"]
            )
        )
