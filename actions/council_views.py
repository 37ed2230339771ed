"""Pages for the council's input: proposed council actions, input, decisions, additions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import permissions
from accounts.roles import Role
from govuk import fragments
from govuk.pagination import paginate

from . import selectors, services
from .filters import CouncilActionFilter
from .forms import AddCouncilActionForm, CouncilInputForm, DecisionForm
from .models import CouncilInput, ReviewState, StrategyAction
from .views import progress_form_page, resubmitted

# An officer's list page shows at most this many of their unit's returned council input.
RETURNED_SHOWN = 20


@require_safe
@permissions.plan_reader_required
def council_action_list(request: HttpRequest) -> HttpResponse:
    """Every proposed council action, filtered by unit, decision, status, overdue; kept
    rendered until the plan changes (govuk/fragments.py)."""
    content = fragments.cached(request, "council-actions", lambda: _list_content(request))
    context = {"content": content, "returned": _returned_to(request.user)}
    return render(request, "council_actions/list.html", context)


def _returned_to(user) -> list[CouncilInput]:
    """An officer's unit's council input returned for changes: officers land on this list."""
    if not permissions.has_role(user, Role.COUNCIL_OFFICER) or user.organisation_id is None:
        return []
    return list(
        CouncilInput.all_records.filter(
            organisation_id=user.organisation_id, review_state=ReviewState.RETURNED
        )
        .select_related("council_action", "reviewed_by")
        .order_by("-reviewed_at")[:RETURNED_SHOWN]
    )


def _list_content(request: HttpRequest) -> fragments.Part:
    filters = CouncilActionFilter(request.GET, queryset=selectors.council_action_list()).lay_out()
    paged = paginate(request, filters.qs)
    context = {
        "filters": filters,
        "page": paged.page,
        "query": paged.query,
        "filtered": paged.filtered,
    }
    return fragments.render_part(
        request, "council_actions/includes/list_content.html", context, paged.page
    )


@require_safe
@permissions.plan_reader_required
def council_action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposed council action: its words, decision, and the timeline of council input."""
    council_action = get_object_or_404(selectors.council_action_page(), pk=pk)
    can_record = permissions.can_record_council_input(request.user, council_action)
    pending = (  # only those who may record input or review have anything pending to see
        permissions.pending_seen_by(
            request.user, services.records_of(council_action)
        ).prefetch_related("evidence_files")
        if can_record or permissions.can_review_any(request.user)
        else []
    )
    context = {
        "council_action": council_action,
        "inputs": council_action.inputs.all(),
        "can_record": can_record,
        # Milestones (issue 13): officers of the unit mark any of its milestones done.
        "can_manage_milestones": permissions.can_manage_milestones(request.user, council_action),
        "marks_any": can_record or permissions.marks_any_milestone(request.user),
        "pending": pending,
        "noun": "council input",
    }
    return render(request, "council_actions/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def record_input(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the council's input on a proposed council action."""
    council_action = get_object_or_404(selectors.council_action_for_change(), pk=pk)
    permissions.check_can_record_council_input(request.user, council_action)

    def create(data, *, version, submit):
        return services.record_council_input(
            council_action=council_action,
            author=request.user,
            expected_version=version,
            submit=submit,
            **data,
        )

    return progress_form_page(
        request,
        subject=council_action,
        form_class=CouncilInputForm,
        page={
            "subject_label": "Proposed council action",
            "heading": "Record the council’s input",
            "noun": "council input",
        },
        create=create,
        newer_text=lambda council_input: council_input.commentary,
    )


@require_http_methods(["GET", "POST"])
@login_required
def record_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision on a proposal: accepted, in progress, deferred or declined."""
    council_action = get_object_or_404(selectors.council_action_for_change(), pk=pk)
    permissions.check_can_record_decision(request.user, council_action)
    template = "council_actions/decision_form.html"
    form = DecisionForm(
        request.POST or None,
        initial={"version": council_action.version, "decision": council_action.decision},
    )
    context = {"council_action": council_action, "form": form}
    if request.method == "GET" or not form.is_valid():
        return render(request, template, context)
    try:
        services.record_decision(
            council_action=council_action,
            decided_by=request.user,
            expected_version=form.cleaned_data["version"],
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except services.StaleEdit as stale:
        form = resubmitted(request, stale, DecisionForm)
        context.update(form=form, council_action=stale.subject, stale=True)
        return render(request, template, context, status=409)
    except services.DecisionRefused as refused:
        form.refuse(refused.refusals)  # what was typed stays; the error links to what is needed
        return render(request, template, context)
    messages.success(request, f"The decision on {council_action.reference} has been recorded.")
    return redirect(council_action)


@require_http_methods(["GET", "POST"])
@login_required
def add_council_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a proposed council action to a strategy action, as the plan evolves."""
    strategy_action = get_object_or_404(StrategyAction.objects.select_related("theme"), pk=pk)
    permissions.check_can_add_council_action(request.user)
    units = permissions.council_units_for(request.user)
    form = AddCouncilActionForm(request.POST or None, units=units)
    context = {"strategy_action": strategy_action, "form": form}
    if request.method == "GET" or not form.is_valid():
        return render(request, "council_actions/add_form.html", context)
    try:
        council_action = services.add_council_action(
            strategy_action=strategy_action, added_by=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "council_actions/add_form.html", context)
    messages.success(request, f"Proposed council action {council_action.reference} added.")
    return redirect(council_action)
