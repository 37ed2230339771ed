"""Pages of a long list, with the filters kept in every page's link."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


@dataclass(frozen=True)
class Paged:
    page: Page
    query: str  # the query string without `page`, for the pagination links
    filtered: bool  # whether any filter is set


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> Paged:
    """The page of `queryset` that `?page=` asks for (the last for a number past the end)."""
    query = request.GET.copy()
    query.pop("page", None)
    return Paged(
        page=Paginator(queryset, per_page).get_page(request.GET.get("page")),
        query=query.urlencode(),
        filtered=any(value for value in query.values()),
    )
