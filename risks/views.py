"""Pages of the risk register: the registers, one strategy's register, a risk, adding and
changing one, and reviewing it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from accounts import permissions
from govuk import fragments
from govuk.pagination import paginate
from monitoring.selectors import current_round
from strategy.models import Strategy

from . import history, selectors, services
from .forms import SPARE_MITIGATIONS, RegisterFilterForm, ReviewForm, RiskForm
from .models import Risk, Status

FORM = "risks/form.html"


def _risk(pk: int) -> Risk:
    return get_object_or_404(
        Risk.objects.select_related(
            "strategy",
            "strategy_action",
            "council_action__responsible_unit",
            "owner",
            "created_by",
            "source",
        ),
        pk=pk,
    )


@require_safe
@permissions.plan_reader_required
def registers(request: HttpRequest) -> HttpResponse:
    """The current strategies, each with how many live risks its register holds."""
    strategies = (
        Strategy.objects.current()
        .annotate(live=Count("risks", filter=~Q(risks__status=Status.CLOSED)))
        .order_by("-adopted_on", "title")
    )
    return render(request, "risks/registers.html", {"strategies": strategies})


@require_safe
@permissions.plan_reader_required
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """A strategy's risk register, filtered by status, rating or due for review, a page at a
    time, with the counts of its risks. The counts, filter and list are the same for every
    reader, so they are kept rendered until the plan changes (any change to a risk, its
    mitigations or reviews, or a round opening or closing, moves it: reports/freshness.py)."""
    strategy = get_object_or_404(Strategy, slug=slug)
    form = RegisterFilterForm(request.GET or None)
    context = {
        "strategy": strategy,
        "form": form,  # for the error summary, above the heading
        "content": fragments.cached(
            request, "risk-register", lambda: _register_content(request, strategy, form)
        ),
        "can_manage": permissions.can_manage_risks(request.user),
    }
    return render(request, "risks/register.html", context)


def _register_content(
    request: HttpRequest, strategy: Strategy, form: RegisterFilterForm
) -> fragments.Part:
    round_, today = current_round(), timezone.localdate()
    risks = selectors.register(strategy, round_)
    if form.is_bound and form.is_valid():
        risks = selectors.filtered(risks, round_=round_, **form.cleaned_data)
    elif form.is_bound:
        risks = risks.none()
    paged = paginate(request, risks)
    context = {
        "strategy": strategy,
        "form": form,
        "page": paged.page,
        "query": paged.query,
        "filtered": paged.filtered,
        "round": round_,
        "today": today,
        "counts": selectors.counts(Risk.objects.filter(strategy=strategy), today, round_),
    }
    return fragments.render_part(
        request, "risks/includes/register_content.html", context, paged.page
    )


@require_safe
@permissions.plan_reader_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A risk: what it belongs to, its score and rating, mitigations, reviews and history."""
    risk = _risk(pk)
    round_ = current_round()
    context = {
        "risk": risk,
        "mitigations": list(risk.mitigations.all()),
        "reviews": list(risk.reviews.select_related("reviewed_by", "round")),
        "changes": history.changes(risk),
        "round": round_,
        "reviewed_in_round": round_ is not None and risk.reviews.filter(round=round_).exists(),
        "can_manage": permissions.can_manage_risk(request.user, risk),
    }
    return render(request, "risks/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def add(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a risk to a strategy, or to one of its actions, with its mitigations."""
    permissions.require_read_plan(request.user)
    strategy = get_object_or_404(Strategy, slug=slug)
    permissions.check_can_manage_risks(request.user)
    initial = {"applies_to": request.GET.get("action", "")[:20], "status": Status.OPEN}
    form = RiskForm(
        request.POST or None, initial=initial, strategy=strategy, submit_label="Add the risk"
    )
    context = {"form": form, "strategy": strategy, "heading": "Add a risk"}
    if request.method == "GET" or not form.is_valid():
        return render(request, FORM, context)
    fields = form.service_fields()
    if not permissions.can_manage_risk_on(request.user, fields["council_action"]):
        form.add_error("applies_to", "You can add risks only to your unit's council actions")
        return render(request, FORM, context)
    try:
        risk = services.add_risk(strategy=strategy, added_by=request.user, **fields)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, FORM, context)
    messages.success(request, f"Risk {risk.reference} has been added to the register.")
    return redirect(risk)


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a risk and its mitigations; a stale edit is refused, keeping what was typed."""
    permissions.require_read_plan(request.user)
    risk = _risk(pk)
    permissions.check_can_manage_risk(request.user, risk)
    rows = risk.mitigations.count() + SPARE_MITIGATIONS
    kwargs = {"strategy": risk.strategy, "mitigation_rows": rows, "submit_label": "Save the risk"}
    if request.method == "GET":
        form = RiskForm(initial=RiskForm.initial_for(risk), **kwargs)
        return render(request, FORM, {"form": form, "risk": risk, "strategy": risk.strategy})
    form = RiskForm(request.POST, **kwargs)
    context = {"form": form, "risk": risk, "strategy": risk.strategy}
    if not form.is_valid():
        return render(request, FORM, context)
    fields = form.service_fields()
    if not permissions.can_manage_risk_on(request.user, fields["council_action"]):
        form.add_error("applies_to", "You can move risks only to your unit's council actions")
        return render(request, FORM, context)
    try:
        services.change_risk(
            risk=risk,
            changed_by=request.user,
            expected_version=form.cleaned_data["version"] or 0,
            **fields,
        )
    except services.StaleRisk as stale:
        return _stale(request, FORM, stale, RiskForm, context, **kwargs)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, FORM, context)
    messages.success(request, f"Risk {risk.reference} has been saved.")
    return redirect(risk)


@require_http_methods(["GET", "POST"])
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a review of a risk, in the open monitoring round: its likelihood and impact now,
    its status, a note and the next review date."""
    permissions.require_read_plan(request.user)
    risk = _risk(pk)
    permissions.check_can_manage_risk(request.user, risk)
    template = "risks/review.html"
    context = {"risk": risk, "round": current_round(), "mitigations": risk.mitigations.all()}
    if request.method == "GET":
        context["form"] = ReviewForm(initial=ReviewForm.initial_for(risk))
        return render(request, template, context)
    form = context["form"] = ReviewForm(request.POST)
    if not form.is_valid():
        return render(request, template, context)
    data = dict(form.cleaned_data)
    try:
        services.review_risk(
            risk=risk, reviewed_by=request.user, expected_version=data.pop("version"), **data
        )
    except services.StaleRisk as stale:
        return _stale(request, template, stale, ReviewForm, context)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, template, context)
    messages.success(request, f"Your review of risk {risk.reference} has been recorded.")
    return redirect(risk)


def _stale(request, template, stale: services.StaleRisk, form_class, context, **kwargs):
    """The form again after someone else's change: what was typed kept, with the version now,
    so saving again works once the person has seen the risk as it is (409)."""
    data = request.POST.copy()
    data["version"] = stale.risk.version
    context.update(form=form_class(data, **kwargs), risk=stale.risk, stale=True)
    return render(request, template, context, status=409)
