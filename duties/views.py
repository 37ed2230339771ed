"""The equality impact assessment and social value pages (issue 15)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import permissions
from actions.models import CouncilAction, StrategyAction

from . import services
from .forms import EqualityAssessmentForm, SocialValueForm


def _stale_form(request, form_class, current, **kwargs):
    """The form again after a stale save: what was typed kept, with the current version."""
    data = request.POST.copy()
    data["version"] = current.version
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


def _assessment_page(request: HttpRequest, subject) -> HttpResponse:
    permissions.check_can_edit_equality_assessment(request.user, subject)
    assessment = services.assessment_of(subject)
    form = EqualityAssessmentForm(request.POST or None, assessment=assessment)
    context = {"subject": subject, "assessment": assessment, "form": form}
    template = "duties/assessment_form.html"
    if request.method == "GET" or not form.is_valid():
        return render(request, template, context)
    try:
        services.record_assessment(
            subject=subject,
            changed_by=request.user,
            expected_version=form.cleaned_data["version"],
            **form.answers(),
        )
    except services.StaleEdit as stale:
        form = _stale_form(request, EqualityAssessmentForm, stale.record, assessment=stale.record)
        context.update(form=form, assessment=stale.record, stale=True)
        return render(request, template, context, status=409)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, template, context)
    messages.success(request, f"The equality impact assessment of {subject.reference} is saved.")
    return redirect(f"{subject.get_absolute_url()}#equality")


@require_http_methods(["GET", "POST"])
@login_required
def action_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """A strategy action's equality impact assessment."""
    action = get_object_or_404(StrategyAction.objects.select_related("theme"), pk=pk)
    return _assessment_page(request, action)


@require_http_methods(["GET", "POST"])
@login_required
def council_action_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposed council action's equality impact assessment."""
    council_action = get_object_or_404(
        CouncilAction.objects.select_related("strategy_action", "responsible_unit"), pk=pk
    )
    return _assessment_page(request, council_action)


@require_http_methods(["GET", "POST"])
@login_required
def council_action_social_value(request: HttpRequest, pk: int) -> HttpResponse:
    """The Social Value Act's considerations on a proposed council action."""
    council_action = get_object_or_404(
        CouncilAction.objects.select_related("strategy_action", "responsible_unit"), pk=pk
    )
    permissions.check_can_record_social_value(request.user, council_action)
    record = services.social_value_of(council_action)
    form = SocialValueForm(request.POST or None, record=record)
    context = {"council_action": council_action, "record": record, "form": form}
    template = "duties/social_value_form.html"
    if request.method == "GET" or not form.is_valid():
        return render(request, template, context)
    try:
        services.record_social_value(
            council_action=council_action,
            changed_by=request.user,
            expected_version=form.cleaned_data["version"],
            **form.answers(),
        )
    except services.StaleEdit as stale:
        form = _stale_form(request, SocialValueForm, stale.record, record=stale.record)
        context.update(form=form, record=stale.record, stale=True)
        return render(request, template, context, status=409)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, template, context)
    messages.success(
        request, f"The social value considerations of {council_action.reference} are saved."
    )
    return redirect(f"{council_action.get_absolute_url()}#social-value")
