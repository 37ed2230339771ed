"""Template context shared by every page."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from reports import freshness


def service(request):
    """The service and council names the base template shows."""
    return {"service_name": settings.SERVICE_NAME, "council_name": settings.COUNCIL_NAME}


def plan_generation(request):
    """The plan's generation (reports/freshness.py), read only if a page uses it: the key of
    cached fragments such as each action's card on the plan page, which a change anywhere in
    the plan replaces on every worker at once."""
    generation = getattr(request, "plan_generation", None)  # config.middleware sets it
    if generation is None:
        generation = SimpleLazyObject(freshness.generation)
    return {"plan_generation": generation}


def demo_progress(request):
    """Whether the tracker holds made-up demo progress (`manage.py load_demo`), read only if the
    page asks, and kept in the cache under the plan's generation: loading the demo moves it."""
    from django.core.cache import cache

    from strategy.models import DemoProgress

    def present() -> bool:
        generation = getattr(request, "plan_generation", None)
        if generation is None:
            return DemoProgress.present()
        return cache.get_or_set(f"demo-progress:{generation}", DemoProgress.present, 3600)

    return {"demo_progress": SimpleLazyObject(present)}
