"""Pages of the action plan: the plan, a strategy action, and posting progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.permissions import (
    can_add_council_action,
    can_add_theme,
    can_manage_milestones,
    can_publish_strategy,
    can_review_any,
    can_update_action,
    check_can_update_action,
    marks_any_milestone,
    pending_seen_by,
    plan_reader_required,
)
from evidence.services import attach_files
from govuk import fragments
from govuk.pagination import paginate

from . import search, selectors, services
from .filters import PlanFilter
from .forms import SAVE_DRAFT, ProgressUpdateForm
from .models import ReviewState

PROGRESS_FORM = "actions/progress_form.html"
PLAN_CONTENT = "actions/includes/plan_content.html"


@require_safe
@plan_reader_required
def plan(request: HttpRequest) -> HttpResponse:
    """The plan: strategy → themes → actions, filtered by the query string, a page at a time,
    kept rendered until the plan changes (govuk/fragments.py)."""
    may_add_theme = can_add_theme(request.user)
    may_publish = can_publish_strategy(request.user)  # issue 14
    content = fragments.cached(
        request,
        "plan",
        lambda: _plan_content(request, may_add_theme, may_publish),
        vary=[may_add_theme, may_publish],
    )
    return render(request, "actions/plan.html", {"content": content})


def _plan_content(
    request: HttpRequest, may_add_theme: bool, may_publish: bool = False
) -> fragments.Part:
    filters = PlanFilter(request.GET, queryset=selectors.plan_actions()).lay_out()
    paged = paginate(request, filters.qs)
    context = {
        "filters": filters,
        "page": paged.page,
        "query": paged.query,
        "filtered": paged.filtered,
        "search_capped": filters.searched and paged.page.paginator.count >= search.RESULTS_MAX,
        "current_round": selectors.open_round(),
        "strategies": selectors.current_strategies(),
        "others": [] if paged.filtered else selectors.earlier_strategies(),
        "can_add_theme": may_add_theme,
        "can_publish": may_publish,
    }
    return fragments.render_part(request, PLAN_CONTENT, context, paged.page)


@require_safe
@plan_reader_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A strategy action: its words, partners, council actions, timeline and history, kept
    rendered until the plan changes (govuk/fragments.py)."""
    action = get_object_or_404(selectors.action_for_update(), pk=pk)
    flags = {
        "can_update": can_update_action(request.user, action),
        "can_add_council_action": can_add_council_action(request.user),
    }
    flags.update(milestone_flags(request.user, action, flags["can_update"]))
    content = fragments.cached(
        request, "action", lambda: _action_content(request, pk, flags), vary=flags.values()
    )
    # Only those who may post on it or review have anything pending to see (no query else).
    pending = (
        pending_seen_by(request.user, services.records_of(action)).prefetch_related(
            "evidence_files"
        )
        if flags["can_update"] or can_review_any(request.user)
        else []
    )
    context = {"action": action, "content": content, "pending": pending, "noun": "update"}
    return render(request, "actions/action_detail.html", context)


def milestone_flags(user, action, can_update: bool) -> dict:
    """What the reader may do with the action's milestones, for its cached page (issue 13)."""
    return {
        "can_manage_milestones": can_manage_milestones(user, action),
        "marks_any": marks_any_milestone(user),
        # Their organisation's milestones, where they may post on the action.
        "mark_org": user.organisation_id if can_update and not marks_any_milestone(user) else None,
    }


def _action_content(request: HttpRequest, pk: int, flags: dict) -> fragments.Part:
    action = get_object_or_404(selectors.action_page(), pk=pk)
    context = {
        "action": action,
        "updates": action.updates.all(),
        "changes": selectors.action_changes(action),
        **flags,
    }
    return fragments.render_part(request, "actions/includes/action_content.html", context)


def resubmitted(request: HttpRequest, stale: services.StaleEdit, form_class, **kwargs):
    """The form again after a stale edit: everything typed kept, with the current version,
    so saving again works once the person has seen what changed."""
    data = request.POST.copy()
    data["version"] = stale.subject.version
    return form_class(data, **kwargs)


