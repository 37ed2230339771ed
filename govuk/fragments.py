"""Parts of a page kept, rendered, until the plan changes.

A list page's filter form, counts and cards, or an action's page, cost the same to render
for every reader, and far more than the request around them at a large council's scale. They
are kept in the cache (Redis in production, so every worker shares them) under a key made of
the plan's generation, today's date and the page's address: any change to the plan moves the
generation (reports/freshness.py), so the next request renders afresh on every worker; a new
day does too, because "overdue" depends on the date.

The generation is read before the part is built. A change that commits in between is then
either in the part (kept under the older generation, which nobody asks for once the change
is read) or after it (the generation has moved): a reader never gets a part older than the
generation it read.

Only parts that are the same for every reader of the plan may be kept: nothing here holds a
CSRF token, a person's name or what their role lets them do, unless the caller puts that in
`vary`. `request.plan_generation` is set by config.middleware.PlanGenerationMiddleware; a
request without it (a test's RequestFactory) always builds afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

T = TypeVar("T")

# A part is kept at most this long; a change replaces it at once whatever this says.
TIMEOUT = 3600


def cached(
    request: HttpRequest,
    name: str,
    build: Callable[[], T],
    *,
    vary: Iterable[object] = (),
    address: str | None = None,
) -> T:
    """What `build()` returns for this page address, kept until the plan changes.

    `name` says which part it is; `vary` holds anything else the part depends on (say,
    whether the reader may post an update). `build()` must return something picklable.
    `address`, if given, replaces the request's full path in the key: the part of it the page
    depends on (the public site's, so that made-up query strings make no new entries).
    """
    generation = getattr(request, "plan_generation", None)
    if generation is None:
        return build()
    full = request.get_full_path() if address is None else address
    address = hashlib.sha256(full.encode()).hexdigest()[:40]
    key = ":".join(
        [
            "fragment",
            name,
            str(generation),  # read now, before build() reads the plan
            timezone.localdate().isoformat(),
            address,
            *(str(value) for value in vary),
        ]
    )
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


@dataclass(frozen=True)
class Part:
    """A rendered part of a page, with where a paged list is, for the page's title."""

    html: str
    number: int = 1
    pages: int = 1


def render_part(request: HttpRequest, template: str, context: dict, page=None) -> Part:
    """`template` rendered as a Part (`page`: the list's Page, if the part shows one)."""
    html = mark_safe(render_to_string(template, context, request=request))
    if page is None:
        return Part(html)
    return Part(html, number=page.number, pages=page.paginator.num_pages)
