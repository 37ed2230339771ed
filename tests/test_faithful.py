"""What Cabinet reads says what the report says: T2.1's sub-points, the words of the proposed
council actions, recommendations cited as the report numbers them, no invented links."""

import pytest
from django.urls import reverse

from actions.models import CouncilAction, StrategyAction, SubPoint
from strategy.models import CorporatePriority, Recommendation
from tests.helpers import pdf_text

pytestmark = pytest.mark.django_db


def words_of_the_report():
    sub_points = list(
        SubPoint.objects.filter(strategy_action__reference="T2.1").values_list("text", flat=True)
    )
    council_actions = list(CouncilAction.objects.values_list("text", flat=True))
    assert sub_points
    assert len(council_actions) == 6
    return sub_points + council_actions


def test_the_cabinet_report_page_carries_the_sub_points_and_council_actions(report, user_client):
    page = user_client.get(reverse("cabinet_report")).content.decode()

    for words in words_of_the_report():
        assert words.replace("'", "&#x27;") in page or words in page, words


def test_the_cabinet_report_pdf_carries_them_too(report, user_client):
    text = " ".join(pdf_text(user_client.get(reverse("cabinet_report_pdf"))).split())

    for words in words_of_the_report():
        assert " ".join(words.split())[:60] in text, words


def test_recommendations_are_cited_as_the_report_numbers_them(report):
    first, second = Recommendation.objects.order_by("number")

    assert first.citation == "Cabinet report, 14 March 2013, section 1, recommendation (1)"
    assert second.citation.endswith("section 1, recommendation (2)")
    assert "paragraph 1" not in first.citation


def test_no_action_is_linked_to_a_priority_the_report_does_not_link_it_to(report, user_client):
    assert not StrategyAction.objects.filter(corporate_priorities__isnull=False).exists()
    page = user_client.get(reverse("dashboard")).content.decode()
    assert "No strategy action is linked to a corporate priority yet." in page

    action = StrategyAction.objects.get(reference="T2.2")
    action.corporate_priorities.add(CorporatePriority.objects.get(number=3))
    page = user_client.get(reverse("dashboard")).content.decode()

    assert "No strategy action is linked to a corporate priority yet." not in page
    assert "Supporting and protecting people who are most in need." in page
