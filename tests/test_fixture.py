"""The seed fixture of the Cabinet report of 14 March 2013: counts, words and reloading.

Every record in ``fixtures/cabinet_report_2013*.json`` (the plan, then one file per later
part of the seed) is taken word for word from the report and cites it. The fixture uses
natural keys only, so loading it again updates the same rows and never touches rows people
added later.
"""

import json
import re

import pytest
from django.apps import apps
from django.conf import settings

from accounts.models import Partner
from actions.models import (
    ActionPartner,
    ActionPriority,
    CouncilAction,
    ExistingActivity,
    StrategyAction,
    SubPoint,
)
from duties.models import EqualityAssessment, ProtectedCharacteristic
from risks.models import Risk, RiskMitigation
from strategy.models import (
    Cited,
    CorporatePriority,
    DecisionOption,
    DecisionOptionPoint,
    DecisionPassage,
    Recommendation,
    SourceDocument,
    Strategy,
    StrategyElement,
)
from strategy.seed import fixture_files, load_report
from themes.models import PartnershipExample, Theme

FIXTURES_DIR = settings.BASE_DIR / "fixtures"
FIXTURE_FILE = FIXTURES_DIR / "cabinet_report_2013.json"  # the plan: the first file
REPORT_FILE = (
    settings.BASE_DIR.parent
    / "shared"
    / "source"
    / "cabinet-report-2013-03-14-third-sector-strategy.txt"
)
SOURCE_SLUG = "cabinet-2013-03-14-third-sector-strategy"
STRATEGY_2013 = "third-sector-strategy-2013"

EXPECTED_COUNTS = {
    SourceDocument: 1,
    Recommendation: 2,
    CorporatePriority: 3,
    Partner: 11,
    Strategy: 3,
    StrategyElement: 3,
    Theme: 5,
    PartnershipExample: 6,
    StrategyAction: 4,
    SubPoint: 3,
    ActionPartner: 4,
    ActionPriority: 0,  # the report ties the priorities to the strategy, not to actions
    ExistingActivity: 4,
    CouncilAction: 6,
    # The decision, whole (issue 15): fixtures/cabinet_report_2013_decision.json
    DecisionOption: 2,
    DecisionOptionPoint: 7,
    DecisionPassage: 31,
    # Equality (issue 15, fixtures/cabinet_report_2013_equality.json): the nine protected
    # characteristics of 2.7.1 and the Forum's assessment of the strategy (2.12.1).
    ProtectedCharacteristic: 9,
    EqualityAssessment: 1,
    Risk: 1,  # 2.11.1's main risk, at strategy level (issue 15)
    RiskMitigation: 2,  # ... and its two mitigations
}

STRATEGY_ACTIONS = {
    "T1.1": (
        "Organise a joint media campaign between partners to raise awareness of the new "
        "Community Right to Challenge, Build, Bid and Buy and similar schemes as they "
        "become available."
    ),
    "T2.1": (
        "Engage with statutory partners to review their commissioning plans with a view "
        "to these including:"
    ),
    # The stray quote after "services" is the report's own.
    "T2.2": (
        "Create skill development opportunities for the unemployed and volunteers, "
        "linking these to gaps in services'."
    ),
    "T2.3": (
        "Sector wide consultation on options to create a more sustainable and effective "
        "Third Sector and later establish new joint working structures for infrastructure "
        "support."
    ),
}

T21_SUB_POINTS = [
    "A means of identifying and responding to service gaps and emerging need",
    "A review of current procurement policy",
    "Requirement for SLA beneficiaries to provide plans for sharing expertise around "
    "sustainability across sector.",
]

COUNCIL_ACTIONS = {
    "T1.1a": (
        "In response to the action identified in the strategy Harrow Council will explore "
        "further opportunities for raising awareness of Community Rights and similar "
        "initiatives."
    ),
    "T2.1a": (
        "Further opportunities are identified for joint consultation and engagement to "
        "discuss commissioning plans and data sharing."
    ),
    "T2.1b": (
        "A review of the implementation of the Council's Sustainable Procurement Policy "
        "is undertaken."
    ),
    "T2.1c": (
        "Service Level Agreement (SLA) requirements are reviewed and consideration given "
        "to the inclusion of requirements to share information and expertise."
    ),
    "T2.2a": (
        "In response to the action identified in the strategy and building on current "
        "activity the Council will explore further options for developing joint, "
        "sector-specific initiatives to develop skills for the unemployed and volunteers."
    ),
    "T2.3a": (
        "The Council will continue to provide support to the Third Sector in undertaking "
        "consultation and developing a delivery model for providing infrastructure services."
    ),
}

