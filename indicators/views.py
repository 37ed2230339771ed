"""Pages of indicators: the list, one indicator, defining one, recording and reviewing values."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts import permissions
from actions.models import ReviewState
from govuk import fragments
from govuk.pagination import paginate

from . import selectors, services
from .filters import IndicatorFilter
from .forms import SPARE_TARGETS, ApproveValuesForm, IndicatorForm, ValueForm, ValueReviewForm
from .models import Indicator, IndicatorValue


@require_safe
@permissions.plan_reader_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    """Every indicator with its latest approved value and where it stands, a page at a time,
    filtered by trajectory; the list is the same for every reader, so it is kept rendered until
    the plan changes (govuk/fragments.py)."""
    content = fragments.cached(request, "indicators", lambda: _list_content(request))
    context = {"content": content, "can_define": permissions.can_define_indicators(request.user)}
    return render(request, "indicators/list.html", context)


def _list_content(request: HttpRequest) -> fragments.Part:
    filters = IndicatorFilter(request.GET, queryset=selectors.with_figures()).lay_out()
    paged = paginate(request, filters.qs if filters.is_valid() else Indicator.objects.none())
    context = {
        "filters": filters,
        "page": paged.page,
        "query": paged.query,
        "filtered": paged.filtered,
        "rows": selectors.figures_of(paged.page.object_list),
    }
    return fragments.render_part(
        request, "indicators/includes/list_content.html", context, paged.page
    )


@require_safe
@permissions.plan_reader_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One indicator: definition, baseline, targets, chart and table, values, links. The
    figures are the same for every reader and kept rendered until the plan changes; what the
    reader may do, and the values waiting that they may see, are theirs."""
    indicator = get_object_or_404(Indicator.objects.select_related("strategy"), pk=pk)
    user = request.user
    context = {
        "indicator": indicator,
        "content": fragments.cached(request, "indicator", lambda: _detail_content(request, pk)),
        "pending": _pending(user, indicator),
        "can_define": permissions.can_define_indicators(user),
        "can_record": permissions.can_record_indicator_value(user, indicator),
    }
    return render(request, "indicators/detail.html", context)


def _detail_content(request: HttpRequest, pk: int) -> fragments.Part:
    indicator = selectors.with_figures(Indicator.objects.filter(pk=pk)).prefetch_related(
        "strategy_actions", "council_actions", "themes"
    )[0]
    figures = selectors.Figures.of(indicator)
    context = {
        "indicator": indicator,
        "figures": figures,
        "timeline": list(reversed(figures.values)),
    }
    return fragments.render_part(request, "indicators/includes/detail_content.html", context)


def _pending(user, indicator: Indicator) -> list[IndicatorValue]:
    """Values not approved that this person may see: their organisation's or their own, and
    those waiting for them to review."""
    values = IndicatorValue.all_records.filter(indicator=indicator).exclude(
        review_state=ReviewState.APPROVED
    )
    seen = Q(author=user)
    if user.organisation_id is not None:
        seen |= Q(organisation_id=user.organisation_id)
    seen |= Q(pk__in=permissions.indicator_values_to_review(user, values).values("pk"))
    pending = list(values.filter(seen).select_related("author", "organisation"))
    for value in pending:
        value.may_review = permissions.can_review_indicator_value(user, value) and (
            value.review_state == ReviewState.SUBMITTED
        )
    return pending


