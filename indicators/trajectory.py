"""Whether an indicator's latest value is on the trajectory to its targets: pure arithmetic,
no database.

The trajectory is the straight line from the start (the baseline, or the first value where
there is no baseline) to the first target, then from target to target. A value is compared
with where the line stands on the day it was measured:

- on trajectory: within the tolerance of the line;
- ahead or behind: beyond the tolerance, in the better or the worse direction;
- target reached: it meets or beats the final target (whenever it was measured);
- behind, too, once the final target's date has passed without reaching it;
- no target / no values: nothing to compare.

The tolerance is TOLERANCE (5%) of the whole planned change (from the start to the final
target), so a small wobble around the line is not called "behind". An indicator to hold
steady is on trajectory while within 5% of its start (the baseline) and behind otherwise;
it has no "ahead". A value measured before the start is compared with the start.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models

TOLERANCE = Decimal("0.05")

Point = tuple[Decimal, datetime.date]


class Trajectory(models.TextChoices):
    """Where an indicator's latest value stands against its trajectory."""

    ON_TRAJECTORY = "on_trajectory", "On trajectory"
    AHEAD = "ahead", "Ahead"
    BEHIND = "behind", "Behind"
    REACHED = "reached", "Target reached"
    NO_TARGET = "no_target", "No target"
    NO_VALUES = "no_values", "No values yet"

    @property
    def tag_colour(self) -> str:
        """The GOV.UK tag modifier shown with the words."""
        return {
            "on_trajectory": "green",
            "ahead": "turquoise",
            "behind": "red",
            "reached": "blue",
            "no_target": "grey",
            "no_values": "grey",
        }[self.value]


@dataclass(frozen=True)
class Assessment:
    """The verdict, with the figure the value was compared with (None when there was none)."""

    status: Trajectory
    expected: Decimal | None = None

    @property
    def label(self) -> str:
        return self.status.label

    @property
    def tag_colour(self) -> str:
        return self.status.tag_colour


def _num(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def expected_on(start: Point, targets: list[Point], day: datetime.date) -> Decimal:
    """Where the line from `start` through `targets` (sorted by date, all after the start)
    stands on `day`: the start before it begins, the final target after it ends."""
    previous = start
    for target in targets:
        if day <= target[1]:
            if day <= previous[1]:
                return previous[0]
            span = (target[1] - previous[1]).days
            gone = (day - previous[1]).days
            return previous[0] + (target[0] - previous[0]) * Decimal(gone) / Decimal(span)
        previous = target
    return previous[0]


def assess(
    *,
    baseline: Point | None,
    targets: list[Point],
    direction: str,
    latest: Point | None,
    first: Point | None = None,
) -> Assessment:
    """Say where `latest` (the newest approved value and its date) stands.

    `baseline` is (value, date) or None; `first` the first approved value, the start when
    there is no baseline; `direction` "up", "down" or "hold".
    """
    if latest is None:
        return Assessment(Trajectory.NO_VALUES)
    if not targets:
        return Assessment(Trajectory.NO_TARGET)
    value, day = _num(latest[0]), latest[1]
    start = baseline or first or latest
    start = (_num(start[0]), start[1])
    if direction == "hold":
        band = abs(start[0]) * TOLERANCE
        status = Trajectory.ON_TRAJECTORY if abs(value - start[0]) <= band else Trajectory.BEHIND
        return Assessment(status, start[0])
    better = 1 if direction == "up" else -1
    ordered = sorted((_num(v), d) for v, d in targets)
    ordered = sorted(ordered, key=lambda point: point[1])
    final = ordered[-1][0]
    if (value - final) * better >= 0:
        return Assessment(Trajectory.REACHED, final)
    if day > ordered[-1][1]:
        return Assessment(Trajectory.BEHIND, final)  # the final target's date has passed
    # Targets on or before the start day are behind it: the line runs through the later ones.
    line = [target for target in ordered if target[1] > start[1]]
    # With every target on or before the start day, the line is the final target alone.
    expected = expected_on(start, line, day) if line else final
    band = abs(final - start[0]) * TOLERANCE
    gap = (value - expected) * better
    if gap > band:
        status = Trajectory.AHEAD
    elif gap < -band:
        status = Trajectory.BEHIND
    else:
        status = Trajectory.ON_TRAJECTORY
    return Assessment(status, expected)
