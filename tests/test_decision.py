"""The decision on a strategy, whole (issue 15): the report's recommendations and reason, the
options with their advantages and disadvantages, the option chosen and why, the legal duties,
the implications and the background, word for word, each with its paragraph."""

import html

import pytest
from django.urls import reverse

from strategy.decision import decision_of
from strategy.models import DecisionOption, DecisionPassage, Strategy
from tests.factories import (
    DecisionOptionFactory,
    DecisionOptionPointFactory,
    DecisionPassageFactory,
    StrategyFactory,
)
from tests.helpers import between, pdf_text, queries_for

pytestmark = pytest.mark.django_db

STRATEGY_2013 = "third-sector-strategy-2013"
URL = f"/strategies/{STRATEGY_2013}/decision/"

CHOSEN_WHY = (
    "Option One is recommended to Cabinet so that the Council can demonstrate its pro-active "
    "support to the strategy and its ongoing commitment to the Third Sector."
)
FINANCIAL = (
    "The resources required to implement the actions identified in this report will be met "
    "from within existing resources. There are no other implications on the Medium Term "
    "Financial Strategy (MTFS)."
)
RISK = (
    "The main risk associated with this decision is that the Council is unable to deliver the "
    "proposed actions due to the ongoing pressure on resources. This risk is mitigated in a "
    "number of ways; (1) some of these actions are currently underway and resources have "
    "already been identified (2) the proposed actions have been agreed corporately with a "
    "commitment to identify appropriate resources across a number of Council departments."
)
EQUALITY_IMPACT = (
    "The Third Sector Forum has completed an Equality Impact Assessment on the Third Sector "
    "Strategy. This impact assessment identifies the potential for a positive impact on all "
    "protected equality characteristics."
)
AIMS = [
    "eliminate discrimination, harassment, victimisation and any other conduct that is "
    "prohibited by or under this Act;",
    "advance equality of opportunity between persons who share a relevant protected "
    "characteristic and persons who do not share it;",
    "foster good relations between persons who share a relevant protected characteristic and "
    "persons who do not share it.",
]
CHARACTERISTICS = [
    "Age",
    "Disability",
    "Gender reassignment",
    "Pregnancy and maternity",
    "Race,",  # the report's own comma
    "Religion or belief",
    "Sex",
    "Sexual orientation",
    "Marriage and Civil partnership",
]


