"""Pages of the action plan: the plan, a strategy action, and posting progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.permissions import (
    can_add_council_action,
    can_update_action,
    check_can_update_action,
    require_read_plan,
)

from . import selectors, services
from .filters import PlanFilter
from .forms import ProgressUpdateForm

PAGE_SIZE = 25
REPORT_FORM = "actions/report_form.html"


@require_safe
@login_required
def plan(request: HttpRequest) -> HttpResponse:
    """The plan: strategy → themes → actions, filtered by the query string, a page at a time."""
    require_read_plan(request.user)
    filters = PlanFilter(request.GET, queryset=selectors.plan_actions())
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filtered = any(v for k, v in request.GET.items() if k != "page")
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "filtered": filtered,
        "current_round": selectors.current_round(),
        "strategies": selectors.current_strategies(),
        "others": [] if filtered else selectors.earlier_strategies(),
    }
    return render(request, "actions/plan.html", context)


@require_safe
@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A strategy action: its words, partners, council actions, timeline and history."""
    require_read_plan(request.user)
    action = get_object_or_404(selectors.action_page(), pk=pk)
    context = {
        "action": action,
        "updates": action.updates.all(),
        "changes": selectors.action_changes(action),
        "can_update": can_update_action(request.user, action),
        "can_add_council_action": can_add_council_action(request.user),
    }
    return render(request, "actions/action_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def post_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a progress update. A stale edit is refused with the newer update shown, text kept."""
    action = get_object_or_404(selectors.action_for_update(), pk=pk)
    check_can_update_action(request.user, action)
    page = {"subject_label": "Strategy action", "heading": "Post a progress update"}
    if request.method == "GET":
        form = ProgressUpdateForm(
            initial={
                "version": action.version,
                "status": action.status,
                "percent_complete": action.percent_complete,
            }
        )
        return render(request, REPORT_FORM, {**page, "subject": action, "form": form})

    form = ProgressUpdateForm(request.POST)
    if not form.is_valid():
        return render(request, REPORT_FORM, {**page, "subject": action, "form": form})
    data = form.cleaned_data
    try:
        services.post_progress_update(
            action=action,
            author=request.user,
            expected_version=data["version"],
            status=data["status"],
            percent_complete=data["percent_complete"],
            narrative=data["narrative"],
            next_steps=data["next_steps"],
            evidence_url=data["evidence_url"],
            revised_target_date=data["revised_target_date"],
            revision_reason=data["revision_reason"],
        )
    except services.StaleEdit as stale:
        # Keep everything they typed; let them resubmit against the newer version.
        resubmit = request.POST.copy()
        resubmit["version"] = stale.action.version
        newer = stale.action.last_update
        context = {
            **page,
            "subject": stale.action,
            "form": ProgressUpdateForm(resubmit),
            "newer": newer,
            "newer_text": newer.narrative if newer else "",
        }
        return render(request, REPORT_FORM, context, status=409)
    messages.success(request, f"Your update on {action.reference} has been saved.")
    return redirect(action)