@transaction.atomic  # the record and its evidence files are saved together, or neither
def progress_form_page(
    request: HttpRequest, *, subject, form_class, page: dict, create, newer_text
):
    """The flow shared by posting an update and recording council input.

    GET shows the form: the organisation's draft or returned record on the subject if it has
    one (to carry on with), else a new one starting from the subject's status. POST saves it
    as a draft ("Save as draft") or submits it: `create(data, version=, submit=)` makes a
    new record, services.revise_record changes the draft. If someone else's update was
    approved first (StaleEdit), the form comes back with theirs shown (409).
    """
    draft = services.open_record(subject, request.user.organisation_id)
    reviewed = services.reviews_updates(subject)
    correcting = _correcting(request, subject, draft)
    context = {
        **page,
        "subject": subject,
        "draft": draft,
        "reviewed": reviewed,
        "correcting": correcting,
    }
    options = {
        "subject": subject,
        "reviewed": reviewed,
        "instance": draft,
        "correcting": correcting,
    }
    if request.method == "GET":
        initial = {"version": subject.version}
        if draft is None:
            initial.update(status=subject.status, percent_complete=subject.percent_complete)
        form = form_class(initial=initial, **options)
        return render(request, PROGRESS_FORM, {**context, "form": form})
    form = form_class(request.POST, request.FILES, **options)
    if not form.is_valid():
        return render(request, PROGRESS_FORM, {**context, "form": form})
    data = {name: value for name, value in form.cleaned_data.items() if name != "confirm"}
    files = data.pop("evidence_files", [])  # evidence files (issue 13), attached below
    version, submit = data.pop("version"), SAVE_DRAFT not in request.POST
    try:
        if draft is None:
            if correcting is not None:
                data["corrects"] = correcting
            record = create(data, version=version, submit=submit)
        else:
            record = services.revise_record(
                record=draft,
                author=request.user,
                expected_version=version,
                submit=submit,
                **data,
            )
        # Evidence files (issue 13): kept with the record, in this view's transaction.
        attach_files(record=record, files=files, uploaded_by=request.user)
    except services.StaleEdit as stale:
        context.update(
            subject=stale.subject,
            form=resubmitted(
                request,
                stale,
                form_class,
                subject=stale.subject,
                reviewed=reviewed,
                correcting=correcting,
            ),
            newer=stale.latest,
            newer_text=newer_text(stale.latest) if stale.latest else "",
        )
        return render(request, PROGRESS_FORM, context, status=409)
    except services.RecordMoved as moved:
        state = moved.record.get_review_state_display().lower()
        messages.error(
            request, f"Your organisation’s {page['noun']} is now {state}: it was not changed."
        )
        return redirect(subject)
    messages.success(request, saved_message(record, page["noun"], subject.reference))
    return redirect(subject)


def _correcting(request: HttpRequest, subject, draft):
    """The approved record in a closed round that this update corrects: `?corrects=<id>`, or
    the one the organisation's draft already corrects. Anything else is "not found"."""
    if draft is not None:
        return draft.corrects
    value = request.GET.get("corrects", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404("No such update to correct")
    record = services.records_of(subject).select_related("round").filter(pk=value).first()
    if record is None or not record.is_locked:
        raise Http404("No such update to correct")
    return record


def saved_message(record, noun: str, reference: str) -> str:
    """What the person is told once their update is saved, by where it now stands."""
    if record.review_state == ReviewState.DRAFT:
        return (
            f"Your draft {noun} on {reference} has been saved. Only your organisation can see "
            "it: submit it when it is ready."
        )
    if record.review_state == ReviewState.SUBMITTED:
        return (
            f"Your {noun} on {reference} has been submitted for review. It counts once a "
            "reviewer approves it."
        )
    return f"Your {noun} on {reference} has been saved."


@require_http_methods(["GET", "POST"])
@login_required
def post_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a progress update on a strategy action."""
    action = get_object_or_404(selectors.action_for_update(), pk=pk)
    check_can_update_action(request.user, action)

    def create(data, *, version, submit):
        return services.post_progress_update(
            strategy_action=action,
            author=request.user,
            expected_version=version,
            submit=submit,
            **data,
        )

    return progress_form_page(
        request,
        subject=action,
        form_class=ProgressUpdateForm,
        page={
            "subject_label": "Strategy action",
            "heading": "Post a progress update",
            "noun": "update",
        },
        create=create,
        newer_text=lambda update: update.narrative,
    )
