"""`manage.py load_demo`: a lived-in tracker on top of the report, every record marked demo."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actions.models import CouncilAction, CouncilInput, ProgressUpdate, ReviewState, StrategyAction
from demo import loader
from monitoring.models import MonitoringRound
from reports.models import CabinetReport
from strategy.models import DemoProgress
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 5)


@pytest.fixture
def demo_ready(db, settings):
    settings.DEBUG = True
    # As make demo does: the report loaded by its command, which records each record's first
    # history row, then the demo accounts.
    call_command("load_cabinet_report", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)


@pytest.fixture
def demo(demo_ready, django_capture_on_commit_callbacks):
    # The reports' PDFs are made once each step commits (the test's transaction never does).
    with django_capture_on_commit_callbacks(execute=True):
        return loader.load(today=TODAY)


def test_refused_when_debug_is_off(report, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run when DEBUG is off"):
        call_command("load_demo")
    assert not DemoProgress.objects.exists()
    assert not ProgressUpdate.all_records.exists()


def test_refused_without_the_report(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="Load the Cabinet report first"):
        call_command("load_demo")


def test_refused_without_the_demo_accounts(report, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="create_demo_accounts"):
        call_command("load_demo")
    assert not MonitoringRound.objects.exists()


def test_running_again_adds_nothing(demo, capsys):
    updates = ProgressUpdate.all_records.count()
    call_command("load_demo")
    assert "already loaded: nothing was added" in capsys.readouterr().out
    assert ProgressUpdate.all_records.count() == updates
    assert DemoProgress.objects.count() == 1


def test_a_year_of_quarterly_rounds_three_closed_and_one_open(demo):
    rounds = list(MonitoringRound.objects.order_by("period_start"))
    assert [r.period_start for r in rounds] == [
        datetime.date(2026, 1, 1),
        datetime.date(2026, 4, 1),
        datetime.date(2026, 7, 1),
        datetime.date(2026, 10, 1),
    ]
    assert [r.state for r in rounds] == ["closed", "closed", "closed", "open"]
    assert all(r.name.startswith("Demo: ") for r in rounds)
    # Dated as the story says, not today.
    assert rounds[0].opened_at.date() == datetime.date(2026, 1, 2)
    assert rounds[0].closed_at.date() == datetime.date(2026, 4, 15)
    assert rounds[-1].due_date >= TODAY


def test_updates_and_input_are_dated_in_their_rounds_and_marked_demo(demo):
    for update in ProgressUpdate.all_records.select_related("round"):
        assert update.narrative.startswith("Demo: ")
        assert update.round.period_start <= update.created_at.date() <= update.round.due_date
        history = update.history.order_by("history_date")
        assert all(row.history_date.date() < TODAY for row in history)
    for council_input in CouncilInput.all_records.select_related("round"):
        assert council_input.commentary.startswith("Demo: ")
        assert council_input.round is not None


def test_the_plan_stands_where_the_latest_approved_records_leave_it(demo):
    t23 = StrategyAction.objects.get(reference="T2.3")
    assert (t23.status, t23.percent_complete) == ("completed", 100)
    t11 = StrategyAction.objects.get(reference="T1.1")
    # Its update in the open round waits for the coordinator: the third round's status still
    # counts, and its percent is taken from its milestones (3 of 5 done).
    assert (t11.status, t11.percent_complete) == ("at_risk", 60)
    waiting = ProgressUpdate.all_records.get(strategy_action=t11, round__state="open")
    assert waiting.review_state == ReviewState.SUBMITTED
    t21b = CouncilAction.objects.get(reference="T2.1b")
    assert (t21b.status, t21b.percent_complete) == ("off_track", 25)
    decided = CouncilAction.objects.get(reference="T2.1c")
    assert decided.decision == "accepted"
    assert decided.decision_reason.startswith("Demo: ")


def test_a_cabinet_report_after_each_closed_round_with_its_pdf(demo):
    reports = list(CabinetReport.objects.order_by("created_at"))
    assert len(reports) == 3
    assert all(r.title.startswith("Demo: Cabinet progress report") for r in reports)
    assert all(r.pdf for r in reports)
    assert [r.round.period_start.month for r in reports] == [1, 4, 7]
    # Each compares with the one before, so "what changed" reads as a story.
    assert reports[1].compared_with == reports[0]


def test_every_page_says_demo_records_are_here(demo, client, django_user_model):
    reader = django_user_model.objects.get(username="cabinet")
    signed_in(client, reader)
    for url in ["/plan/", "/dashboard/", f"/actions/{StrategyAction.objects.first().pk}/"]:
        body = client.get(url).content.decode()
        assert "This tracker holds demo progress" in body, url


def test_no_demo_banner_without_demo_progress(report, user_client):
    assert "This tracker holds demo progress" not in user_client.get("/plan/").content.decode()


def test_quarters_keep_the_open_round_three_weeks_old():
    assert loader.quarters(datetime.date(2026, 10, 10))[-1] == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 9, 30),
    )
    # Across a new year: the quarter three weeks back opened on 1 January.
    assert loader.quarters(datetime.date(2027, 1, 30))[0] == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
    )
    assert loader.quarters(datetime.date(2027, 1, 30))[-1][0] == datetime.date(2027, 1, 1)


def test_the_cabinet_reports_pdf_says_it_holds_demo_progress(demo):
    from pypdf import PdfReader

    report = CabinetReport.objects.order_by("created_at").first()
    with report.pdf.open("rb") as pdf:
        first_page = PdfReader(pdf).pages[0].extract_text()
    assert "this tracker holds demo progress" in " ".join(first_page.split())


def test_a_discussion_between_the_forum_and_the_council(demo):
    from discussion.models import Comment

    thread = list(Comment.objects.order_by("created_at").select_related("author"))
    assert [c.author.username for c in thread] == ["forum", "officer", "forum"]
    assert all(c.body.startswith("Demo: ") for c in thread)
    assert thread[0].created_at < thread[1].created_at < thread[2].created_at
    assert thread[-1].created_at.date() < TODAY


def test_milestones_one_overdue_and_a_percent_taken_from_them(demo):
    from actions.models import Milestone

    t11 = StrategyAction.objects.get(reference="T1.1")
    assert t11.percent_from_milestones
    assert (t11.milestones.filter(done_on__isnull=False).count(), t11.milestones.count()) == (3, 5)
    assert t11.percent_complete == 60
    overdue = Milestone.objects.filter(done_on__isnull=True, due_date__lt=TODAY)
    assert {m.title for m in overdue} == {
        "Demo: Drop-in sessions held at the library",
        "Demo: Funding secured for the skills programme",
    }
    assert all(m.title.startswith("Demo: ") for m in Milestone.objects.all())
    assert Milestone.objects.filter(council_action__reference="T2.1a").count() == 2


def test_an_evidence_file_on_an_update_checked_as_an_upload_is(demo):
    from evidence.models import EvidenceFile

    (evidence,) = EvidenceFile.objects.all()
    assert evidence.name == "Demo_consultation_options_summary.pdf"  # the name cleaned
    assert evidence.content_type == "application/pdf"
    assert evidence.progress_update.strategy_action.reference == "T2.3"
    assert evidence.uploaded_at.date() < TODAY
    with evidence.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"


def test_indicators_with_a_value_each_round_the_latest_waiting_for_review(demo):
    from indicators.models import Indicator, IndicatorValue

    indicators = list(Indicator.objects.order_by("name"))
    assert len(indicators) == 2
    assert all(i.name.startswith("Demo: ") for i in indicators)
    values = IndicatorValue.all_records.filter(indicator__in=indicators)
    assert values.count() == 8
    # One value in each round, as the rounds were open when each was recorded.
    assert sorted(values.values_list("round__period_start__month", flat=True)) == [
        1, 1, 4, 4, 7, 7, 10, 10
    ]  # fmt: skip
    assert set(values.filter(round__state="open").values_list("review_state", flat=True)) == {
        ReviewState.SUBMITTED
    }
    assert IndicatorValue.objects.filter(indicator__in=indicators).count() == 6  # approved
    skills = Indicator.objects.get(name__contains="skills programme")
    assert list(skills.strategy_actions.values_list("reference", flat=True)) == ["T2.2"]


def test_the_reports_own_history_comes_before_the_story(demo):
    t22 = StrategyAction.objects.get(reference="T2.2")
    rows = list(t22.history.order_by("history_date", "history_id"))
    assert rows[0].history_type == "+"  # loaded from the report
    assert rows[0].history_date.date() == datetime.date(2025, 12, 31)
    # Newest last: where the action stands now, not the report's "not started".
    assert (rows[-1].status, rows[-1].percent_complete) == (t22.status, t22.percent_complete)


def test_refused_on_a_tracker_that_already_has_progress(demo_ready, world):
    from tests.factories import ProgressUpdateFactory

    ProgressUpdateFactory(strategy_action=world.action, author=world.personas["forum_member"])
    with pytest.raises(CommandError, match="report alone"):
        call_command("load_demo")
    assert not DemoProgress.objects.exists()
