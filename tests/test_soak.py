"""The soak (issue 16, `make soak`): its statistics, judging and report, and one short real run.

The short run starts gunicorn with production settings on loopback against a database of its
own (a SQLite file, or on PostgreSQL a database named after the test run's with "_soaktest"),
signs virtual people in through the form and lets them post for a few seconds, as `make soak`
does for ten minutes.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.conf import settings
from requests.cookies import create_cookie
from requests.sessions import Session

from benchmarks import soak
from benchmarks.management.commands import soak as soak_command


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))  # 1 … 100

    assert soak.percentile(values, 50) == 50
    assert soak.percentile(values, 99) == 99
    assert soak.percentile(values, 100) == 100
    assert soak.percentile([7.0], 99) == 7.0
    assert soak.percentile([3, 1, 2], 50) == 2  # sorted first
    assert soak.percentile([], 50) is None


def sample(kind, status, ms=10.0, measured=True, problem=""):
    return soak.Sample(kind, status, ms, measured, problem)


def test_a_stale_edit_is_a_conflict_and_anything_unexpected_an_error():
    samples = [
        sample("update_post", 302),
        sample("update_post", 409),  # someone else's update approved first: expected
        sample("dashboard", 409),  # not a form: an error
        sample("dashboard", 500),
        sample("plan", None, problem="ConnectionError"),
        sample("plan", 200, measured=False),
        sample("sign_in", 302, measured=False),
        sample("sign_in", 403, measured=False),  # warm-up errors count too
    ]

    summary = soak.summarise(samples, seconds=2)

    assert summary["errors"] == 4
    assert summary["conflicts"] == 1
    assert summary["requests"] == 5
    assert summary["warmup_requests"] == 3
    assert summary["rps"] == 2.5
    assert summary["kinds"]["update_post"]["conflicts"] == 1
    assert summary["kinds"]["update_post"]["errors"] == 0
    assert summary["kinds"]["dashboard"]["errors"] == 2
    assert "sign_in" not in summary["kinds"]  # warm-up only: no latency figures
    assert {e["status"] for e in summary["error_examples"]} == {409, 500, None, 403}


def test_latency_per_kind_uses_measured_samples_only():
    samples = [sample("plan", 200, ms) for ms in range(1, 101)] + [
        sample("plan", 200, 10_000, measured=False)
    ]

    row = soak.summarise(samples, seconds=10)["kinds"]["plan"]

    assert (row["requests"], row["p50_ms"], row["p99_ms"], row["rps"]) == (100, 50, 99, 10)


def test_memory_growth_per_worker_and_a_replaced_worker():
    rows = soak.memory_growth({"10": 100_000, "11": 100_000}, {"10": 105_000, "12": 90_000})

    assert rows == [
        {"pid": 10, "start_kib": 100_000, "end_kib": 105_000, "growth": pytest.approx(0.05)},
        {"pid": 11, "start_kib": 100_000, "end_kib": None, "growth": None},
        {"pid": 12, "start_kib": None, "end_kib": 90_000, "growth": None},
    ]


def result(errors=0, growth_end=105_000, posted=3, found=3, restarts=0):
    return {
        "meta": {"people": {"Cabinet members": 1}, "max_requests": 100},
        "load": {
            "errors": errors,
            "conflicts": 1,
            "requests": 40,
            "warmup_requests": 5,
            "seconds": 5.0,
            "rps": 8.0,
            "p50_ms": 12.0,
            "p99_ms": 80.0,
            "kinds": {
                "plan": {
                    "requests": 40,
                    "errors": errors,
                    "conflicts": 0,
                    "p50_ms": 12.0,
                    "p99_ms": 80.0,
                    "rps": 8.0,
                }
            },
            "error_examples": [],
        },
        "memory": soak.memory_growth({"1": 100_000}, {"1": growth_end}),
        "worker_restarts": restarts,
        "kept": {
            "updates": {
                "label": "Progress updates",
                "posted": posted,
                "found": found,
                "missing": ["soak-x-a-1"] if found < posted else [],
            }
        },
    }


def test_verdicts_meet_the_targets_when_all_is_well():
    verdicts = soak.verdicts(result())

    assert [v["met"] for v in verdicts] == [True, True, True]
    assert soak.passed(result())


@pytest.mark.parametrize(
    ("changes", "missed"),
    [
        ({"errors": 1}, 0),
        ({"restarts": 1}, 0),
        ({"growth_end": 110_001}, 1),  # just over 10 %
        ({"found": 2}, 2),
        ({"posted": 0, "found": 0}, 2),  # nothing posted proves nothing
    ],
)
def test_each_missed_target_fails_the_soak(changes, missed):
    verdicts = soak.verdicts(result(**changes))

    assert [i for i, v in enumerate(verdicts) if not v["met"]] == [missed]
    assert not soak.passed(result(**changes))


def test_exactly_ten_percent_growth_is_within_the_target():
    assert soak.passed(result(growth_end=110_000))


def test_a_failed_run_is_not_met():
    failed = {"meta": {}, "error": "RuntimeError: gunicorn exited"}

    assert not soak.passed(failed)
    assert "gunicorn exited" in soak.render_section(failed)


def test_the_section_replaces_only_its_own_part_of_the_file():
    before = "# Benchmarks\n\nmake bench's figures\n"
    first = soak.replace_section(before, soak.render_section(result()))
    second = soak.replace_section(first + "\n## Later, by hand\n", soak.render_section(result(1)))

    assert first.startswith(before.rstrip("\n"))
    assert first.count(soak.SECTION_START) == 1
    assert second.count(soak.SECTION_START) == second.count(soak.SECTION_END) == 1
    assert "## Later, by hand" in second
    assert "**not met**" in soak.section_of(second)
    assert "make bench's figures" in second


def test_bench_rewriting_the_file_keeps_the_soak_section():
    old = soak.replace_section("# Benchmarks\n\nold figures\n", soak.render_section(result()))

    new = soak.keep_section(old, "# Benchmarks\n\nnew figures\n")

    assert "new figures" in new
    assert "old figures" not in new
    assert soak.section_of(new) == soak.section_of(old)
    assert soak.keep_section(old, new) == new  # already there: unchanged


def test_the_report_gives_each_kind_memory_and_what_was_kept():
    text = soak.render_section(result())

    assert "| Plan | 40 | 8.00 | 12.0 | 80.0 | 0 | 0 |" in text
    assert "97.7 MiB | 102.5 MiB | +5.0% |" in text
    assert "Progress updates: 3 posted" in text


def test_forms_are_read_as_a_browser_would_send_them():
    html = """
    <form method="post" action="/a/">
      <input type="hidden" name="csrfmiddlewaretoken" value="t&amp;k">
      <input type="hidden" name="version" value="7">
      <input type="radio" name="status" value="on_track">
      <input type="radio" name="status" value="at_risk" checked>
      <input type="checkbox" name="milestones_done" value="3">
      <input name="percent_complete" value="40">
      <textarea name="narrative">Kept &lt;text&gt;</textarea>
      <select name="unit"><option value="1">A</option><option value="2" selected>B</option></select>
      <button type="submit" name="submit">Save</button><input type="submit" name="go" value="x">
    </form>
    <form method="post" action="/downloads/new/">
      <input type="hidden" name="kind" value="pdf">
    </form>
    """

    form = soak.form_with(html, field_name="version")

    assert form["fields"] == {
        "csrfmiddlewaretoken": "t&k",
        "version": "7",
        "status": "at_risk",
        "percent_complete": "40",
        "narrative": "Kept <text>",
        "unit": "2",
    }
    assert soak.form_with(html, action="/downloads/new/")["fields"] == {"kind": "pdf"}
    assert soak.form_with(html, field_name="nothing") is None


def test_secure_cookies_go_back_to_the_loopback_address_only():
    session = Session()
    session.cookies.set_cookie(create_cookie("sessionid", "a", domain="127.0.0.1", secure=True))
    session.cookies.set_cookie(create_cookie("other", "b", domain="example.org", secure=True))

    soak.trust_loopback(session.cookies)

    assert {c.name: c.secure for c in session.cookies} == {"sessionid": False, "other": True}


def test_the_soak_database_is_never_the_one_in_use():
    pg = "postgres://postgres@127.0.0.1:5432/tracker"

    assert soak_command.choose_database_url({"SOAK_DATABASE_URL": "sqlite:///x-soak"})[0] == (
        "sqlite:///x-soak"
    )
    assert soak_command.choose_database_url({"DATABASE_URL": pg})[0] == (
        "postgres://postgres@127.0.0.1:5432/tracker_soak"
    )
    assert soak_command.choose_database_url({})[0].endswith("/soak.sqlite3")


def test_the_soak_refuses_to_reset_a_database_not_named_for_it():
    from django.core.management.base import CommandError

    from benchmarks.management.commands.bench import reset_database

    with pytest.raises(CommandError, match="must contain 'soak'"):
        reset_database("sqlite:////tmp/tracker.sqlite3", must_contain="soak")


def _soak_database(tmp_path: Path) -> str:
    """A database for the short run: a SQLite file, or beside the test run's PostgreSQL one."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        name = environ.Env.db_url_config(url)["NAME"]
        return f"{url.rsplit('/', 1)[0]}/{name}_soaktest"
    return f"sqlite:///{tmp_path / 'soak.sqlite3'}"


