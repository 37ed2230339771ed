"""The trajectory arithmetic (indicators/trajectory.py) at its edges."""

import datetime
from decimal import Decimal

import pytest

from indicators.trajectory import Trajectory, assess, expected_on

D = datetime.date
BASE = (Decimal("100"), D(2026, 1, 1))
TARGET = [(Decimal("200"), D(2027, 1, 1))]  # 365 days: 100 → 200


def status(latest, *, baseline=BASE, targets=TARGET, direction="up", first=None):
    return assess(
        baseline=baseline, targets=targets, direction=direction, latest=latest, first=first
    ).status


def test_no_values():
    assert status(None) == Trajectory.NO_VALUES


def test_no_values_wins_over_no_target():
    assert status(None, targets=[]) == Trajectory.NO_VALUES


def test_no_target():
    assert status((Decimal("150"), D(2026, 6, 1)), targets=[]) == Trajectory.NO_TARGET


def test_on_the_line_halfway():
    # 2 July 2026 is day 182 of 365: the line stands at 149.86.
    result = assess(
        baseline=BASE, targets=TARGET, direction="up", latest=(Decimal("150"), D(2026, 7, 2))
    )
    assert result.status == Trajectory.ON_TRAJECTORY
    assert result.expected == pytest.approx(Decimal("149.86"), abs=Decimal("0.01"))


def test_within_the_tolerance_is_on_trajectory():
    # 5% of the planned change (100) is 5: 145 against 149.86 is within it.
    assert status((Decimal("145"), D(2026, 7, 2))) == Trajectory.ON_TRAJECTORY


def test_behind_beyond_the_tolerance():
    assert status((Decimal("140"), D(2026, 7, 2))) == Trajectory.BEHIND


def test_ahead_beyond_the_tolerance():
    assert status((Decimal("160"), D(2026, 7, 2))) == Trajectory.AHEAD


def test_target_reached_exactly_on_its_date():
    assert status((Decimal("200"), D(2027, 1, 1))) == Trajectory.REACHED


def test_target_reached_early_and_beyond():
    assert status((Decimal("250"), D(2026, 3, 1))) == Trajectory.REACHED


def test_falling_indicator_behind_ahead_and_reached():
    baseline = (Decimal("50"), D(2026, 1, 1))
    targets = [(Decimal("30"), D(2027, 1, 1))]  # halfway: 40
    kwargs = {"baseline": baseline, "targets": targets, "direction": "down"}
    assert status((Decimal("40"), D(2026, 7, 2)), **kwargs) == Trajectory.ON_TRAJECTORY
    assert status((Decimal("45"), D(2026, 7, 2)), **kwargs) == Trajectory.BEHIND
    assert status((Decimal("35"), D(2026, 7, 2)), **kwargs) == Trajectory.AHEAD
    assert status((Decimal("30"), D(2026, 7, 2)), **kwargs) == Trajectory.REACHED
    assert status((Decimal("20"), D(2027, 6, 1)), **kwargs) == Trajectory.REACHED


def test_single_value_without_a_baseline_starts_the_line():
    only = (Decimal("10"), D(2026, 1, 1))
    assert status(only, baseline=None, first=only) == Trajectory.ON_TRAJECTORY


def test_without_a_baseline_the_first_value_is_the_start():
    first = (Decimal("100"), D(2026, 1, 1))
    assert status((Decimal("120"), D(2026, 7, 2)), baseline=None, first=first) == (
        Trajectory.BEHIND
    )


def test_value_dated_before_the_baseline_is_compared_with_the_baseline():
    assert status((Decimal("100"), D(2025, 6, 1))) == Trajectory.ON_TRAJECTORY
    assert status((Decimal("90"), D(2025, 6, 1))) == Trajectory.BEHIND


def test_value_on_the_baseline_date():
    assert status((Decimal("100"), D(2026, 1, 1))) == Trajectory.ON_TRAJECTORY