@require_http_methods(["GET", "POST"])
@login_required
def indicator_add(request: HttpRequest) -> HttpResponse:
    """Define an indicator with its targets."""
    permissions.check_can_define_indicators(request.user)
    form = IndicatorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.create_indicator(created_by=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The indicator “{indicator.name}” has been added.")
            return redirect(indicator)
    return render(request, "indicators/form.html", {"form": form, "heading": "Add an indicator"})


@require_http_methods(["GET", "POST"])
@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an indicator, its targets and links."""
    permissions.require_read_plan(request.user)
    indicator = get_object_or_404(Indicator, pk=pk)
    permissions.check_can_define_indicators(request.user)
    rows = indicator.targets.count() + SPARE_TARGETS
    if request.method == "POST":
        form = IndicatorForm(request.POST, target_rows=rows)
        if form.is_valid():
            try:
                services.update_indicator(
                    indicator=indicator, changed_by=request.user, **form.service_fields()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"The indicator “{form.cleaned_data['name']}” has been saved."
                )
                return redirect(indicator)
    else:
        form = IndicatorForm(initial=IndicatorForm.initial_for(indicator), target_rows=rows)
    context = {"form": form, "heading": "Change the indicator", "indicator": indicator}
    return render(request, "indicators/form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def value_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a measured value: submitted for review, or approved at once where the strategy
    does not review updates."""
    permissions.require_read_plan(request.user)
    indicator = get_object_or_404(Indicator.objects.select_related("owner"), pk=pk)
    permissions.check_can_record_indicator_value(request.user, indicator)
    reviewed = services.reviews_values(indicator)
    form = ValueForm(
        request.POST if request.method == "POST" else None, unit=indicator.unit, reviewed=reviewed
    )
    if request.method == "POST" and form.is_valid():
        value = services.record_value(indicator=indicator, author=request.user, **form.cleaned_data)
        shown = indicator.show(value.value)
        if value.review_state == ReviewState.SUBMITTED:
            messages.success(
                request,
                f"The value {shown} has been submitted for review. It counts once a reviewer "
                "approves it.",
            )
        else:
            messages.success(request, f"The value {shown} has been saved.")
        return redirect(indicator)
    context = {"form": form, "indicator": indicator, "reviewed": reviewed}
    return render(request, "indicators/value_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def value_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a submitted value or return it with a comment."""
    permissions.require_read_plan(request.user)
    value = get_object_or_404(
        IndicatorValue.all_records.select_related("indicator", "author", "organisation"), pk=pk
    )
    if not permissions.can_see_indicator_value(request.user, value):
        raise Http404("No such value")
    permissions.check_can_review_indicator_value(request.user, value)
    indicator = value.indicator
    form = ValueReviewForm(request.POST if request.method == "POST" else None)
    context = {"value": value, "indicator": indicator, "form": form}
    if value.review_state != ReviewState.SUBMITTED:
        context["conflict"] = _already(value)
        return render(
            request,
            "indicators/value_review.html",
            context,
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "POST" and form.is_valid():
        base_url = request.build_absolute_uri("/").rstrip("/")
        try:
            if form.cleaned_data["decision"] == ValueReviewForm.APPROVE:
                services.approve_value(value=value, reviewer=request.user, base_url=base_url)
                messages.success(request, f"Approved the value of {indicator.name}.")
            else:
                services.return_value(
                    value=value,
                    reviewer=request.user,
                    comment=form.cleaned_data["comment"],
                    base_url=base_url,
                )
                messages.success(
                    request, f"Returned the value of {indicator.name} with your comment."
                )
        except services.ReviewConflict as conflict:
            context.update(value=conflict.value, conflict=_already(conflict.value))
            return render(request, "indicators/value_review.html", context, status=409)
        return redirect(indicator)
    return render(request, "indicators/value_review.html", context)


def _already(value: IndicatorValue) -> str:
    who = f" by {value.reviewed_by}" if value.reviewed_by_id else ""
    state = value.get_review_state_display().lower()
    return f"This value is already {state}{who}: nothing was changed."


#: The approve-several page lists at most this many values, those waiting longest first.
APPROVE_MAX = 100


@require_http_methods(["GET", "POST"])
@login_required
def values_approve(request: HttpRequest) -> HttpResponse:
    """Approve several submitted values at once; say which someone else reviewed meanwhile."""
    user = request.user
    permissions.check_can_review_indicator_values(user)
    waiting = permissions.indicator_values_to_review(
        user,
        IndicatorValue.all_records.select_related("indicator", "author", "organisation"),
    ).order_by("submitted_at", "pk")
    shown = list(waiting[:APPROVE_MAX])
    chosen = {str(value.pk): value for value in shown}
    if request.method == "POST":
        # A ticked value reviewed by someone else since the page was shown is told, not refused.
        chosen.update(_ticked(user, request.POST.getlist("values"), exclude=chosen))
    form = ApproveValuesForm(
        request.POST if request.method == "POST" else None, waiting=chosen.values()
    )
    if request.method == "POST" and form.is_valid():
        approved = 0
        base_url = request.build_absolute_uri("/").rstrip("/")
        for pk in form.cleaned_data["values"]:
            value = chosen[pk]
            try:
                services.approve_value(value=value, reviewer=user, base_url=base_url)
            except services.ReviewConflict as conflict:
                messages.warning(request, f"{value.indicator.name}: {_already(conflict.value)}")
            else:
                approved += 1
        if approved:
            messages.success(request, f"Approved {approved} value{'s' if approved != 1 else ''}.")
        return redirect("review_queue")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "shown": shown, "count": waiting.count()}
    return render(request, "indicators/values_approve.html", context, status=status)


def _ticked(user, ticked: list[str], exclude) -> dict[str, IndicatorValue]:
    """The ticked values, in any state, that this person may review, beyond those shown."""
    pks = {
        int(pk)
        for pk in ticked[: APPROVE_MAX * 2]
        if pk.isascii() and pk.isdigit() and len(pk) <= 18
    }
    pks -= {int(pk) for pk in exclude}
    values = IndicatorValue.all_records.select_related("indicator", "author", "organisation")
    return {
        str(value.pk): value
        for value in values.filter(pk__in=pks)
        if permissions.can_review_indicator_value(user, value)
    }