PERSONAL_NAMES = ["Najsarek", "Perry", "Takhar", "Hampson", "Farmer", "Harrington", "Edwards"]

# Fields whose values are references rather than the report's words.
NOT_WORDS = {"slug", "paragraph", "responsible_unit_paragraph"}


@pytest.fixture
def report():
    """Load the seed by name, as `manage.py loaddata cabinet_report_2013 ...` does."""
    load_report()


def fixture_records():
    """Every record of every file of the seed, the plan's first."""
    return [record for path in fixture_files() for record in json.loads(path.read_text("utf-8"))]


def normalise(text):
    """The report's words without markdown: no bullets, list numbers or `*`, one space."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\s*-\s+", "", line)
        line = re.sub(r"^\s*\((?:\d+|[ivx]+|[a-z])\)\s+", "", line)
        lines.append(line)
    return re.sub(r"\s+", " ", " ".join(lines).replace("*", "")).strip()


def counts():
    return {model: model.objects.count() for model in EXPECTED_COUNTS}


def primary_keys():
    return {
        model: {obj.natural_key(): obj.pk for obj in model.objects.all()}
        for model in EXPECTED_COUNTS
    }


def cited_models():
    return [m for m in apps.get_models() if issubclass(m, Cited) and not m._meta.abstract]


@pytest.mark.django_db
def test_counts_of_each_model(report):
    assert counts() == EXPECTED_COUNTS
    assert Strategy.objects.get(slug=STRATEGY_2013).corporate_priorities.count() == 3


def test_fixture_uses_natural_keys_only():
    records = fixture_records()
    assert records
    assert all("pk" not in record for record in records)
    assert records[0]["model"] == "strategy.sourcedocument"


@pytest.mark.django_db
def test_source_document(report):
    doc = SourceDocument.objects.get(slug=SOURCE_SLUG)
    assert doc.title == "Third Sector Strategy"
    assert str(doc.meeting_date) == "2013-03-14"
    assert doc.responsible_officer_role == "Corporate Director of Community Health and Wellbeing"
    assert doc.subject_to_call_in
    assert not doc.key_decision
    assert not doc.exempt
    assert doc.decision == ""
    assert doc.summary == (
        "This report sets out the background to the new Third Sector Strategy and "
        "identifies potential actions for Harrow Council."
    )


@pytest.mark.django_db
def test_strategies_and_themes(report):
    strategy = Strategy.objects.get(slug=STRATEGY_2013)
    assert strategy.vision == "Optimise social capital in Harrow"
    assert strategy.supersedes.slug == "third-sector-strategy-2010"
    assert strategy.adopted_on_display == "14 March 2013"
    assert Strategy.objects.get(slug="third-sector-strategy-2010").adopted_on_display == (
        "March 2010"
    )
    titles = dict(strategy.themes.values_list("number", "title"))
    assert titles == {1: "Public Engagement", 2: "Strengthening Support"}
    assert not Theme.objects.filter(strategy=strategy, number=3).exists()
    assert strategy.stated_theme_count == 3


@pytest.mark.django_db
def test_strategy_actions_sub_points_and_council_actions(report):
    actions = dict(StrategyAction.objects.values_list("reference", "text"))
    assert actions == STRATEGY_ACTIONS
    sub_points = SubPoint.objects.filter(strategy_action__reference="T2.1").order_by("position")
    assert [s.text for s in sub_points] == T21_SUB_POINTS
    council = dict(CouncilAction.objects.values_list("reference", "text"))
    assert council == COUNCIL_ACTIONS
    assert {a.responsible_unit.slug for a in CouncilAction.objects.all()} == {
        "community-health-and-wellbeing"
    }
    assert {a.status for a in CouncilAction.objects.all()} == {"not_started"}
    assert set(ActionPartner.objects.values_list("partner__slug", "role")) == {
        ("third-sector-forum", "lead")
    }


@pytest.mark.django_db
def test_existing_activity(report):
    activity = ExistingActivity.objects.get(strategy_action__reference="T2.3")
    assert activity.text == (
        "The Council is currently supporting the Third Sector in undertaking consultation "
        "on its ongoing and future support needs. Through this engagement activity the "
        "Council is also assisting the Third Sector in developing a local delivery "
        "mechanism for the future provision of support services."
    )


@pytest.mark.django_db
def test_sentences_split_by_page_breaks_are_joined(report):
    example = PartnershipExample.objects.get(theme__number=2, position=2)
    assert "This has been provided in response to the sector's need for ongoing" in example.text
    activity = ExistingActivity.objects.get(strategy_action__reference="T2.1")
    assert "This includes for example the Let's Talk campaign" in activity.text
    assert "\n" not in example.text + activity.text


@pytest.mark.django_db
def test_havs_has_closed(report):
    havs = Partner.objects.get(slug="havs")
    assert havs.name == "Harrow Association of Voluntary Service"
    assert havs.short_name == "HAVS"
    assert not havs.is_active


@pytest.mark.django_db
def test_every_cited_record_cites_the_report(report):
    doc = SourceDocument.objects.get(slug=SOURCE_SLUG)
    models = cited_models()
    assert set(EXPECTED_COUNTS) - {SourceDocument} <= set(models)
    for model in models:
        for obj in model.objects.all():
            assert obj.source_id == doc.pk, obj
            assert obj.paragraph.strip(), obj
    cited_labels = {m._meta.label_lower for m in models}
    for record in fixture_records():
        if record["model"] in cited_labels:
            assert record["fields"]["source"] == [SOURCE_SLUG], record
            assert record["fields"]["paragraph"].strip(), record


def test_words_are_the_reports_own():
    if not REPORT_FILE.exists():
        pytest.skip(f"The source report is not beside the project: {REPORT_FILE}")
    source = normalise(REPORT_FILE.read_text(encoding="utf-8"))
    checked = 0
    for record in fixture_records():
        for name, value in record["fields"].items():
            if not isinstance(value, str) or name in NOT_WORDS:
                continue
            if name == "description":
                # A description may gather sentences the report gives in more than one place.
                for sentence in re.split(r"(?<=\.) ", value):
                    assert sentence in source, (record["model"], sentence)
                    checked += 1
            elif name in {"text", "vision"} or len(value) > 30:
                assert normalise(value) == value, (record["model"], name, value)
                assert value in source, (record["model"], name, value)
                checked += 1
    assert checked > 30


@pytest.mark.django_db
def test_loading_twice_changes_nothing(report):
    before_counts, before_pks = counts(), primary_keys()
    load_report()
    assert counts() == before_counts == EXPECTED_COUNTS
    assert primary_keys() == before_pks


@pytest.mark.django_db
def test_loading_again_keeps_what_people_added(report):
    strategy = Strategy.objects.get(slug=STRATEGY_2013)
    added = Theme.objects.create(strategy=strategy, number=3, title="A theme added later")
    load_report()
    added.refresh_from_db()
    assert added.title == "A theme added later"
    assert added.source is None
    assert Theme.objects.filter(strategy=strategy).count() == 3
    assert counts() == {**EXPECTED_COUNTS, Theme: EXPECTED_COUNTS[Theme] + 1}


def test_no_personal_names():
    for path in fixture_files():
        text = path.read_text(encoding="utf-8")
        for name in PERSONAL_NAMES:
            assert name not in text, path.name


@pytest.mark.django_db
def test_the_decisions_passages(report):
    """Issue 15: the option chosen and why, the financial implications and the main risk,
    word for word, each with its paragraph."""
    passages = {
        p.paragraph: p.text
        for p in DecisionPassage.objects.filter(strategy__slug=STRATEGY_2013)
        if p.paragraph != "2.7.1"
    }
    assert passages["2.2.2"] == (
        "Option One is recommended to Cabinet so that the Council can demonstrate its "
        "pro-active support to the strategy and its ongoing commitment to the Third Sector."
    )
    assert passages["2.8.1"] == (
        "The resources required to implement the actions identified in this report will be "
        "met from within existing resources. There are no other implications on the Medium "
        "Term Financial Strategy (MTFS)."
    )
    assert passages["2.11.1"].startswith(
        "The main risk associated with this decision is that the Council is unable to deliver "
        "the proposed actions due to the ongoing pressure on resources. This risk is mitigated "
        "in a number of ways; (1) some of these actions are currently underway"
    )
    assert set(passages) == {
        "2.2.1", "2.2.2", "2.4.1", "2.4.3", "2.5.1", "2.5.2", "2.8.1", "2.10.1", "2.11.1",
        "2.12.1",
    }  # fmt: skip
    chosen = DecisionOption.objects.get(strategy__slug=STRATEGY_2013, chosen=True)
    assert chosen.number == 1
    considerations = DecisionPassage.objects.filter(
        section="social_value", is_list_item=True
    ).order_by("position")
    assert [c.text for c in considerations] == [
        "How what is proposed to be procured may improve the economic, social and "
        "environmental wellbeing of its area",
        "How that benefit can be secured through the process of procurement and",
        "Whether the Council needs to undertake any community consultation",
    ]
