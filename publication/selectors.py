"""What the public site reads: only published strategies, only approved records, and of people
only their organisation. Every read takes a fixed number of queries, whatever the plan's size.

The default managers of progress updates, council input and indicator values hold approved
records only (actions.models.ApprovedRecords), so nothing here can reach a draft, a submitted
or a returned record; evidence files are read only where `is_public` is set.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from actions.models import (
    ActionPartner,
    CouncilAction,
    CouncilInput,
    Milestone,
    ProgressUpdate,
    ReviewState,
    StrategyAction,
)
from actions.status import Status
from evidence.models import EvidenceFile
from indicators import selectors as indicator_selectors
from indicators.models import Indicator, IndicatorValue
from reports import rollups
from reports.figures import TOTALS, Progress, StatusCount
from strategy.models import Strategy
from themes.models import Theme


def published_strategies() -> list[Strategy]:
    """Every published strategy, newest first (the landing page and the sitemap)."""
    return list(Strategy.objects.published().order_by("-adopted_on", "title"))


def published_strategy(slug: str) -> Strategy:
    """The published strategy with this slug; 404 for an unpublished or unknown one alike."""
    return get_object_or_404(
        Strategy.objects.published()
        .select_related("source")
        .prefetch_related("corporate_priorities"),
        slug=slug,
    )


def themes_of(strategy: Strategy) -> list[Theme]:
    return list(strategy.themes.order_by("number"))


def theme_of(strategy: Strategy, number: int) -> Theme:
    return get_object_or_404(
        Theme.objects.select_related("strategy"), strategy=strategy, number=number
    )


# --- Figures ------------------------------------------------------------------------------


@dataclass
class Figures:
    """A strategy's counts by status, its overall progress and its progress by theme."""

    counts: list[StatusCount]
    overall: Progress
    themes: list[tuple[Theme, Progress]]


def figures(strategy: Strategy, themes: list[Theme]) -> Figures:
    """The figures of one strategy from those kept per theme (reports/rollups.py): one row per
    theme, computed for the (rare) theme without kept figures, as the dashboard does."""
    rows = {
        pk: rest
        for pk, *rest in Theme.objects.filter(strategy=strategy).values_list(
            "pk",
            "rollup__pk",
            "rollup__strategy",
            "rollup__council",
            *(f"rollup__{total}" for total in TOTALS),
        )
    }
    missing = [pk for pk, (kept, *_) in rows.items() if kept is None]
    computed = rollups.compute_themes(missing) if missing else {}
    counts = {status: StatusCount(status) for status in Status}
    overall = Progress("All actions")
    by_theme = []
    for theme in themes:
        _, by_strategy, by_council, *totals = rows[theme.pk]
        if theme.pk in computed:
            data = computed[theme.pk]
            by_strategy, by_council = data["strategy"], data["council"]
            totals = [data[total] for total in TOTALS]
        row = Progress(f"Theme {theme.number}: {theme.title}")
        row.strategy_count, row.strategy_sum, row.council_count, row.council_sum = (
            value or 0 for value in totals
        )
        for total in TOTALS:
            setattr(overall, total, getattr(overall, total) + getattr(row, total))
        for status, (n, _) in (by_strategy or {}).items():
            counts[Status(status)].strategy += n
        for status, (n, _) in (by_council or {}).items():
            counts[Status(status)].council += n
        by_theme.append((theme, row))
    return Figures(list(counts.values()), overall, by_theme)


def last_approved_update(strategy: Strategy) -> datetime.datetime | None:
    """When the newest approved progress update, council input or indicator value of the
    strategy was approved (three aggregate queries)."""
    approved_at = Coalesce("reviewed_at", "created_at")
    moments = [
        ProgressUpdate.objects.filter(strategy_action__theme__strategy=strategy).aggregate(
            at=Max(approved_at)
        )["at"],
        CouncilInput.objects.filter(
            council_action__strategy_action__theme__strategy=strategy
        ).aggregate(at=Max(approved_at))["at"],
        IndicatorValue.objects.filter(indicator__strategy=strategy).aggregate(at=Max(approved_at))[
            "at"
        ],
    ]
    moments = [moment for moment in moments if moment is not None]
    return max(moments) if moments else None


