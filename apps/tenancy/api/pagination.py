from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Newest first, on the primary key: stable under inserts and constant-cost on any page."""

    ordering: str | list[str] | tuple[str, ...] = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
