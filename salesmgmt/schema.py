from django_scopes import scopes_disabled
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes


class UnscopedSchemaGenerator(SchemaGenerator):
    """Builds the OpenAPI document, which names models and filters but reads no tenant rows: filter
    classes are introspected outside any tenant, so the scope guard is lifted for this alone."""

    def get_schema(self, request=None, public=False):
        with scopes_disabled():
            return super().get_schema(request=request, public=public)


class TenantRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """A TenantRelatedField on a plain (model-less) input serializer is a row's id: an integer (its
    queryset is built per request, so spectacular cannot read the type from it)."""

    target_class = "apps.tenancy.api.fields.TenantRelatedField"

    def map_serializer_field(self, auto_schema, direction):
        return build_basic_type(OpenApiTypes.INT)


LOCAL_TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$"


def local_times(result, generator, request, public):
    """Times of day here are local wall-clock times ("09:30:00", a plan's visit time, a tenant's
    deadline), which JSON Schema's `format: time` (an RFC 3339 time with an offset) does not
    describe: declare them as strings with a pattern instead. Spectacular post-processing hook."""

    def walk(node):
        if isinstance(node, dict):
            if node.get("format") == "time" and node.get("type") == "string":
                del node["format"]
                node["pattern"] = LOCAL_TIME_PATTERN
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