def page_of(client, url=URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def passages(section):
    strategy = Strategy.objects.get(slug=STRATEGY_2013)
    return list(
        DecisionPassage.objects.filter(strategy=strategy, section=section)
        .order_by("position")
        .values_list("text", flat=True)
    )


# --- The seed ---------------------------------------------------------------------------


def test_the_seed_holds_the_options_with_their_points(report):
    options = DecisionOption.objects.filter(strategy__slug=STRATEGY_2013).order_by("number")
    assert [(o.number, o.chosen) for o in options] == [(1, True), (2, False)]
    one, two = options
    assert one.text == (
        "Cabinet notes the strategy and commits Harrow Council to delivering a number of "
        "actions to support its delivery."
    )
    assert [p.text for p in one.points.filter(kind="advantage").order_by("position")] == [
        "This demonstrates pro-active support for the strategy which would be viewed "
        "favourably by the Third Sector.",
        "Delivery of these actions provides opportunities for partnership working",
        "Delivery of these actions will help strengthen and develop the relationship between "
        "the Council and the Third Sector",
    ]
    assert [p.text for p in one.points.filter(kind="disadvantage")] == [
        "Existing resources may need to be reallocated to support the delivery of these actions."
    ]
    assert [p.text for p in two.points.filter(kind="disadvantage").order_by("position")] == [
        "The lack of delivery of practical actions would send a negative message to the sector.",
        "Future relationships with the sector could be affected.",
    ]
    assert {p.paragraph for o in options for p in o.points.all()} == {"2.2.1"}


def test_the_seed_holds_the_passages_word_for_word(report):
    assert passages("chosen") == [CHOSEN_WHY]
    assert passages("financial") == [FINANCIAL]
    assert passages("risk") == [RISK]
    assert passages("equality") == [EQUALITY_IMPACT]
    duty = passages("equality_duty")
    assert duty[3:6] == AIMS
    assert duty[-1] == (
        "It is important that when making decisions involving voluntary groups who serve "
        "persons with the relevant protected characteristics that a full equalities Impact is "
        "completed."
    )
    assert passages("characteristics") == [
        "The relevant protected characteristics are:",
        *CHARACTERISTICS,
    ]
    assert len(passages("social_value")) == 4
    paragraphs = dict(
        DecisionPassage.objects.filter(section__in=["background", "why_change"]).values_list(
            "paragraph", "section"
        )
    )
    assert paragraphs == {
        "2.4.1": "background",
        "2.4.3": "background",
        "2.5.1": "why_change",
        "2.5.2": "why_change",
    }
    labels = DecisionPassage.objects.filter(section="equality_duty", is_list_item=True)
    assert list(labels.order_by("position").values_list("label", flat=True)) == ["a", "b", "c"]


def test_the_decision_gathers_lists_after_their_paragraph(report):
    decision = decision_of(Strategy.objects.get(slug=STRATEGY_2013))
    blocks = decision.blocks("equality_duty")
    assert [(b.is_list, len(b.passages)) for b in blocks] == [
        (False, 1),
        (False, 1),
        (False, 1),
        (True, 3),
        (False, 1),
    ]
    assert blocks[3].lettered
    assert [b.cite for b in blocks] == [False, False, False, False, True]  # 2.7.1, once
    assert all(b.cite for b in decision.blocks("background"))  # 2.4.1, then 2.4.3
    assert blocks[3].paragraph == "2.7.1"
    assert decision.chosen.number == 1
    assert [r.number for r in decision.recommendations] == [1, 2]


# --- The page ---------------------------------------------------------------------------


def test_the_page_shows_the_decision_word_for_word_with_citations(report, user_client):
    page = page_of(user_client)
    recommendations = between(page, 'id="recommendations"', 'id="options"')
    assert "note the Strategy" in recommendations
    assert "endorse the delivery of the actions listed in paragraph 2.3.2" in recommendations
    assert "To demonstrate the Council's commitment and support for the strategy." in (
        recommendations
    )
    for words, paragraph in [
        (FINANCIAL, "2.8.1"),
        (RISK, "2.11.1"),
        (EQUALITY_IMPACT, "2.12.1"),
    ]:
        after = page[page.index(words) + len(words) :][:120]
        assert f"Paragraph {paragraph}</p>" in after, (paragraph, after)
    for words in AIMS + CHARACTERISTICS + passages("social_value") + passages("background"):
        assert words in page, words
    for words in passages("why_change"):
        assert words in page, words
    assert "Paragraph 2.4.1" in page
    assert "Paragraph 2.5.2" in page
    assert "Paragraph 2.7.1" in page


def test_the_options_are_structured_and_the_chosen_one_inset(report, user_client):
    page = page_of(user_client)
    one = between(page, 'id="option-1"', "</section>")
    assert "Chosen" in one
    assert "Existing resources may need to be reallocated" in between(
        one, 'id="option-1-disadvantages"', "</ul>"
    )
    assert "Delivery of these actions provides opportunities for partnership working" in between(
        one, 'id="option-1-advantages"', "</ul>"
    )
    two = between(page, 'id="option-2"', "</section>")
    assert "Chosen" not in two
    assert "no Council resources are required" in between(two, 'id="option-2-advantages"', "</ul>")
    inset = between(page, 'id="chosen-option"', 'id="background"')
    assert "Option 1:" in inset
    assert CHOSEN_WHY in inset
    assert "Paragraph 2.2.2" in inset
    assert "Option 2" not in inset


def test_the_plan_and_the_cabinet_report_link_to_the_decision(report, user_client):
    assert f'href="{URL}"' in page_of(user_client, reverse("plan"))
    assert f'href="{URL}"' in page_of(user_client, reverse("cabinet_report"))


def test_the_pdf_names_the_chosen_option_and_points_to_the_page(report, user_client):
    text = " ".join(pdf_text(user_client.get(reverse("cabinet_report_pdf"))).split())
    assert "The decision" in text
    assert "Cabinet notes the strategy and commits Harrow Council" in text
    assert "Option One is recommended to Cabinet" in text
    assert URL in text.replace(" ", "")


def test_a_plan_without_a_decision_says_so(report, user_client):
    own = StrategyFactory(title="Our own plan")
    page = page_of(user_client, reverse("strategy_decision", args=[own.slug]))
    assert "No decision has been recorded for Our own plan." in page
    assert "Options considered" not in page
    assert "note the Strategy" not in page
    # The 2010 strategy is described by the 2013 report, which did not decide it.
    page = page_of(user_client, reverse("strategy_decision", args=["third-sector-strategy-2010"]))
    assert 'id="no-decision"' in page
    assert CHOSEN_WHY not in page


def test_an_unknown_strategy_is_not_found(user_client):
    assert user_client.get("/strategies/no-such-plan/decision/").status_code == 404


def test_a_decision_recorded_without_a_source_shows_without_recommendations(user_client):
    strategy = StrategyFactory()
    option = DecisionOptionFactory(strategy=strategy, chosen=True, text="Do the thing")
    DecisionOptionPointFactory(option=option, kind="disadvantage", text="It costs money")
    DecisionPassageFactory(strategy=strategy, section="financial", text="Met from budgets")
    page = page_of(user_client, reverse("strategy_decision", args=[strategy.slug]))
    assert 'id="recommendations"' not in page
    assert "Do the thing" in between(page, 'id="chosen-option"', "</div>")
    assert "It costs money" in page
    assert "Met from budgets" in page


def test_a_change_in_the_admin_shows_at_once(report, user_client):
    page_of(user_client)  # kept rendered
    DecisionPassage.objects.filter(section="financial").update(paragraph="2.8.1")
    passage = DecisionPassage.objects.get(section="financial")
    passage.text = "Corrected words"
    passage.save()
    assert "Corrected words" in page_of(user_client)


def test_the_query_count_does_not_grow_with_the_decision(user_client, settings):
    strategy = StrategyFactory()
    url = reverse("strategy_decision", args=[strategy.slug])

    def grow(n):
        for _ in range(n):
            option = DecisionOptionFactory(strategy=strategy)
            DecisionOptionPointFactory.create_batch(2, option=option)
            DecisionOptionPointFactory(option=option, kind="disadvantage")
            for section in ["background", "risk", "characteristics"]:
                DecisionPassageFactory(strategy=strategy, section=section)
                DecisionPassageFactory(strategy=strategy, section=section, is_list_item=True)

    grow(1)
    small = len(queries_for(user_client, url))
    grow(10)
    large = len(queries_for(user_client, url))
    assert small == large
    cached = len(queries_for(user_client, url))
    assert cached < large  # kept rendered until the plan changes


# --- The public site --------------------------------------------------------------------


def test_the_public_site_shows_the_decision_of_a_published_strategy(report, client):
    url = reverse("public_decision", args=[STRATEGY_2013])
    assert client.get(url).status_code == 404  # not published yet
    Strategy.objects.filter(slug=STRATEGY_2013).update(published_at="2026-01-01T00:00Z")
    page = page_of(client, url)
    assert CHOSEN_WHY in page
    assert FINANCIAL in page
    assert "Paragraph 2.11.1" in page
    assert f'href="{reverse("council_actions")}"' not in page  # public links only
    assert reverse("public_council_actions", args=[STRATEGY_2013]) in page
    assert url in page_of(client, reverse("public_strategy", args=[STRATEGY_2013]))


# --- The benchmark ----------------------------------------------------------------------


def test_the_benchmark_measures_the_decision_page(report):
    from benchmarks.management.commands import bench

    assert bench.pick_decision() == STRATEGY_2013
    results = bench.measure(runs=1, pages=["decision"])
    page = results["pages"]["decision"]
    assert page["status"] == 200, page.get("error")
    assert page["queries"] > 0