# --- Actions ------------------------------------------------------------------------------


def _public_files() -> Prefetch:
    """A record's evidence files cleared for the public site, and no others."""
    return Prefetch(
        "evidence_files",
        queryset=EvidenceFile.objects.filter(is_public=True),
        to_attr="public_files",
    )


def theme_actions(theme: Theme) -> QuerySet[StrategyAction]:
    """A theme's strategy actions with what their list shows, in plan order."""
    return (
        StrategyAction.objects.filter(theme=theme)
        .select_related("theme")
        .prefetch_related(
            Prefetch(
                "responsible_partners",
                queryset=ActionPartner.objects.select_related("partner"),
            )
        )
        .order_by("position", "pk")
    )


def action(strategy: Strategy, pk: int) -> StrategyAction:
    """One strategy action of the strategy with everything its public page shows."""
    council_actions = CouncilAction.objects.select_related("responsible_unit").prefetch_related(
        Prefetch(
            "inputs",
            queryset=CouncilInput.objects.select_related("organisation").prefetch_related(
                _public_files()
            ),
        ),
        Prefetch("milestones", queryset=Milestone.objects.select_related("owner")),
    )
    return get_object_or_404(
        StrategyAction.objects.filter(theme__strategy=strategy)
        .select_related("theme__strategy", "source")
        .prefetch_related(
            "sub_points",
            Prefetch(
                "responsible_partners",
                queryset=ActionPartner.objects.select_related("partner"),
            ),
            Prefetch("council_actions", queryset=council_actions),
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("organisation").prefetch_related(
                    _public_files()
                ),
            ),
            Prefetch("milestones", queryset=Milestone.objects.select_related("owner")),
        ),
        pk=pk,
    )


def action_indicators(strategy: Strategy, action: StrategyAction) -> list:
    """The strategy's indicators linked to the action, with their figures (four queries)."""
    linked = Indicator.objects.filter(strategy=strategy).filter(
        Q(strategy_actions=action) | Q(council_actions__strategy_action=action)
    )
    return indicator_selectors.figures_of(
        indicator_selectors.with_figures(Indicator.objects.filter(pk__in=linked.values("pk")))
    )


def council_actions(strategy: Strategy) -> QuerySet[CouncilAction]:
    """The strategy's proposed council actions with their decisions, in plan order."""
    return (
        CouncilAction.objects.filter(strategy_action__theme__strategy=strategy)
        .select_related("strategy_action", "responsible_unit")
        .order_by("plan_position", "position", "pk")
    )


# --- Indicators ---------------------------------------------------------------------------


def indicators(strategy: Strategy) -> QuerySet[Indicator]:
    return indicator_selectors.with_figures(Indicator.objects.filter(strategy=strategy))


def indicator(strategy: Strategy, pk: int) -> Indicator:
    return get_object_or_404(
        indicators(strategy).prefetch_related(
            Prefetch(
                "strategy_actions",
                queryset=StrategyAction.objects.filter(theme__strategy=strategy),
            ),
            "themes",
        ),
        pk=pk,
    )


# --- Evidence files -----------------------------------------------------------------------


def public_file(strategy: Strategy, pk: int) -> EvidenceFile:
    """An evidence file cleared for the public site, of an approved record of the strategy."""
    approved = ReviewState.APPROVED
    return get_object_or_404(
        EvidenceFile.objects.filter(is_public=True).filter(
            Q(
                progress_update__review_state=approved,
                progress_update__strategy_action__theme__strategy=strategy,
            )
            | Q(
                council_input__review_state=approved,
                council_input__council_action__strategy_action__theme__strategy=strategy,
            )
        ),
        pk=pk,
    )
