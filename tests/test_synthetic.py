"""The synthetic plan for benchmarks (seed_synthetic) and the benchmark's measuring (bench)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from actions.models import CouncilAction, ProgressUpdate, ReviewState, StrategyAction
from actions.status import Status
from benchmarks import synthetic
from benchmarks.management.commands import bench

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def seed_30(capsys):
    call_command("seed_synthetic", "--actions", "30", "--updates-per-action", "3")
    return capsys.readouterr().out


def test_seed_creates_the_expected_counts(debug, capsys):
    out = seed_30(capsys)

    assert StrategyAction.objects.count() == 30
    assert ProgressUpdate.objects.count() == 90
    assert CouncilAction.objects.exists()
    approved = Count("updates", filter=Q(updates__review_state=ReviewState.APPROVED))
    assert set(StrategyAction.objects.annotate(n=approved).values_list("n", flat=True)) == {3}
    # One action in 50 also has an update waiting for review (the first of these 30).
    waiting = ProgressUpdate.all_records.filter(review_state=ReviewState.SUBMITTED)
    assert waiting.count() == 1
    assert StrategyAction.objects.values("theme__strategy").distinct().count() == 1
    assert "progress updates" in out
    assert "Seeded in" in out
    # Milestones (issue 13): some done, some overdue, each owned by its action's lead partner.
    from actions.models import Milestone

    assert "milestones" in out
    assert Milestone.objects.filter(done_on__isnull=False).exists()
    assert (
        Milestone.objects.filter(
            strategy_action__isnull=False,
            owner__action_roles__strategy_action=F("strategy_action"),
            owner__action_roles__role="lead",
        ).count()
        == Milestone.objects.filter(strategy_action__isnull=False).count()
    )
    # Risks (issue 15): one for every 20 actions (at least two), each with two mitigations and
    # four reviews, scored as save() would score them, unless not yet scored.
    from risks.models import Risk, RiskMitigation, RiskReview

    assert "risks" in out
    risks = Risk.objects.filter(strategy__slug__startswith="synthetic-")
    assert risks.count() == 2
    assert RiskMitigation.objects.filter(risk__in=risks).count() == 4
    assert RiskReview.objects.filter(risk__in=risks).count() == 8
    for risk in risks:
        scored = risk.score
        risk.save()
        assert risk.score == scored
        risk.full_clean()
    # Synthetic Forum members, in that role, wrote the updates.
    authors = User.objects.filter(progressupdates__isnull=False).distinct()
    assert authors.exists()
    assert all(author.groups.get().name == Role.FORUM_MEMBER for author in authors)


def test_each_action_stands_where_its_latest_update_left_it(debug, capsys):
    seed_30(capsys)

    statuses = set()
    for action in StrategyAction.objects.all():
        newest = action.updates.order_by("-created_at", "-pk").first()
        assert action.last_update_id == newest.pk
        assert (action.status, action.percent_complete) == (
            newest.status,
            newest.percent_complete,
        )
        statuses.add(action.status)
    assert len(statuses) > 1  # varied, not all the same
    for council_action in CouncilAction.objects.all():
        newest = council_action.inputs.order_by("-created_at", "-pk").first()
        if newest is None:
            assert council_action.last_input_id is None
            assert council_action.status == Status.NOT_STARTED
        else:
            assert council_action.last_input_id == newest.pk
            assert council_action.status == newest.status


def test_each_action_has_the_history_the_services_would_have_left(debug, capsys):
    seed_30(capsys)
    action = StrategyAction.objects.select_related("last_update").first()

    made, changed = action.history.order_by("history_date")
    assert (made.history_type, made.status, made.percent_complete) == ("+", "not_started", 0)
    assert (changed.history_type, changed.status) == ("~", action.status)
    assert changed.history_date == action.last_update.created_at
    assert made.history_date < action.updates.order_by("created_at").first().created_at
    assert CouncilAction.history.filter(history_type="+").count() == CouncilAction.objects.count()
    seed_30(capsys)  # a second plan records its own history, not the first plan's again
    assert action.history.count() == 2


def test_running_twice_adds_a_second_plan(debug, capsys):
    seed_30(capsys)
    seed_30(capsys)

    assert StrategyAction.objects.count() == 60
    assert ProgressUpdate.objects.count() == 180
    assert StrategyAction.objects.values("theme__strategy").distinct().count() == 2


def test_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run when DEBUG is off"):
        call_command("seed_synthetic", "--actions", "2", "--updates-per-action", "1")
    assert not StrategyAction.objects.exists()

    call_command("seed_synthetic", "--actions", "2", "--updates-per-action", "1", "--force")
    assert StrategyAction.objects.count() == 2


def test_bench_measures_the_plan_with_its_query_count():
    synthetic.seed(actions=5, updates_per_action=2)

    results = bench.measure(runs=1, pages=["plan"])

    plan = results["pages"]["plan"]
    assert plan["status"] == 200
    assert plan["queries"] > 0
    assert plan["median_ms"] > 0


def test_bench_reports_a_failing_page_instead_of_crashing():
    synthetic.seed(actions=2, updates_per_action=1)
    client = Client(raise_request_exception=False)
    client.force_login(bench.bench_user())
    with bench._measuring() as errors:
        page = bench.measure_page(client, "/no-such-page/", runs=1, slow_seconds=30, errors=errors)
    assert page["status"] == 404
    assert bench._cell_queries(page) == "error: 404"


def test_bench_measure_command_saves_results_and_reports_them(tmp_path, capsys):
    synthetic.seed(actions=5, updates_per_action=2)
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"meta": {}, "runs": []}))

    call_command("bench", "--measure", "--pages", "plan", "--runs", "1", "--results", str(results))

    run = json.loads(results.read_text())["runs"][0]
    assert run["size"] == 5
    assert run["pages"]["plan"]["queries"] > 0
    assert "| Plan (`/plan/`) |" in bench.render_table([run])


def test_bench_report_keeps_a_hand_written_section(tmp_path):
    synthetic.seed(actions=3, updates_per_action=1)
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"meta": {}, "runs": []}))
    call_command("bench", "--measure", "--pages", "plan", "--runs", "1", "--results", str(results))
    data = json.loads(results.read_text())
    data["meta"] = {
        "command": "make bench",
        "date": "today",
        "database_url": "sqlite:///bench.sqlite3",
        "database_reason": "test",
        "machine": bench.machine_description(),
        "updates": 1,
        "seed": 0,
        "runs": 1,
        "pdf_runs": 1,
    }
    results.write_text(json.dumps(data))
    output = tmp_path / "benchmarks.md"
    output.write_text("# Old figures\n\n## Reading these figures (added by hand)\n\nOur notes.\n")

    call_command("bench", "--report", "--results", str(results), "--output", str(output))

    text = output.read_text()
    assert "Old figures" not in text
    assert "| Plan (`/plan/`) |" in text
    assert text.endswith("## Reading these figures (added by hand)\n\nOur notes.\n")


def _run(size: int, ms: dict[str, float], queries: dict[str, int] | None = None) -> dict:
    """A measured size as bench saves it: every page answered, with these medians."""
    pages = {}
    for key, label, path in bench.PAGES:
        median = ms.get(key, 10.0)
        pages[key] = {"label": label, "path": path, "status": 200, "median_ms": median}
        pages[key]["queries"] = (queries or {}).get(key, 12)
    return {"size": size, "pages": pages, "database": {"vendor": "postgresql"}}


def test_bench_judges_a_page_rendered_afresh_flat_or_growing():
    flat = bench._flat_verdict([_run(1000, {"plan_cold": 60}), _run(50_000, {"plan_cold": 85})])
    grows = bench._flat_verdict(
        [_run(1000, {"changes_cold": 70}), _run(50_000, {"changes_cold": 400})]
    )
    noise = bench._flat_verdict([_run(1000, {"action_cold": 4}), _run(50_000, {"action_cold": 13})])

    assert "met — " in flat
    assert "Plan, first request after a change 60.0 → 85.0 ms" in flat
    assert "not met" in grows
    assert "grows: Changes, first request after a change 70.0 → 400" in grows
    assert "not met" not in noise  # 4 → 13 ms is within the 10 ms of slack


def test_bench_counts_fewer_queries_at_scale_as_no_growth():
    runs = [
        _run(1000, {}, {"plan_cold": 27}),
        _run(10_000, {}, {"plan_cold": 25}),
        _run(50_000, {}, {"plan_cold": 25}),
    ]
    (line,) = [x for x in bench._verdicts(runs) if "more queries" in x]
    assert "met" in line
    assert "not met" not in line
    assert "fewer at scale for Plan, first request after a change (27 → 25 → 25)" in line

    runs[2]["pages"]["search_cold"]["queries"] = 40
    (line,) = [x for x in bench._verdicts(runs) if "more queries" in x]
    assert "not met" in line
    assert "more at scale for Search, first request after a change" in line
