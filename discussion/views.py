"""Posting a comment on an action, and an administrator hiding it or showing it again.

The thread itself is shown on the action's own page (templatetags/discussion_tags.py). The
pages here are where the form posts: on success they go back to the comment in its thread;
with an error, they show the form again with what was typed.
"""

from crispy_forms_gds.layout import Size
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import check_can_comment, check_can_moderate_comments
from actions.models import CouncilAction, StrategyAction

from . import services
from .forms import CommentForm, HideCommentForm
from .models import Comment


@require_http_methods(["GET", "POST"])
@login_required
def comment_on_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Comment on a strategy action."""
    check_can_comment(request.user)
    action = get_object_or_404(StrategyAction.objects.select_related("theme"), pk=pk)
    return _comment_page(request, subject=action, label="Strategy action", field="strategy_action")


@require_http_methods(["GET", "POST"])
@login_required
def comment_on_council_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Comment on a proposed council action."""
    check_can_comment(request.user)
    council_action = get_object_or_404(CouncilAction.objects.all(), pk=pk)
    return _comment_page(
        request, subject=council_action, label="Proposed council action", field="council_action"
    )


def _comment_page(request: HttpRequest, *, subject, label: str, field: str) -> HttpResponse:
    form = CommentForm(request.POST or None, label_size=Size.MEDIUM)
    context = {"subject": subject, "subject_label": label, "form": form}
    if request.method == "GET" or not form.is_valid():
        return render(request, "discussion/comment_form.html", context)
    try:
        comment = services.post_comment(
            author=request.user, body=form.cleaned_data["body"], **{field: subject}
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "discussion/comment_form.html", context)
    messages.success(request, f"Your comment on {subject.reference} has been posted.")
    return redirect(comment.get_absolute_url())


def _comment(pk: int) -> Comment:
    related = ("author", "organisation", "strategy_action", "council_action", "hidden_by")
    return get_object_or_404(Comment.objects.select_related(*related), pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def hide_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator hides a comment, with the reason."""
    check_can_moderate_comments(request.user)
    comment = _comment(pk)
    if comment.is_hidden:
        messages.info(request, "This comment is already hidden.")
        return redirect(comment.get_absolute_url())
    form = HideCommentForm(request.POST or None)
    context = {"comment": comment, "subject": comment.subject, "form": form}
    if request.method == "GET" or not form.is_valid():
        return render(request, "discussion/hide_form.html", context)
    services.hide_comment(
        comment=comment, hidden_by=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(request, "The comment has been hidden.")
    return redirect(comment.get_absolute_url())


@require_POST
@login_required
def unhide_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator shows a hidden comment again."""
    check_can_moderate_comments(request.user)
    comment = _comment(pk)
    if comment.is_hidden:
        services.unhide_comment(comment=comment, shown_by=request.user)
        messages.success(request, "The comment is shown again.")
    else:
        messages.info(request, "This comment is not hidden.")
    return redirect(comment.get_absolute_url())
