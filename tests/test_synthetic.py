"""The synthetic plan for benchmarks (seed_synthetic) and the benchmark's measuring (bench)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from actions.models import CouncilAction, ProgressUpdate, StrategyAction
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
    assert set(StrategyAction.objects.annotate(n=Count("updates")).values_list("n", flat=True)) == {
        3
    }
    assert StrategyAction.objects.values("theme__strategy").distinct().count() == 1
    assert "progress updates" in out
    assert "Seeded in" in out
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
