"""Cursor pagination: a page stays right while records are added, and deep pages cost no more
than the first (no OFFSET)."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "id"

    def get_ordering(self, request, queryset, view):
        """The view's own order (`ordering` on the view), else by id."""
        ordering = getattr(view, "ordering", None) or self.ordering
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)
