"""Monitoring rounds: the coordinator opens and closes them; everyone sees who has updated."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_http_methods, require_safe

from accounts.permissions import (
    can_import_plan,
    can_manage_rounds,
    check_can_manage_rounds,
    plan_reader_required,
)

from . import services
from .forms import NAME_TAKEN, OpenRoundForm
from .models import MonitoringRound
from .selectors import PartnerProgress, current_round, round_progress

ROUND_ALREADY_OPEN = "Close the open round before opening another."


@dataclass(frozen=True)
class RoundCounts:
    """A round's totals. An action with two responsible partners counts once."""

    partners: int
    partners_behind: int
    actions_updated: int
    actions_not_updated: int

    @property
    def actions(self) -> int:
        return self.actions_updated + self.actions_not_updated

    @classmethod
    def of(cls, progress: list[PartnerProgress]) -> RoundCounts:
        updated = {action.pk for p in progress for action in p.updated}
        not_updated = {action.pk for p in progress for action in p.not_updated}
        return cls(
            partners=len(progress),
            partners_behind=sum(1 for p in progress if p.not_updated),
            actions_updated=len(updated),
            actions_not_updated=len(not_updated - updated),
        )


def _breadcrumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    """The plan, then monitoring rounds, then the given (text, url) pairs; the last has no url."""
    return [("The plan", reverse("plan")), ("Monitoring rounds", reverse("rounds")), *trail]


@require_safe
@plan_reader_required
def round_list(request: HttpRequest) -> HttpResponse:
    """The open round, if any, with its totals; then the past rounds."""
    rounds = list(
        MonitoringRound.objects.annotate(
            actions_updated=Count("updates__strategy_action", distinct=True)
        )
    )
    open_round = next((r for r in rounds if r.is_open), None)
    context = {
        "open_round": open_round,
        "counts": RoundCounts.of(round_progress(open_round)) if open_round else None,
        "past_rounds": [r for r in rounds if not r.is_open],
        "can_open": can_manage_rounds(request.user) and open_round is None,
        "can_import": can_import_plan(request.user),  # issue 14
        "overdue": open_round is not None and timezone.localdate() > open_round.due_date,
        "breadcrumbs": [("The plan", reverse("plan")), ("Monitoring rounds", "")],
    }
    return render(request, "rounds/list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def round_open(request: HttpRequest) -> HttpResponse:
    """Open a round: its name, the period it covers, and when updates are due."""
    check_can_manage_rounds(request.user)
    form = OpenRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.open_round(opened_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        except IntegrityError:
            # Someone opened a round, or took the name, at the same moment.
            if current_round() is not None:
                form.add_error(None, ROUND_ALREADY_OPEN)
            else:
                form.add_error("name", NAME_TAKEN)
        else:
            messages.success(
                request,
                f"You opened {round_.name}. Updates are due by "
                f"{format_date(round_.due_date, 'j F Y')}.",
            )
            return redirect(round_)
    context = {
        "form": form,
        "open_round": current_round(),
        "breadcrumbs": _breadcrumbs(("Open a monitoring round", "")),
    }
    return render(request, "rounds/form.html", context)


def _add_service_errors(form: OpenRoundForm, error: ValidationError) -> None:
    """Show the service's refusal on the form: on its field where it has one, else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        if name == "name" and any(e.code == "unique" for e in errors):
            form.add_error("name", NAME_TAKEN)
        else:
            form.add_error(name if name in form.fields else None, errors)


@require_safe
@plan_reader_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has and has not updated in the round: each responsible partner and its actions."""
    round_ = get_object_or_404(
        MonitoringRound.objects.select_related("opened_by", "closed_by"), pk=pk
    )
    progress = round_progress(round_)
    today = timezone.localdate()
    context = {
        "round": round_,
        "progress": progress,
        "counts": RoundCounts.of(progress),
        "overdue": round_.is_open and today > round_.due_date,
        "days_left": (round_.due_date - today).days,
        "can_close": round_.is_open and can_manage_rounds(request.user),
        "breadcrumbs": _breadcrumbs((round_.name, "")),
    }
    return render(request, "rounds/detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then close the round. Updates posted in it stay as they are."""
    check_can_manage_rounds(request.user)
    round_ = get_object_or_404(MonitoringRound.objects.select_related("closed_by"), pk=pk)
    if request.method == "POST":
        try:
            services.close_round(round_=round_, closed_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"You closed {round_.name}.")
        return redirect(round_)
    context = {
        "round": round_,
        "counts": RoundCounts.of(round_progress(round_)) if round_.is_open else None,
        "waiting": services.waiting_for_review(round_) if round_.is_open else 0,
        "breadcrumbs": _breadcrumbs(
            (round_.name, round_.get_absolute_url()), ("Close the round", "")
        ),
    }
    return render(request, "rounds/close.html", context)
