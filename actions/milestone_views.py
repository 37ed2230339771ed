"""Pages for milestones: adding, changing and removing them, marking them done (or not done
again), and choosing whether an action's percent complete is taken from them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from accounts.models import Partner

from . import selectors, services
from .forms import MilestoneDoneForm, MilestoneForm, PercentSourceForm
from .models import CouncilAction, Milestone

FORM = "milestones/form.html"


def _labels(action) -> dict:
    council = isinstance(action, CouncilAction)
    return {
        "action": action,
        "action_label": "Proposed council action" if council else "Strategy action",
    }


def _owners(action, current_owner_id=None):
    """Who may own a milestone: for a strategy action its responsible partners (any active
    organisation if it has none), for a proposed council action the active council units;
    and whoever owns it now."""
    if isinstance(action, CouncilAction):
        owners = Partner.objects.council_units().active()
    else:
        owners = Partner.objects.filter(action_roles__strategy_action=action)
        if not owners.exists():
            owners = Partner.objects.active()
    if current_owner_id is not None:
        owners = owners | Partner.objects.filter(pk=current_owner_id)
    return owners.distinct().order_by("name")


def _default_owner(user, action):
    """The responsible unit; for a strategy action the reader's organisation if it is
    responsible, else its lead partner."""
    if isinstance(action, CouncilAction):
        return action.responsible_unit_id
    links = list(action.responsible_partners.all())
    ours = [link.partner_id for link in links if link.partner_id == user.organisation_id]
    return (ours or [link.partner_id for link in links] or [None])[0]


def _milestone(pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related(
            "owner", "done_by", "strategy_action", "council_action__responsible_unit"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@login_required
def add_to_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a milestone to a strategy action."""
    return _add(request, get_object_or_404(selectors.action_for_update(), pk=pk))


@require_http_methods(["GET", "POST"])
@login_required
def add_to_council_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a milestone to a proposed council action."""
    return _add(request, get_object_or_404(selectors.council_action_for_change(), pk=pk))


def _add(request: HttpRequest, action) -> HttpResponse:
    permissions.check_can_manage_milestones(request.user, action)
    form = MilestoneForm(
        request.POST or None,
        owners=_owners(action),
        initial={"owner": _default_owner(request.user, action)},
    )
    context = {**_labels(action), "form": form, "heading": "Add a milestone"}
    if request.method == "GET" or not form.is_valid():
        return render(request, FORM, context)
    try:
        milestone = services.add_milestone(
            action=action, added_by=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, FORM, context)
    messages.success(request, f"Milestone added to {action.reference}: {milestone.title}")
    return redirect(milestone)


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a milestone's title, due date or owner."""
    milestone = _milestone(pk)
    action = milestone.action
    permissions.check_can_manage_milestones(request.user, action)
    initial = {
        "title": milestone.title,
        "due_date": [milestone.due_date.day, milestone.due_date.month, milestone.due_date.year],
        "owner": milestone.owner_id,
    }
    form = MilestoneForm(
        request.POST or None,
        owners=_owners(action, milestone.owner_id),
        initial=initial,
        submit_label="Save the milestone",
    )
    context = {**_labels(action), "form": form, "milestone": milestone}
    context["heading"] = "Change a milestone"
    if request.method == "GET" or not form.is_valid():
        return render(request, FORM, context)
    try:
        services.change_milestone(milestone=milestone, changed_by=request.user, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, FORM, context)
    messages.success(request, f"Milestone changed: {form.cleaned_data['title']}")
    return redirect(milestone)


@require_http_methods(["GET", "POST"])
@login_required
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a milestone, after a page asking to confirm."""
    milestone = _milestone(pk)
    action = milestone.action
    permissions.check_can_manage_milestones(request.user, action)
    context = {**_labels(action), "milestone": milestone}
    if request.method == "GET":
        return render(request, "milestones/remove.html", context)
    try:
        services.remove_milestone(milestone=milestone, removed_by=request.user)
    except ValidationError as error:
        return render(request, "milestones/remove.html", {**context, "error": error.messages[0]})
    messages.success(request, f"Milestone removed from {action.reference}: {milestone.title}")
    return redirect(f"{action.get_absolute_url()}#milestones")


@require_http_methods(["GET", "POST"])
@login_required
def mark_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a milestone done on its own, with the date it was done."""
    milestone = _milestone(pk)
    permissions.check_can_mark_milestone_done(request.user, milestone)
    form = MilestoneDoneForm(request.POST if request.method == "POST" else None)
    context = {**_labels(milestone.action), "milestone": milestone, "form": form}
    if milestone.is_done or request.method == "GET" or not form.is_valid():
        return render(request, "milestones/done.html", context)
    try:
        services.mark_milestone_done(
            milestone=milestone, done_by=request.user, done_on=form.cleaned_data["done_on"]
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "milestones/done.html", context)
    messages.success(request, f"Milestone marked done: {milestone.title}")
    return redirect(milestone)


@require_http_methods(["GET", "POST"])
@login_required
def mark_not_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a milestone not done again (it was marked by mistake), after a confirmation."""
    milestone = _milestone(pk)
    permissions.check_can_mark_milestone_done(request.user, milestone)
    context = {**_labels(milestone.action), "milestone": milestone}
    if request.method == "GET" or not milestone.is_done:
        return render(request, "milestones/undo.html", context)
    try:
        services.mark_milestone_not_done(milestone=milestone, changed_by=request.user)
    except ValidationError as error:
        return render(request, "milestones/undo.html", {**context, "error": error.messages[0]})
    messages.success(request, f"Milestone marked not done: {milestone.title}")
    return redirect(milestone)


@require_http_methods(["GET", "POST"])
@login_required
def percent_source_of_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose where a strategy action's percent complete comes from."""
    return _percent_source(request, get_object_or_404(selectors.action_for_update(), pk=pk))


@require_http_methods(["GET", "POST"])
@login_required
def percent_source_of_council_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose where a proposed council action's percent complete comes from."""
    return _percent_source(request, get_object_or_404(selectors.council_action_for_change(), pk=pk))


def _percent_source(request: HttpRequest, action) -> HttpResponse:
    permissions.check_can_manage_milestones(request.user, action)
    template = "milestones/percent_source.html"
    current = (
        PercentSourceForm.MILESTONES
        if action.percent_from_milestones
        else PercentSourceForm.UPDATES
    )
    form = PercentSourceForm(
        request.POST or None, initial={"version": action.version, "source": current}
    )
    done, total = services.milestone_counts(action)
    context = {**_labels(action), "form": form, "done": done, "total": total}
    if request.method == "GET" or not form.is_valid():
        return render(request, template, context)
    try:
        services.set_percent_source(
            action=action,
            changed_by=request.user,
            expected_version=form.cleaned_data["version"],
            from_milestones=form.cleaned_data["source"] == PercentSourceForm.MILESTONES,
        )
    except services.StaleEdit as stale:
        form = PercentSourceForm(
            {**request.POST.dict(), "version": stale.subject.version},
            initial={"source": current},
        )
        context.update(form=form, action=stale.subject, stale=True)
        return render(request, template, context, status=409)
    except ValidationError as error:
        form.add_error("source", error)
        return render(request, template, context)
    messages.success(request, f"Where {action.reference}’s percent complete comes from is saved.")
    return redirect(f"{action.get_absolute_url()}#milestones")
