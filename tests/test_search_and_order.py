"""The plan at scale: full-text search, long choice lists, and plan order as one number."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import filters, ordering, search
from actions.models import CouncilAction, SearchDocument, StrategyAction
from strategy.models import Strategy
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    PartnerFactory,
    StrategyActionFactory,
    StrategyFactory,
    SubPointFactory,
    ThemeFactory,
    UserFactory,
)
from tests.helpers import post_update, queries_for

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


def found(client, **params) -> list[str]:
    """The references the plan page lists, in order, as a reader sees them (a repeated
    request is served from the rendered page kept until the plan changes)."""
    response = client.get(reverse("plan"), params)
    assert response.status_code == 200
    return re.findall(r'Strategy action (\S+)<span class="govuk-visually-hidden">', response.text)


# --- Search ------------------------------------------------------------------------------


def test_search_finds_words_in_an_update_and_in_the_action(user_client, user):
    in_text = StrategyActionFactory(text="Map community hubs across the borough")
    in_update = StrategyActionFactory(text="Agree the grants criteria")
    post_update(in_update, UserFactory(), narrative="The hubs were mapped with partners.")
    StrategyActionFactory(text="Publish the compact")

    assert sorted(found(user_client, q="hubs")) == sorted([in_text.reference, in_update.reference])
    assert found(user_client, q=in_update.reference) == [in_update.reference]
    assert found(user_client, q="hubs compact") == []  # every word must match


def test_search_is_ranked_own_words_first_on_postgresql(user_client):
    if not POSTGRES:
        pytest.skip("ranking is PostgreSQL's ts_rank; SQLite keeps plan order")
    in_update = StrategyActionFactory(text="Agree the grants criteria")
    post_update(in_update, UserFactory(), narrative="Volunteering fair planned.")
    in_text = StrategyActionFactory(text="Develop a shared volunteering plan")

    assert found(user_client, q="volunteers") == [in_text.reference, in_update.reference]


def test_search_documents_follow_sub_points_and_deleted_updates(
    user_client, django_capture_on_commit_callbacks
):
    action = StrategyActionFactory(text="Agree the grants criteria")
    point = SubPointFactory(strategy_action=action, text="Including microgrants")
    assert found(user_client, q="microgrants") == [action.reference]

    point.text = "Including endowments"
    point.save()
    assert found(user_client, q="microgrants") == []

    update = post_update(action, UserFactory(), narrative="A kaleidoscope of groups replied.")
    assert found(user_client, q="kaleidoscope") == [action.reference]
    with django_capture_on_commit_callbacks(execute=True):
        update.delete()
    assert found(user_client, q="kaleidoscope") == []
    assert SearchDocument.objects.filter(strategy_action=action).count() == 1


def test_a_search_matching_too_many_ranks_the_first_and_says_so(user_client, monkeypatch):
    monkeypatch.setattr(search, "RESULTS_MAX", 2)
    actions = [StrategyActionFactory(text=f"Support volunteering {n}") for n in range(3)]

    response = user_client.get(reverse("plan"), {"q": "volunteering"})

    assert response.context["page"].paginator.count == 2
    assert "best matches among the first 2 actions" in response.content.decode()
    assert set(found(user_client, q="volunteering")) <= {a.reference for a in actions}


def test_search_combines_with_the_other_filters_before_the_cap(user_client, monkeypatch):
    monkeypatch.setattr(search, "RESULTS_MAX", 1)
    StrategyActionFactory(text="Support volunteering", status="on_track")
    off = StrategyActionFactory(text="Support volunteering more", status="off_track")

    assert found(user_client, q="volunteering", status="off_track") == [off.reference]


def test_searching_costs_the_same_queries_at_any_size(user_client):
    def count():
        return len(queries_for(user_client, reverse("plan") + "?q=volunteering"))

    for n in range(3):
        StrategyActionFactory(text=f"Support volunteering {n}")
    small = count()
    for n in range(30):
        StrategyActionFactory(text=f"Support volunteering {n}")
    assert count() == small


# --- Long choice lists ------------------------------------------------------------------


def test_a_long_partner_list_becomes_a_words_box_that_filters(user_client, monkeypatch):
    monkeypatch.setattr(filters, "CHOICES_MAX", 2)
    actions = [StrategyActionFactory() for _ in range(3)]
    for action, name in zip(
        actions, ["Age UK Harrow", "Harrow Mencap", "Voluntary Action"], strict=True
    ):
        ActionPartnerFactory(strategy_action=action, partner=PartnerFactory(name=name))

    page = user_client.get(reverse("plan")).content.decode()

    assert 'name="partner_words"' in page
    assert '<select class="govuk-select" id="id_partner"' not in page
    assert "Age UK Harrow" not in page.split('name="partner_words"')[0].split("<form")[-1]
    assert found(user_client, partner_words="mencap") == [actions[1].reference]


def test_a_short_partner_list_stays_a_drop_down(user_client):
    action = StrategyActionFactory()
    partner = PartnerFactory(name="Harrow Mencap")
    ActionPartnerFactory(strategy_action=action, partner=partner)

    page = user_client.get(reverse("plan")).content.decode()

    assert 'id="id_partner"' in page
    assert 'name="partner_words"' not in page
    assert f'<option value="{partner.pk}">Harrow Mencap</option>' in page


def test_a_theme_chosen_by_link_still_filters_when_the_list_is_long(user_client, monkeypatch):
    monkeypatch.setattr(filters, "CHOICES_MAX", 1)
    first, second = StrategyActionFactory(), StrategyActionFactory()

    page = user_client.get(reverse("plan"), {"theme": second.theme_id}).content.decode()

    assert f'type="hidden" name="theme" value="{second.theme_id}"' in page
    assert found(user_client, theme=second.theme_id) == [second.reference]
    assert found(user_client, theme_words=str(first.theme.number)) == [first.reference]


# --- Plan order ---------------------------------------------------------------------------


def test_plan_order_is_current_newest_first_then_theme_then_position(user_client):
    older = StrategyFactory(adopted_on=datetime.date(2013, 3, 14))
    newer = StrategyFactory(adopted_on=datetime.date(2020, 1, 1))
    old_theme_2 = ThemeFactory(strategy=older, number=2)
    old_theme_1 = ThemeFactory(strategy=older, number=1)
    new_theme = ThemeFactory(strategy=newer, number=5)
    b = StrategyActionFactory(theme=old_theme_1, position=2, reference="B")
    a = StrategyActionFactory(theme=old_theme_1, position=1, reference="A")
    c = StrategyActionFactory(theme=old_theme_2, position=1, reference="C")
    n = StrategyActionFactory(theme=new_theme, position=1, reference="N")

    assert found(user_client) == ["N", "A", "B", "C"]

    older.adopted_on = datetime.date(2024, 1, 1)  # now the newest
    older.save()
    assert found(user_client) == ["A", "B", "C", "N"]

    old_theme_1.number = 3  # theme 1 becomes theme 3, after theme 2
    old_theme_1.save()
    assert found(user_client) == ["C", "A", "B", "N"]

    newer.status = Strategy.Status.SUPERSEDED
    newer.save()
    assert found(user_client, strategy=newer.pk) == ["N"]
    ranks = [action.plan_position for action in StrategyAction.objects.order_by("plan_position")]
    assert [x.reference for x in StrategyAction.objects.order_by("plan_position")] == [
        "C",
        "A",
        "B",
        "N",
    ]
    assert len(set(ranks)) == 4
    assert {a.pk, b.pk, c.pk, n.pk} == set(StrategyAction.objects.values_list("pk", flat=True))


def test_council_actions_follow_their_strategy_actions_order(user_client):
    theme = ThemeFactory(number=1)
    second = StrategyActionFactory(theme=theme, position=2)
    first = StrategyActionFactory(theme=theme, position=1)
    late = CouncilActionFactory(strategy_action=second, position=1)
    early_b = CouncilActionFactory(strategy_action=first, position=2)
    early_a = CouncilActionFactory(strategy_action=first, position=1)

    response = user_client.get(reverse("council_actions"))

    listed = [ca.pk for ca in response.context["page"]]
    assert listed == [early_a.pk, early_b.pk, late.pk]

    first.position = 3  # the first strategy action moves to the end
    first.save()
    assert list(CouncilAction.objects.order_by("plan_position").values_list("pk", flat=True)) == [
        late.pk,
        early_a.pk,
        early_b.pk,
    ]


def test_renumbering_everything_puts_bulk_loads_right():
    theme = ThemeFactory(number=1)
    StrategyAction.objects.bulk_create(
        [StrategyAction(theme=theme, position=p, reference=f"X{p}", text="Bulk") for p in (2, 1)]
    )
    assert set(StrategyAction.objects.values_list("plan_position", flat=True)) == {0}

    ordering.renumber(everything=True)

    assert list(
        StrategyAction.objects.order_by("plan_position").values_list("reference", flat=True)
    ) == ["X1", "X2"]


# --- Cached cards --------------------------------------------------------------------------


def test_a_cached_action_card_changes_with_the_next_write_anywhere(user_client):
    action = StrategyActionFactory(text="Map community hubs")
    point = SubPointFactory(strategy_action=action, text="In every ward")
    before = user_client.get(reverse("plan")).content.decode()
    assert "In every ward" in before

    def card():
        return (
            user_client.get(reverse("plan")).content.decode().split(f'id="action-{action.pk}"')[1]
        )

    post_update(action, UserFactory(), status="off_track", percent=10)
    assert "Off track, 10% complete" in card()

    point.text = "In the three wards named"  # a sub-point edited in the admin
    point.save()
    assert "In the three wards named" in card()


def test_a_status_change_rewrites_neither_the_search_document_nor_the_plan_order():
    action = StrategyActionFactory(text="Map community hubs")
    action.status = "off_track"

    with CaptureQueriesContext(connection) as queries:
        action.save()

    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert not [sql for sql in writes if "actions_searchdocument" in sql]
    assert not [sql for sql in writes if '"actions_councilaction"' in sql]
    action.text = "Map community hubs and halls"
    action.save()
    assert list(search.matching(StrategyAction.objects.all(), "halls")) == [action]
