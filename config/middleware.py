"""Service-wide middleware: refuse web addresses no person types, before any view or
database sees them; give each request the plan's generation."""

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.utils.functional import SimpleLazyObject
from django.views.defaults import bad_request

from reports import freshness

# Longer than any search, date or number the product asks for; short enough that no
# database's pattern or number limits are reached (SQLite refuses LIKE patterns over 50 kB).
LONGEST_QUERY_VALUE = 2000
QUERY_REFUSED = (
    f"A query-string value is longer than {LONGEST_QUERY_VALUE} characters or holds a NUL byte."
)


class QueryLimitsMiddleware:
    """400 with a plain page when a query-string value is too long or holds a NUL byte."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for values in request.GET.lists():
            for value in values[1]:
                if len(value) > LONGEST_QUERY_VALUE or "\x00" in value:
                    if request.path.startswith("/api/"):  # the API answers JSON (issue 14)
                        return JsonResponse({"detail": QUERY_REFUSED}, status=400)
                    return bad_request(request, SuspiciousOperation("Query value refused"))
        return self.get_response(request)


class PlanGenerationMiddleware:
    """Give each request the plan's generation (reports/freshness.py), read only if a page
    uses it: the key of the rendered parts that govuk/fragments.py keeps.

    Apps below reports/ cannot import it; they read `request.plan_generation` instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.plan_generation = SimpleLazyObject(freshness.generation)
        return self.get_response(request)