def test_after_the_last_target_not_reached_is_behind():
    # Within 5% of the final target, but its date has passed.
    assert status((Decimal("198"), D(2027, 2, 1))) == Trajectory.BEHIND


def test_between_two_targets_the_line_runs_from_one_to_the_next():
    targets = [(Decimal("200"), D(2027, 1, 1)), (Decimal("400"), D(2028, 1, 1))]
    # Halfway through 2027 the line stands near 300; the planned change is 300 (band 15).
    assert status((Decimal("300"), D(2027, 7, 2)), targets=targets) == Trajectory.ON_TRAJECTORY
    assert status((Decimal("250"), D(2027, 7, 2)), targets=targets) == Trajectory.BEHIND
    # At the first target's date the line is at the first target.
    assert status((Decimal("200"), D(2027, 1, 1)), targets=targets) == Trajectory.ON_TRAJECTORY


def test_targets_in_any_order():
    targets = [(Decimal("400"), D(2028, 1, 1)), (Decimal("200"), D(2027, 1, 1))]
    assert status((Decimal("200"), D(2027, 1, 1)), targets=targets) == Trajectory.ON_TRAJECTORY


def test_a_target_on_the_baseline_date_divides_by_nothing():
    targets = [(Decimal("100"), D(2026, 1, 1)), (Decimal("200"), D(2027, 1, 1))]
    assert status((Decimal("150"), D(2026, 7, 2)), targets=targets) == Trajectory.ON_TRAJECTORY


def test_a_single_target_on_the_value_date_and_the_baseline_date():
    targets = [(Decimal("200"), D(2026, 1, 1))]
    assert status((Decimal("150"), D(2026, 1, 1)), targets=targets) == Trajectory.BEHIND


def test_hold_within_five_percent_of_the_baseline():
    kwargs = {"direction": "hold", "targets": [(Decimal("100"), D(2027, 1, 1))]}
    assert status((Decimal("105"), D(2026, 7, 1)), **kwargs) == Trajectory.ON_TRAJECTORY
    assert status((Decimal("95"), D(2026, 7, 1)), **kwargs) == Trajectory.ON_TRAJECTORY
    assert status((Decimal("106"), D(2026, 7, 1)), **kwargs) == Trajectory.BEHIND
    assert status((Decimal("94"), D(2026, 7, 1)), **kwargs) == Trajectory.BEHIND


def test_hold_at_zero_means_exactly_zero():
    kwargs = {
        "direction": "hold",
        "baseline": (Decimal("0"), D(2026, 1, 1)),
        "targets": [(Decimal("0"), D(2027, 1, 1))],
    }
    assert status((Decimal("0"), D(2026, 7, 1)), **kwargs) == Trajectory.ON_TRAJECTORY
    assert status((Decimal("1"), D(2026, 7, 1)), **kwargs) == Trajectory.BEHIND


def test_target_equal_to_the_start_needs_the_value_exactly():
    targets = [(Decimal("100"), D(2027, 1, 1))]
    assert status((Decimal("100"), D(2026, 7, 1)), targets=targets) == Trajectory.REACHED
    assert status((Decimal("99"), D(2026, 7, 1)), targets=targets) == Trajectory.BEHIND


def test_expected_on_before_between_and_after():
    start = (Decimal("0"), D(2026, 1, 1))
    line = [(Decimal("10"), D(2026, 1, 11)), (Decimal("30"), D(2026, 1, 21))]
    assert expected_on(start, line, D(2025, 12, 1)) == 0
    assert expected_on(start, line, D(2026, 1, 6)) == 5
    assert expected_on(start, line, D(2026, 1, 16)) == 20
    assert expected_on(start, line, D(2026, 2, 1)) == 30


def test_plain_numbers_are_accepted():
    plain = {"baseline": (100, D(2026, 1, 1)), "targets": [(200, D(2027, 1, 1))]}
    assert status((150, D(2026, 7, 2)), **plain) == Trajectory.ON_TRAJECTORY
