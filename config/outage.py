"""When the database does not answer, say so (503, try again shortly) rather than fail (500).

A request can meet the outage anywhere: the session or the signed-in person read by a
middleware, the request's transaction opened around the view (ATOMIC_REQUESTS), the view
itself, or a template. Django turns an exception raised in any of these into a response in
the layer where it was raised (`convert_exception_to_response`), calling the `handler500`
view for anything it does not know. So there are two places, and both are here:

- `server_error` is the project's `handler500`: when the exception being handled is a
  database connection error it answers the 503 page, otherwise Django's own 500 page. This
  covers every layer, in production (DEBUG off).
- `ServiceUnavailableMiddleware`, first in MIDDLEWARE (outside everything else), turns a 500
  made for such an error into the 503 page when DEBUG is on (Django's debug page replaces
  `handler500` then), and has the last word on the 503's headers: `Retry-After`, and never
  kept by any cache (a public page's `Cache-Control: public` is replaced).

The page is rendered without a request context: no context processor runs, so nothing reads
the session, the signed-in person or the database. It extends base.html like every page.

A form posted during the outage was not saved: the page says so and shows what was typed
(every posted text value but the CSRF token and passwords; files are not posted values), so
the person can copy it, and links back to the form.
"""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

#: Exceptions meaning the database cannot be reached or its connection was lost. PostgreSQL's
#: lock and statement timeouts and deadlocks are OperationalErrors too: "try again shortly"
#: is the right answer for those as well.
UNAVAILABLE = (OperationalError, InterfaceError)

#: Posted values never shown back: the CSRF token, and anything that is a password.
HIDDEN_FIELDS = ("csrfmiddlewaretoken",)
#: At most this many posted values are shown back (Django parses at most 1,000).
MOST_FIELDS_SHOWN = 100

_MARK = "_database_unavailable"


def database_error(error: BaseException | None) -> BaseException | None:
    """The database connection error behind `error` (itself, or what caused it), if any."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, UNAVAILABLE):
            return error
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def what_was_typed(request: HttpRequest) -> list[tuple[str, str]]:
    """(field name, value) for each posted text value worth showing back to the person."""
    if request.method != "POST":
        return []
    try:
        posted = request.POST
    except Exception:  # an unreadable body: nothing to show back
        return []
    shown = []
    for name, values in posted.lists():
        if name in HIDDEN_FIELDS or "password" in name.lower():
            continue
        value = ", ".join(v for v in values if v.strip())
        if value:
            shown.append((name.replace("_", " ").replace("-", " ").capitalize(), value))
        if len(shown) >= MOST_FIELDS_SHOWN:
            break
    return shown


def unavailable(request: HttpRequest, error: BaseException | None = None) -> HttpResponse:
    """The 503 answer: the GOV.UK "Sorry, the service is unavailable" page (JSON for the API)."""
    logger.error(
        "The database is unavailable: answering 503 to %s %s (%s: %s)",
        request.method,
        request.path,
        type(error).__name__ if error else "unknown error",
        error,
    )
    retry_after = settings.SERVICE_UNAVAILABLE_RETRY_AFTER
    if request.path == "/healthz":  # met before the health check's view (a session cookie)
        response = HttpResponse(
            "database unavailable\ndatabase: down\n", status=503, content_type="text/plain"
        )
    elif request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "The service is unavailable. Nothing was saved. Try again shortly."},
            status=503,
        )
    else:
        posted = request.method == "POST"
        context = {
            "service_name": settings.SERVICE_NAME,
            "council_name": settings.COUNCIL_NAME,
            "posted": posted,
            "typed": what_was_typed(request),
            "back_to": request.path,
            "retry_minutes": max(1, round(retry_after / 60)),
        }
        # No request: no context processor runs, so nothing touches the database.
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    return finish(response)


def finish(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER)
    response.is_public = False  # never the public pages' shared caching
    response.cookies.clear()  # nothing was saved: no new session or CSRF cookie either
    add_never_cache_headers(response)
    setattr(response, _MARK, True)
    return response


def server_error(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """handler500: the 503 page for a database outage, Django's 500 page for anything else."""
    error = database_error(sys.exc_info()[1])
    if error is not None:
        return unavailable(request, error)
    return defaults.server_error(request, *args, **kwargs)


def _remember(sender, request=None, **kwargs):
    """Mark the request when the exception Django is handling is a database outage."""
    if request is not None and database_error(sys.exc_info()[1]) is not None:
        setattr(request, _MARK, sys.exc_info()[1])


got_request_exception.connect(_remember, dispatch_uid="config.outage.remember")


class ServiceUnavailableMiddleware:
    """First in MIDDLEWARE: a database outage met anywhere inside answers 503, never 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, _MARK, False):
            return finish(response)  # again: inner middleware may have changed its headers
        error = getattr(request, _MARK, None)
        if error is not None and response.status_code == 500:
            return unavailable(request, error)  # DEBUG's technical 500 page, replaced
        return response