def test_a_short_soak_posts_updates_that_are_all_kept(tmp_path):
    """The whole machinery for a few seconds: 2 gunicorn workers, a small plan, every role."""
    output = tmp_path / "benchmarks.md"
    output.write_text("# Benchmarks\n\nmake bench's figures, kept\n")
    results = tmp_path / "soak.json"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CELERY_BROKER_URL", "CACHE_URL", "SOAK_DURATION")
    }
    env.update(DEBUG="true", SOAK_DATABASE_URL=_soak_database(tmp_path))
    done = subprocess.run(
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "soak",
            *("--duration", "5", "--warmup", "1", "--workers", "2"),
            *("--actions", "45", "--updates", "1", "--think", "0.05"),
            *("--cabinet", "1", "--forum", "2", "--officers", "1", "--coordinators", "1"),
            *("--report-every", "2", "--results", str(results), "--output", str(output)),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert results.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads(results.read_text())
    load = result["load"]
    server_log = result.get("server_log_tail", "")
    assert not result.get("error"), f"{result['error']}\n{server_log}"
    assert load["errors"] == 0, f"{load['error_examples']}\n{server_log}"
    assert load["requests"] > 0
    for key in ("update_post", "input_post", "dashboard", "cabinet_report"):
        assert load["kinds"][key]["p99_ms"] >= load["kinds"][key]["p50_ms"] > 0
    kept = result["kept"]
    assert kept["updates"]["posted"] > 0
    assert kept["inputs"]["posted"] > 0
    assert all(k["found"] == k["posted"] and not k["missing"] for k in kept.values())
    assert len(result["memory"]) == 2
    assert all(row["start_kib"] > 0 and row["end_kib"] > 0 for row in result["memory"])
    assert result["jobs"]["asked"] >= 1
    assert result["jobs"]["ready"] >= 1
    # The exit status is the verdict; the file keeps what was there, with the section added.
    assert (done.returncode == 0) == soak.passed(result), done.stderr[-2000:]
    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nmake bench's figures, kept\n")
    assert soak.section_of(text).count("Soak under mixed load") == 1
