"""The decision on a strategy, whole (issue 15): what Cabinet was asked and why, the options,
the option chosen and why, the legal duties, the implications and the background."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts import permissions
from govuk import fragments
from strategy.decision import decision_of
from strategy.models import Strategy

BODY = "reports/includes/decision_body.html"


@require_safe
@permissions.plan_reader_required
def strategy_decision(request: HttpRequest, slug: str) -> HttpResponse:
    """The same for every reader: kept rendered until the plan changes (govuk/fragments.py)."""
    strategy = get_object_or_404(Strategy, slug=slug)
    content = fragments.cached(
        request,
        "decision",
        lambda: fragments.render_part(request, BODY, {"decision": decision_of(strategy)}),
        address=request.path,
    )
    return render(request, "reports/decision.html", {"strategy": strategy, "content": content})
