"""Reviewing progress: the review queue, one update's review, and approving several at once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import permissions
from actions.models import CouncilInput, ProgressUpdate

from . import services
from .forms import ApproveSelectedForm, ReviewForm

#: The kinds of record in a review's address: /reviews/update/12/, /reviews/input/5/.
KINDS = {"update": ProgressUpdate, "input": CouncilInput}
#: The queue lists the longest-waiting this many of each kind, and counts the rest.
QUEUE_MAX = 100


def _queue(user) -> dict:
    updates = permissions.updates_to_review(
        user,
        ProgressUpdate.all_records.select_related(
            "strategy_action", "author", "organisation"
        ).order_by("submitted_at", "pk"),
    )
    inputs = permissions.inputs_to_review(
        user,
        CouncilInput.all_records.select_related(
            "council_action__responsible_unit", "author", "organisation"
        ).order_by("submitted_at", "pk"),
    )
    return {
        "updates": list(updates[:QUEUE_MAX]),
        "updates_count": updates.count(),
        "inputs": list(inputs[:QUEUE_MAX]),
        "inputs_count": inputs.count(),
    }


def _require_reviewer(user) -> None:
    permissions.require_read_plan(user)
    if not permissions.can_review_any(user):
        raise PermissionDenied("Only the Forum coordinator and council reviewers review updates.")


@require_safe
@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """What is waiting for this reviewer, oldest first, with boxes to approve several."""
    _require_reviewer(request.user)
    queue = _queue(request.user)
    form = ApproveSelectedForm(choices=_choices(queue))
    return render(request, "reviews/queue.html", {**queue, "form": form})


def _choices(queue: dict) -> list[tuple[str, str]]:
    """The queue's records as the boxes' values."""
    return [(f"update-{u.pk}", str(u.pk)) for u in queue["updates"]] + [
        (f"input-{i.pk}", str(i.pk)) for i in queue["inputs"]
    ]


@require_POST
@login_required
def approve_selected(request: HttpRequest) -> HttpResponse:
    """Approve every ticked update; say which had been reviewed by someone else meanwhile."""
    _require_reviewer(request.user)
    records = _reviewable(request.user, request.POST.getlist("records"))
    choices = [(value, value) for value in records]
    form = ApproveSelectedForm(request.POST, choices=choices)
    if not form.is_valid():
        queue = _queue(request.user)
        form.fields["records"].choices = _choices(queue)
        return render(request, "reviews/queue.html", {**queue, "form": form}, status=400)
    approved, taken = 0, []
    for value in form.cleaned_data["records"]:
        try:
            services.approve(
                record=records[value], reviewer=request.user, base_url=_base_url(request)
            )
            approved += 1
        except services.ReviewConflict as conflict:
            taken.append(_conflict_text(conflict.record))
    if approved:
        messages.success(request, f"Approved {approved} update{'s' if approved != 1 else ''}.")
    for text in taken:
        messages.warning(request, text)
    return redirect("review_queue")


def _reviewable(user, values: list[str]) -> dict:
    """The records named by the ticked boxes ("update-12", "input-5") that the person may
    review, whatever their state now (a state changed meanwhile is told, not refused)."""
    wanted: dict[str, set[int]] = {kind: set() for kind in KINDS}
    for value in values[: QUEUE_MAX * 2]:
        kind, _, pk = value.partition("-")
        if kind in KINDS and pk.isascii() and pk.isdigit() and len(pk) <= 18:
            wanted[kind].add(int(pk))
    found = {}
    for kind, model in KINDS.items():
        records = model.all_records.select_related(model.subject_field)
        for record in records.filter(pk__in=wanted[kind]):
            if permissions.can_review(user, record):
                found[f"{kind}-{record.pk}"] = record
    return found


@require_http_methods(["GET", "POST"])
@login_required
def review(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """One submitted update beside where its action stands now: approve it, or return it
    with a comment saying what to change."""
    record = _record(request, kind, pk)
    subject = record.subject
    context = {"record": record, "subject": subject, "kind": kind}
    if request.method == "GET":
        return render(request, "reviews/review.html", {**context, "form": ReviewForm()})
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(request, "reviews/review.html", {**context, "form": form})
    base_url = _base_url(request)
    try:
        if form.cleaned_data["decision"] == ReviewForm.APPROVE:
            services.approve(record=record, reviewer=request.user, base_url=base_url)
            messages.success(request, f"Approved the {record.kind_noun} on {subject.reference}.")
        else:
            services.return_for_changes(
                record=record,
                reviewer=request.user,
                comment=form.cleaned_data["comment"],
                base_url=base_url,
            )
            messages.success(
                request,
                f"Returned the {record.kind_noun} on {subject.reference} to "
                f"{record.organisation or record.author} with your comment.",
            )
    except services.ReviewConflict as conflict:
        context.update(record=conflict.record, conflict=_conflict_text(conflict.record))
        return render(request, "reviews/review.html", {**context, "form": form}, status=409)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "reviews/review.html", {**context, "form": form})
    return redirect("review_queue")


def _record(request: HttpRequest, kind: str, pk: int):
    """The record to review: "not found" unless the person may see it, "forbidden" unless
    they may review it."""
    if kind not in KINDS:
        raise Http404("No such kind of update")
    permissions.require_read_plan(request.user)
    related = "strategy_action" if kind == "update" else "council_action__responsible_unit"
    record = get_object_or_404(
        KINDS[kind].all_records.select_related(related, "author", "organisation", "reviewed_by"),
        pk=pk,
    )
    if not permissions.can_see_record(request.user, record):
        raise Http404("No such update")
    permissions.check_can_review(request.user, record)
    return record


def _conflict_text(record) -> str:
    subject = record.subject
    who = f" by {record.reviewed_by}" if record.reviewed_by else ""
    return (
        f"The update on {subject.reference} is already "
        f"{record.get_review_state_display().lower()}{who}: nothing was changed."
    )


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")
