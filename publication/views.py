"""The public progress site (anyone, no sign-in) and the page where administrators publish a
strategy. Public pages are marked public (publication/middleware.py): the same bytes for
every visitor, signed in or not, kept by caches for five minutes."""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import permissions
from actions.models import StrategyAction
from govuk import fragments
from govuk.pagination import PAGE_SIZE
from indicators.models import Indicator
from indicators.selectors import Figures as IndicatorFigures
from indicators.selectors import figures_of
from reports import freshness
from strategy.decision import decision_of
from strategy.models import Strategy

from . import opendata, selectors, services
from .models import PublicationEvent


def public(view):
    """A public page: GET or HEAD only, and marked so that it is cached as public."""

    @require_safe
    @wraps(view)
    def marked(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.is_public = True
        return response

    return marked


def _page_number(request: HttpRequest) -> str:
    """The list page asked for, as the paginator will read it: made-up values read as 1."""
    raw = request.GET.get("page", "")
    return str(int(raw)) if raw.isdigit() and len(raw) <= 6 else "1"


def _address(request: HttpRequest, paged: bool = False) -> str:
    """What a public page depends on of its address, for the key of its kept body: the path,
    and for a list the page number, so that made-up query strings add nothing to the cache
    (and nothing from them gets into a body kept for others)."""
    return f"{request.path}?page={_page_number(request)}" if paged else request.path


def _page(request: HttpRequest, queryset):
    """The page of `queryset` the address asks for (govuk/pagination.py's size)."""
    return Paginator(queryset, PAGE_SIZE).get_page(_page_number(request))


def _site(request: HttpRequest) -> str:
    """This site's address, for the links in downloads and the sitemap."""
    return request.build_absolute_uri("/").rstrip("/")


# --- Pages ------------------------------------------------------------------------------


@public
def landing(request: HttpRequest) -> HttpResponse:
    """Every published strategy."""
    return render(
        request,
        "public/landing.html",
        {"strategies": selectors.published_strategies(), "title": "Progress of the strategies"},
    )


@public
def strategy_page(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = selectors.published_strategy(slug)

    def build():
        themes = selectors.themes_of(strategy)
        context = {
            "strategy": strategy,
            "figures": selectors.figures(strategy, themes),
            "last_update": selectors.last_approved_update(strategy),
        }
        return fragments.render_part(request, "public/strategy.html", context)

    part = fragments.cached(request, "public-strategy", build, address=_address(request))
    return render(request, "public/page.html", {"part": part, "title": strategy.title})


@public
def theme_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    strategy = selectors.published_strategy(slug)
    theme = selectors.theme_of(strategy, number)

    def build():
        page = _page(request, selectors.theme_actions(theme))
        context = {"strategy": strategy, "theme": theme, "page": page, "query": ""}
        return fragments.render_part(request, "public/theme.html", context, page)

    part = fragments.cached(request, "public-theme", build, address=_address(request, paged=True))
    title = f"Theme {theme.number}: {theme.title}"
    if part.pages > 1:
        title += f" (page {part.number} of {part.pages})"
    return render(request, "public/page.html", {"part": part, "title": title})


@public
def action_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = selectors.published_strategy(slug)
    # One light query decides "not found"; the page's dozen more run only when not cached.
    action = get_object_or_404(
        StrategyAction.objects.filter(theme__strategy=strategy).only("pk", "reference"), pk=pk
    )

    def build():
        context = {
            "strategy": strategy,
            "action": selectors.action(strategy, pk),
            "indicators": selectors.action_indicators(strategy, action),
        }
        return fragments.render_part(request, "public/action.html", context)

    part = fragments.cached(request, "public-action", build, address=_address(request))
    title = f"Strategy action {action.reference}"
    return render(request, "public/page.html", {"part": part, "title": title})


@public
def council_actions(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = selectors.published_strategy(slug)

    def build():
        page = _page(request, selectors.council_actions(strategy))
        context = {"strategy": strategy, "page": page, "query": ""}
        return fragments.render_part(request, "public/council_actions.html", context, page)

    part = fragments.cached(
        request, "public-council-actions", build, address=_address(request, paged=True)
    )
    title = f"Proposed council actions: {strategy.title}"
    if part.pages > 1:
        title += f" (page {part.number} of {part.pages})"
    return render(request, "public/page.html", {"part": part, "title": title})


@public
def decision(request: HttpRequest, slug: str) -> HttpResponse:
    """The decision on the strategy, whole (issue 15): the signed-in page's words and layout."""
    strategy = selectors.published_strategy(slug)

    def build():
        context = {"strategy": strategy, "decision": decision_of(strategy), "public": True}
        return fragments.render_part(request, "public/strategy_decision.html", context)

    part = fragments.cached(request, "public-decision", build, address=_address(request))
    return render(
        request, "public/page.html", {"part": part, "title": f"The decision on {strategy.title}"}
    )


@public
def indicators(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = selectors.published_strategy(slug)

    def build():
        page = _page(request, selectors.indicators(strategy))
        context = {
            "strategy": strategy,
            "page": page,
            "query": "",
            "rows": figures_of(page.object_list),
        }
        return fragments.render_part(request, "public/indicators.html", context, page)

    part = fragments.cached(
        request, "public-indicators", build, address=_address(request, paged=True)
    )
    title = f"Indicators: {strategy.title}"
    if part.pages > 1:
        title += f" (page {part.number} of {part.pages})"
    return render(request, "public/page.html", {"part": part, "title": title})


@public
def indicator_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = selectors.published_strategy(slug)
    indicator = get_object_or_404(
        Indicator.objects.filter(strategy=strategy).only("pk", "name"), pk=pk
    )

    def build():
        indicator = selectors.indicator(strategy, pk)
        figures = IndicatorFigures.of(indicator)
        context = {
            "strategy": strategy,
            "indicator": indicator,
            "figures": figures,
            "timeline": list(reversed(figures.values)),
        }
        return fragments.render_part(request, "public/indicator.html", context)

    part = fragments.cached(request, "public-indicator", build, address=_address(request))
    return render(request, "public/page.html", {"part": part, "title": indicator.name})


@public
def evidence_file(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """An evidence file cleared for the public site, as a download (never shown inline, and
    never sniffed into another type)."""
    strategy = selectors.published_strategy(slug)
    evidence = selectors.public_file(strategy, pk)
    try:
        stored = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404("No such file") from missing
    response = FileResponse(
        stored, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Open data ----------------------------------------------------------------------------


@public
def open_data(request: HttpRequest, slug: str) -> HttpResponse:
    """The open data page: each dataset as CSV and JSON, the licence, the last update."""
    strategy = selectors.published_strategy(slug)
    context = {
        "strategy": strategy,
        "datasets": opendata.DATASETS.values(),
        "last_update": selectors.last_approved_update(strategy),
        "licence": opendata.LICENCE,
        "licence_url": opendata.LICENCE_URL,
    }
    return render(request, "public/open_data.html", context)


def _dataset(key: str) -> opendata.Dataset:
    try:
        return opendata.DATASETS[key]
    except KeyError:
        raise Http404("No such dataset") from None


def _download(
    request: HttpRequest, strategy, filename: str, content_type: str, build
) -> HttpResponse:
    """A download of the strategy's open data: the file kept for this state of the plan, or,
    the first time, `build()`'s pieces streamed and kept (opendata.keeping)."""
    generation = getattr(request, "plan_generation", None)
    if generation is None:  # a request made without the middleware (a test's RequestFactory)
        generation = freshness.generation()
    # Under the site's address too: the files hold links to the pages.
    site = hashlib.sha256(_site(request).encode()).hexdigest()[:12]
    name = opendata.kept_name(strategy, generation, f"{site}-{filename}")
    if (kept := opendata.open_kept(name)) is not None:
        response = FileResponse(kept, content_type=content_type)
    else:
        response = StreamingHttpResponse(opendata.keeping(name, build()), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{opendata.LICENCE_URL}>; rel="license"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public
def data_csv(request: HttpRequest, slug: str, dataset: str) -> HttpResponse:
    strategy = selectors.published_strategy(slug)
    chosen = _dataset(dataset)

    def build():
        return opendata.streamed(opendata.csv_lines(chosen, strategy, _site(request)))

    filename = f"{strategy.slug}-{chosen.key}.csv"
    return _download(request, strategy, filename, "text/csv; charset=utf-8", build)


@public
def data_json(request: HttpRequest, slug: str, dataset: str) -> HttpResponse:
    strategy = selectors.published_strategy(slug)
    chosen = _dataset(dataset)

    def build():
        base = _site(request)
        last_update = selectors.last_approved_update(strategy)
        meta = opendata.metadata(chosen, strategy, base, last_update)
        meta["publisher"] = settings.COUNCIL_NAME
        return opendata.streamed(opendata.json_pieces(chosen, strategy, base, meta))

    filename = f"{strategy.slug}-{chosen.key}.json"
    return _download(request, strategy, filename, "application/json; charset=utf-8", build)


# --- Publishing (administrators) --------------------------------------------------------


def _check_can_publish(view):
    @wraps(view)
    def checked(request, *args, **kwargs):
        permissions.require_read_plan(request.user)
        permissions.check_can_publish_strategy(request.user)
        return view(request, *args, **kwargs)

    return login_required(checked)


PUBLISH, UNPUBLISH = "publish", "unpublish"


@require_http_methods(["GET", "POST"])
@_check_can_publish
def publish_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish a strategy on the public site, or take it off, with a confirm button. The
    button says which: a second press (or a stale page) changes nothing."""
    strategy = get_object_or_404(Strategy.objects.select_related("published_by"), slug=slug)
    if request.method == "POST":
        intent = request.POST.get("intent")
        if intent == PUBLISH:
            if services.publish(strategy=strategy, by=request.user):
                messages.success(request, f"{strategy.title} is now on the public site.")
            else:
                messages.info(request, f"{strategy.title} was already on the public site.")
        elif intent == UNPUBLISH:
            if services.unpublish(strategy=strategy, by=request.user):
                messages.success(request, f"{strategy.title} has been taken off the public site.")
            else:
                messages.info(request, f"{strategy.title} was not on the public site.")
        else:
            messages.info(request, "Choose to publish or unpublish: nothing was changed.")
        return redirect("strategy_publish", slug=strategy.slug)
    context = {
        "strategy": strategy,
        "events": PublicationEvent.objects.filter(strategy=strategy).select_related("by")[:20],
    }
    return render(request, "public/publish.html", context)
