"""Slippage is a decision: a new target date takes effect when its update is approved, and the
slippage view lists every moved date with each approved reason; the Cabinet report sums it by
theme."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CouncilActionFactory,
    ProgressUpdateFactory,
    StrategyActionFactory,
    ThemeFactory,
)
from tests.helpers import post_update, queries_for, record_input, signed_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def planned(theme, days=30, **extra):
    return StrategyActionFactory(
        theme=theme, original_target_date=TODAY + datetime.timedelta(days=days), **extra
    )


def move(action, author, days, reason, **extra):
    return post_update(
        action,
        author,
        revised_target_date=TODAY + datetime.timedelta(days=days),
        revision_reason=reason,
        **extra,
    )


def test_a_new_date_counts_only_once_approved(world):
    action = planned(world.action.theme)
    ProgressUpdateFactory(
        strategy_action=action,
        author=world.personas["coordinator"],
        revised_target_date=TODAY + datetime.timedelta(days=90),
        revision_reason="Asked for, not yet approved.",
        approved=False,
    )

    action.refresh_from_db()
    assert action.revised_target_date is None
    assert action.target_date == TODAY + datetime.timedelta(days=30)


def test_the_view_lists_each_moved_date_with_every_approved_reason(client, world):
    theme = world.action.theme
    author = world.personas["coordinator"]
    twice = planned(theme, reference="T9.1")
    move(twice, author, 60, "The venue fell through.")
    move(twice, author, 100, "The new venue opens in spring.")
    once = planned(theme, reference="T9.2")
    move(once, author, 45, "Waiting for the grant decision.")
    planned(theme, reference="T9.3")  # never moved
    pending = planned(theme, reference="T9.4")
    ProgressUpdateFactory(
        strategy_action=pending,
        author=author,
        revised_target_date=TODAY + datetime.timedelta(days=99),
        revision_reason="Not yet approved.",
        approved=False,
    )

    page = signed_in(client, world.personas["cabinet"]).get(reverse("slippage")).text

    assert f'id="slipped-{twice.pk}"' in page
    assert f'id="slipped-{once.pk}"' in page
    assert "T9.3" not in page
    assert "Not yet approved." not in page
    row = page[page.index(f'id="slipped-{twice.pk}"') :].split("</tr>")[0]
    assert ">70<" in row  # 100 days on from a date 30 days away
    assert ">2<" in row  # moved twice
    assert "The venue fell through." in row
    assert "The new venue opens in spring." in row


def test_proposed_council_actions_have_their_own_list(client, world):
    council_action = CouncilActionFactory(
        strategy_action=world.action,
        responsible_unit=world.unit,
        original_target_date=TODAY + datetime.timedelta(days=10),
    )
    record_input(
        council_action,
        world.personas["officer"],
        revised_target_date=TODAY + datetime.timedelta(days=40),
        revision_reason="Procurement takes longer.",
    )
    reader = signed_in(client, world.personas["cabinet"])

    council = reader.get(reverse("slippage"), {"of": "council"}).text
    assert "Procurement takes longer." in council
    assert ">30<" in council
    assert "Procurement takes longer." not in reader.get(reverse("slippage")).text
    # Anything else is the strategy actions' list, not an error.
    nonsense = reader.get(reverse("slippage"), {"of": "nonsense"}).text
    assert '<strong aria-current="page">Strategy actions</strong>' in nonsense


def test_the_view_costs_the_same_queries_however_many_have_slipped(client, world):
    reader = signed_in(client, world.personas["cabinet"])
    theme = ThemeFactory()
    author = world.personas["coordinator"]

    def count():
        return len(queries_for(reader, reverse("slippage")))

    for n in range(2):
        move(planned(theme), author, 50 + n, f"Reason {n}")
    few = count()
    for n in range(6):
        move(planned(theme), author, 60 + n, f"Reason {n}")
    assert count() == few


def test_the_cabinet_report_shows_slippage_by_theme(client, world):
    theme = world.action.theme
    author = world.personas["coordinator"]
    for n in range(2):
        move(planned(theme), author, 80 + n, "Later.")

    page = signed_in(client, world.personas["cabinet"]).get(reverse("cabinet_report")).text

    section = page[page.index('id="slippage-by-theme"') :]
    section = section[: section.index("</table>")]
    assert f"Theme {theme.number}: {theme.title}" in section
    assert "2 in all" in section
