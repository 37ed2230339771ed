"""Social value (issue 15): the Public Services (Social Value) Act 2012's three considerations
on a proposed council action that involves procurement or service agreements, recorded
before a decision to accept it, shown on its page and in the Cabinet report."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import permissions
from actions.models import CouncilAction, Decision
from duties import services
from duties.models import SocialValue
from tests.factories import EqualityAssessmentFactory, SocialValueFactory
from tests.helpers import pdf_text, signed_in

pytestmark = pytest.mark.django_db


def form(version=1, **overrides) -> dict:
    data = {
        "version": str(version),
        "involves_procurement": "yes",
        "wellbeing": "Local jobs for local people",
        "securing": "A social value weighting of 10% in the tender",
        "consultation_needed": "yes",
        "consultation_notes": "With the Forum in the spring",
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer_client(client, world):
    return signed_in(client, world.personas["officer"])


def url_of(council_action) -> str:
    return reverse("council_action_social_value", args=[council_action.pk])


def decide(client, council_action, decision="accepted"):
    council_action.refresh_from_db()
    return client.post(
        reverse("council_action_decision", args=[council_action.pk]),
        {"version": council_action.version, "decision": decision, "reason": "Typed reason"},
    )


def test_recorded_means_all_three_considerations(world):
    record = SocialValueFactory(council_action=world.council_action)
    assert record.involves_procurement
    assert not record.recorded
    record = services.record_social_value(
        council_action=world.council_action,
        changed_by=world.personas["officer"],
        expected_version=record.version,
        wellbeing="Jobs",
        securing="Tender weighting",
        consultation_needed=False,
    )
    assert record.recorded
    assert record.version == 2
    assert record.updated_by == world.personas["officer"]
    history = list(record.history.all())
    assert len(history) == 2
    assert history[0].history_user == world.personas["officer"]


def test_a_stale_version_is_refused(world):
    SocialValueFactory(council_action=world.council_action)
    with pytest.raises(services.StaleEdit):
        services.record_social_value(
            council_action=world.council_action,
            changed_by=world.personas["officer"],
            expected_version=7,
            wellbeing="Jobs",
        )
    assert SocialValue.objects.get().wellbeing == ""


def test_the_model_refuses_nothing_it_should_not(world):
    """Partial answers are kept (an officer may set the flag first); text that is too long is
    refused by the form, and the model's own checks still hold."""
    record = SocialValueFactory(council_action=world.council_action, wellbeing="Jobs")
    assert record.wellbeing == "Jobs"
    with pytest.raises(ValidationError):
        SocialValue(council_action=world.council_action).full_clean()  # one per action


def test_who_may_record(world):
    people = world.personas
    may = permissions.can_record_social_value
    assert may(people["officer"], world.council_action)
    assert may(people["officer_above"], world.council_action)
    assert may(people["admin"], world.council_action)
    for other in ("officer_other", "coordinator", "forum_member", "cabinet", "no_role"):
        assert not may(people[other], world.council_action), other


def test_an_officer_records_them_and_the_page_shows_them(officer_client, world):
    response = officer_client.post(url_of(world.council_action), form())
    assert response.status_code == 302
    assert response["Location"].endswith("#social-value")
    page = officer_client.get(world.council_action.get_absolute_url()).content.decode()
    assert "Local jobs for local people" in page
    assert "A social value weighting of 10% in the tender" in page
    assert "With the Forum in the spring" in page
    assert "History of the social value considerations" in page


def test_bad_input_comes_back_with_the_error_and_what_was_typed(officer_client, world):
    cases = [
        (form(wellbeing="w" * 3001), "How it may improve the area’s wellbeing must be 3,000"),
        (form(securing="s" * 3001), "How the benefit can be secured must be 3,000"),
        (form(involves_procurement=""), "Say whether it involves procurement"),
        (form(consultation_needed="perhaps"), "Select a valid choice"),
        (form(version="99999999999999999999999"), None),
    ]
    for data, message in cases:
        response = officer_client.post(url_of(world.council_action), data)
        assert response.status_code in (200, 409), data
        page = response.content.decode()
        if message:
            assert message.replace("’", "&#x27;") in page or message in page, message
        assert "With the Forum in the spring" in page
    assert not SocialValue.objects.exists()


def test_a_stale_save_is_refused_keeping_what_was_typed(officer_client, world):
    SocialValueFactory(council_action=world.council_action)
    response = officer_client.post(url_of(world.council_action), form(version=0))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else has just changed these considerations" in page
    assert "Local jobs for local people" in page
    assert officer_client.post(url_of(world.council_action), form(version=1)).status_code == 302


def test_accepting_waits_until_they_are_recorded(officer_client, world):
    council_action = world.council_action
    SocialValueFactory(council_action=council_action, wellbeing="Jobs only")
    response = decide(officer_client, council_action)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Record the social value considerations before accepting" in page
    hint = page[page.index('id="id_decision_hint"') : page.index('id="id_decision_1_error"')]
    assert f'href="{url_of(council_action)}"' in hint
    assert "Typed reason" in page
    council_action.refresh_from_db()
    assert council_action.decision == ""

    assert officer_client.post(url_of(council_action), form(version=1)).status_code == 302
    assert decide(officer_client, council_action).status_code == 302
    council_action.refresh_from_db()
    assert council_action.decision == Decision.ACCEPTED


def test_both_duties_are_named_when_both_are_missing(officer_client, world):
    SocialValueFactory(council_action=world.council_action)
    EqualityAssessmentFactory(council_action=world.council_action, affects_groups=True)
    page = decide(officer_client, world.council_action).content.decode()
    assert "Record the social value considerations before accepting" in page
    assert "Record the equality impact assessment before accepting" in page


def test_without_procurement_accepting_goes_ahead(officer_client, world):
    SocialValueFactory(council_action=world.council_action, involves_procurement=False)
    assert decide(officer_client, world.council_action).status_code == 302


def test_the_cabinet_report_has_a_short_section(client, world, report):
    recorded, waiting = CouncilAction.objects.in_current_plans()[:2]
    SocialValueFactory(
        council_action=recorded, wellbeing="Jobs", securing="Tender", consultation_needed=True
    )
    SocialValueFactory(council_action=waiting)
    cabinet = signed_in(client, world.personas["cabinet"])
    page = cabinet.get(reverse("cabinet_report")).content.decode()
    assert 'id="social-value"' in page
    assert "considerations recorded; community consultation needed" in page
    assert "considerations not yet recorded" in page
    assert f"{waiting.get_absolute_url()}#social-value" in page
    text = pdf_text(cabinet.get(reverse("cabinet_report_pdf")))
    assert "Social value" in text
    assert "considerations not yet recorded" in text
