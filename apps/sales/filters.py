"""FilterSets for the sales API and pages. Foreign keys filter by id: the querysets are already
tenant- and viewer-restricted, and an id needs no lookup to validate."""

from django.db.models import Q
from django_filters import rest_framework as filters
from django_scopes import scopes_disabled

from .models import Order, Payment, Product, ProductCategory

with scopes_disabled():

    class ProductCategoryFilter(filters.FilterSet):
        q = filters.CharFilter(method="filter_q", label="Search code or name")

        class Meta:
            model = ProductCategory
            fields = ["q"]

        def filter_q(self, queryset, name, value):
            value = value.strip()
            return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)) if value else queryset

    class ProductFilter(filters.FilterSet):
        q = filters.CharFilter(method="filter_q", label="Search SKU or name")
        category = filters.NumberFilter(field_name="category_id")
        is_active = filters.BooleanFilter()

        class Meta:
            model = Product
            fields = ["q", "category", "is_active"]

        def filter_q(self, queryset, name, value):
            value = value.strip()
            return queryset.filter(Q(sku__icontains=value) | Q(name__icontains=value)) if value else queryset

    class OrderFilter(filters.FilterSet):
        customer = filters.NumberFilter(field_name="customer_id")
        rep = filters.NumberFilter(field_name="rep_id")
        status = filters.ChoiceFilter(choices=Order.Status.choices)
        number = filters.CharFilter(field_name="number")
        date_from = filters.DateFilter(field_name="order_date", lookup_expr="gte")
        date_to = filters.DateFilter(field_name="order_date", lookup_expr="lte")

        class Meta:
            model = Order
            fields = ["customer", "rep", "status", "number", "date_from", "date_to"]

    class PaymentFilter(filters.FilterSet):
        customer = filters.NumberFilter(field_name="customer_id")
        rep = filters.NumberFilter(field_name="rep_id")
        order = filters.NumberFilter(field_name="order_id")
        method = filters.ChoiceFilter(choices=Payment.Method.choices)
        date_from = filters.DateFilter(field_name="received_on", lookup_expr="gte")
        date_to = filters.DateFilter(field_name="received_on", lookup_expr="lte")

        class Meta:
            model = Payment
            fields = ["customer", "rep", "order", "method", "date_from", "date_to"]
