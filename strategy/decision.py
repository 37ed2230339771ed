"""The decision on a strategy, whole (issue 15): what its report recommended and why, the
options with their advantages and disadvantages, the option chosen and why, the legal duties,
the implications and the background, each passage in the report's words with its paragraph.

Read in a fixed number of queries, whatever the strategy holds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import DecisionOption, DecisionOptionPoint, DecisionPassage, Recommendation, Strategy

Section = DecisionPassage.Section


@dataclass
class Block:
    """A paragraph, or the list of items that follows one, with where the words are."""

    passages: list
    is_list: bool = False
    #: Cite the paragraph after this block: the last of a run of blocks from one paragraph.
    cite: bool = True

    @property
    def lettered(self) -> bool:
        return self.is_list and all(p.label for p in self.passages)

    @property
    def paragraph(self) -> str:
        """The paragraph the block cites: its passages' own, in order, each once."""
        return "; ".join(dict.fromkeys(p.paragraph for p in self.passages if p.paragraph))


@dataclass
class Decision:
    strategy: Strategy
    source: object = None
    recommendations: list = field(default_factory=list)
    options: list = field(default_factory=list)
    sections: dict = field(default_factory=dict)  # Section value -> list of Block

    @property
    def recorded(self) -> bool:
        return bool(self.options or self.sections)

    @property
    def chosen(self):
        return next((option for option in self.options if option.chosen), None)

    def blocks(self, section: str) -> list:
        return self.sections.get(section, [])


def blocks_of(passages) -> list:
    """Passages in order, gathered into paragraphs and the lists that follow them; a run of
    blocks from one paragraph cites it once, after the last."""
    blocks: list = []
    for passage in passages:
        if passage.is_list_item and blocks and blocks[-1].is_list:
            blocks[-1].passages.append(passage)
        else:
            blocks.append(Block([passage], is_list=passage.is_list_item))
    for block, after in itertools.pairwise(blocks):
        block.cite = block.paragraph != after.paragraph
    return blocks


def decision_of(strategy: Strategy) -> Decision:
    """The decision on `strategy` as seeded or recorded (four queries)."""
    passages = DecisionPassage.objects.filter(strategy=strategy).select_related("source")
    points = DecisionOptionPoint.objects.order_by("kind", "position").select_related("source")
    options = list(
        DecisionOption.objects.filter(strategy=strategy)
        .select_related("source")
        .prefetch_related(Prefetch("points", queryset=points))
    )
    sections: dict = {}
    order = {value: i for i, value in enumerate(Section.values)}
    for passage in sorted(passages, key=lambda p: (order[p.section], p.position)):
        sections.setdefault(passage.section, []).append(passage)
    decision = Decision(
        strategy=strategy,
        options=options,
        sections={name: blocks_of(items) for name, items in sections.items()},
    )
    for option in options:
        option.advantages = [p for p in option.points.all() if p.kind == "advantage"]
        option.disadvantages = [p for p in option.points.all() if p.kind == "disadvantage"]
    if decision.recorded:
        # The document the decision's words come from: its recommendations and their reason.
        first = (options or [sections[next(iter(sections))][0]])[0]
        decision.source = first.source
        if first.source_id:
            decision.recommendations = list(
                Recommendation.objects.filter(source_id=first.source_id).select_related("source")
            )
    return decision


def chosen_options(strategies) -> list[dict]:
    """For the Cabinet report's PDF: each strategy with a decision recorded, its chosen option
    and the reasons for it (two queries)."""
    strategies = list(strategies)
    ids = [s.pk for s in strategies]
    chosen = {
        o.strategy_id: o
        for o in DecisionOption.objects.filter(strategy_id__in=ids, chosen=True).select_related(
            "source"
        )
    }
    reasons: dict = {}
    for passage in DecisionPassage.objects.filter(
        strategy_id__in=ids, section=Section.CHOSEN
    ).select_related("source"):
        reasons.setdefault(passage.strategy_id, []).append(passage)
    return [
        {"strategy": s, "option": chosen.get(s.pk), "reasons": reasons.get(s.pk, [])}
        for s in strategies
        if s.pk in chosen or s.pk in reasons
    ]
