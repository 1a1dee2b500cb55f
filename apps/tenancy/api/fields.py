from rest_framework import serializers


class TenantRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key chosen only among the current tenant's rows (and, if given, rows the viewer may use).

    The queryset is built per request inside the tenant scope, so another tenant's id is simply
    "does not exist" — a 400, never a link across tenants.
    """

    def __init__(self, model=None, restrict=None, **kwargs):
        self.model = model
        self.restrict = restrict  # callable(queryset, membership) -> queryset
        if not kwargs.get("read_only"):
            kwargs["queryset"] = None
        super().__init__(**kwargs)

    def get_queryset(self):
        qs = self.model.objects.all()
        request = self.context.get("request")
        membership = getattr(request, "auth", None) if request else None
        if self.restrict and membership is not None:
            qs = self.restrict(qs, membership)
        return qs

    def use_pk_only_optimization(self):
        return True
