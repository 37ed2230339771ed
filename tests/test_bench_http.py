"""The benchmark's HTTP stage (gunicorn + wrk): reading wrk, judging pages, the report.

Nothing here starts a server or times anything: the parsing and judging are pure, and the
sign-in is checked through Django's test client.
"""

import copy
import json
import os

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from benchmarks import http_stage, synthetic
from benchmarks.management.commands import bench

CLEAN = """\
Running 10s test @ http://127.0.0.1:40000/plan/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    75.20ms   10.31ms 140.00ms   80.00%
    Req/Sec    53.10      8.20    70.00     70.00%
  Latency Distribution
     50%  683.00us
     75%   80.00ms
     90%   88.00ms
     99%    1.25s
  1062 requests in 10.01s, 20.63MB read
Requests/sec:    106.10
Transfer/sec:      2.06MB
"""

WITH_ERRORS = """\
Running 10s test @ http://127.0.0.1:40000/dashboard/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02m    10.31ms   2.00m    80.00%
    Req/Sec     1.69k   183.88     2.04k    72.73%
  Latency Distribution
     50%    1.50m
     75%    2.00m
     90%    2.00m
     99%    2.00m
  12 requests in 1.00m, 1.00KB read
  Socket errors: connect 0, read 3, write 0, timeout 5
  Non-2xx or 3xx responses: 7
Requests/sec:      0.20
Transfer/sec:     17.00B
"""


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("683.00us", 0.683),
        ("1.87ms", 1.87),
        ("2.01s", 2010.0),
        ("1.50m", 90_000.0),
        ("1.00h", 3_600_000.0),
        ("12ms", 12.0),
    ],
)
def test_wrk_durations_are_read_in_milliseconds(text, ms):
    assert http_stage.to_ms(text) == pytest.approx(ms)


@pytest.mark.parametrize("text", ["", "12", "1.2 ms", "3ks", "ms"])
def test_a_wrk_duration_without_a_known_unit_is_refused(text):
    with pytest.raises(ValueError, match="Not a wrk duration"):
        http_stage.to_ms(text)


def test_wrk_output_gives_rate_percentiles_and_no_errors():
    result = http_stage.parse_wrk(CLEAN)

    assert result["rps"] == pytest.approx(106.10)
    assert result["p50_ms"] == pytest.approx(0.683)  # us → ms
    assert result["p99_ms"] == pytest.approx(1250.0)  # s → ms
    assert result["requests"] == 1062
    assert result["seconds"] == pytest.approx(10.01)
    assert result["non_2xx"] == 0
    assert result["socket_errors"] == {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    assert http_stage.page_errors({**result, "status_before": 200, "status_after": 200}) == ""


def test_wrk_output_with_errors_is_flagged():
    result = http_stage.parse_wrk(WITH_ERRORS)

    assert result["rps"] == pytest.approx(0.20)
    assert result["p50_ms"] == pytest.approx(90_000.0)
    assert result["p99_ms"] == pytest.approx(120_000.0)
    assert result["seconds"] == pytest.approx(60.0)
    assert result["non_2xx"] == 7
    assert result["socket_errors"] == {"connect": 0, "read": 3, "write": 0, "timeout": 5}
    problems = http_stage.page_errors(result)
    assert "7 responses not 2xx/3xx" in problems
    assert "read 3" in problems
    assert "timeout 5" in problems
    assert "connect" not in problems  # only the kinds that happened


def test_wrk_output_without_a_rate_is_an_error():
    with pytest.raises(ValueError, match="Requests/sec"):
        http_stage.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_a_redirect_wrk_would_count_as_success_is_flagged():
    # wrk counts 3xx as successes: a signed-out page (302 to the sign-in) must not pass.
    page = {**http_stage.parse_wrk(CLEAN), "status_before": 200, "status_after": 302}
    assert http_stage.page_errors(page) == "answered 302 after the run"
    assert http_stage.cell_ratio(1000.0, page, 30) == "**errors**"


def page(rps, **extra):
    return {"rps": rps, "p50_ms": 5.0, "p99_ms": 9.0, "status_before": 200, **extra}


def test_the_floor_is_the_mean_of_healthz_at_the_start_and_the_end():
    pages = {"healthz": page(1000.0), "healthz_end": page(800.0), "plan": page(30.0)}
    assert http_stage.floor_rps(pages) == pytest.approx(900.0)
    # A healthz run with errors is left out of the floor rather than lowering it.
    pages["healthz_end"] = page(10.0, non_2xx=5)
    assert http_stage.floor_rps(pages) == pytest.approx(1000.0)
    assert http_stage.floor_rps({"plan": page(30.0)}) is None


def test_times_floor_and_verdicts():
    assert http_stage.times_floor(900.0, page(30.0)) == pytest.approx(30.0)
    assert http_stage.verdict(30.0, 30) == "met"
    assert http_stage.verdict(30.04, 30) == "met"  # shown as 30.0
    assert http_stage.verdict(30.06, 30) == "not met"  # shown as 30.1
    assert http_stage.verdict(45.0, 50) == "met"
    assert http_stage.verdict(None, 30) == ""
    assert http_stage.verdict(12.0, None) == ""
    assert http_stage.times_floor(None, page(30.0)) is None
    assert http_stage.times_floor(900.0, page(30.0, non_2xx=1)) is None


def test_ratio_cells_say_met_or_not_met():
    assert http_stage.cell_ratio(900.0, page(90.0), 30) == "10.0 (met)"
    assert http_stage.cell_ratio(900.0, page(20.0), 30) == "**45.0 (not met)**"
    assert http_stage.cell_ratio(900.0, page(20.0), 50) == "45.0 (met)"
    assert http_stage.cell_ratio(None, page(20.0), 30) == "no floor"
    assert http_stage.cell_ratio(900.0, page(1000.0), None) == "1 (floor)"


def stage(**pages):
    return {
        "workers": 2,
        "duration_s": 3,
        "warmup_s": 1,
        "threads": 2,
        "connections": 8,
        "timeout": "30s",
        "search_word": http_stage.SEARCH_WORD,
        "cache": "redis://127.0.0.1:6379/7",
        "database_url": "postgres://postgres@127.0.0.1:5432/x_bench",
        "gunicorn": ".venv/bin/gunicorn config.wsgi --workers 2 --bind 127.0.0.1:PORT",
        "pages": pages,
        "memory": {"master_vmhwm_kib": 30_000, "workers": [{"pid": 1, "vmhwm_kib": 102_400}]},
    }


GOOD = stage(
    healthz=page(1000.0),
    plan=page(50.0),  # ×20
    search=page(25.0),  # ×40: within the search's ×50
    dashboard=page(20.0),  # ×50: over the ×30 of an HTML page
    changes=page(40.0, non_2xx=3),  # errors
    healthz_end=page(1000.0),
)


def test_the_http_table_marks_each_page():
    table = "\n".join(http_stage.render_http_table(GOOD))

    assert "| Plan (`/plan/`) | 50.0 | 5.0 | 9.0 | 20.0 (met) | ≤ ×30 | none |" in table
    assert f"| Plan search (`/plan/?q={http_stage.SEARCH_WORD}`) | 25.0 |" in table
    assert "| 40.0 (met) | ≤ ×50 |" in table
    assert "| **50.0 (not met)** | ≤ ×30 |" in table
    assert "| **errors** | ≤ ×30 | **3 responses not 2xx/3xx** |" in table
    assert "mean 1,000." in table
    assert "100 MiB" in table  # the worker's VmHWM


def test_the_http_verdict_names_the_misses_and_the_errors():
    (line,) = http_stage.http_verdicts(GOOD, 10_000)

    assert "at 10,000 actions" in line
    assert ":** not met — 2 of 4 pages within their target" in line
    assert "Dashboard (`/dashboard/`) ×50.0" in line
    assert "errors (not judged): Changes" in line

    fine = copy.deepcopy(GOOD)
    del fine["pages"]["dashboard"], fine["pages"]["changes"]
    (line,) = http_stage.http_verdicts(fine, 10_000)
    assert ":** met — 2 of 2 pages" in line
    assert http_stage.http_verdicts(None, 10) == []
    assert http_stage.http_verdicts({"skipped": "wrk is not installed"}, 10) == []


def test_a_skipped_or_failed_stage_renders_as_such():
    assert http_stage.render_http_table({"skipped": "wrk is not installed"}) == [
        "Not measured: wrk is not installed."
    ]
    failed = http_stage.render_http_table({"error": "RuntimeError: gunicorn exited (3)"})
    assert "**The stage failed:** RuntimeError: gunicorn exited (3)" in failed


def test_the_search_word_is_in_the_synthetic_plans_text():
    assert any(http_stage.SEARCH_WORD in phrase for phrase in synthetic.OBJECTS)


def test_passwords_are_masked_in_urls():
    assert (
        http_stage.mask_url("postgres://tracker:s3cret@db:5432/tracker_bench")
        == "postgres://tracker:***@db:5432/tracker_bench"
    )
    assert http_stage.mask_url("redis://:pw@127.0.0.1:6379/7") == "redis://:***@127.0.0.1:6379/7"
    assert http_stage.mask_url("sqlite:////tmp/bench.sqlite3") == "sqlite:////tmp/bench.sqlite3"


def test_peak_memory_is_read_from_proc():
    if not os.path.exists(f"/proc/{os.getpid()}/status"):
        pytest.skip("no /proc")
    assert http_stage.peak_rss_kib(os.getpid()) > 1000
    assert os.getpid() in http_stage.child_pids(os.getppid())


def test_wrk_commands_sign_in_everything_but_the_floor():
    signed = http_stage.wrk_command("http://h/plan/", duration=10, cookie="sessionid=abc")
    assert signed == [
        "wrk",
        "-t2",
        "-c8",
        "-d10s",
        "--timeout",
        "30s",
        "--latency",
        "-H",
        "Cookie: sessionid=abc",
        "http://h/plan/",
    ]
    floor = http_stage.wrk_command("http://h/healthz", duration=2.5, cookie=None, latency=False)
    assert floor == ["wrk", "-t2", "-c8", "-d2.5s", "--timeout", "30s", "http://h/healthz"]


@pytest.mark.django_db
def test_the_session_made_for_wrk_signs_in_under_the_servers_key():
    synthetic.seed(actions=2, updates_per_action=1)
    cookie = http_stage.signed_in_cookie(bench.bench_user(), "the-servers-throwaway-key")
    name, value = cookie.split("=", 1)

    with override_settings(SECRET_KEY="the-servers-throwaway-key"):
        client = Client()
        client.cookies[name] = value
        assert client.get("/plan/").status_code == 200
    # Under another key the session is not valid: signed out, sent to sign in.
    client = Client()
    client.cookies[name] = value
    assert client.get("/plan/").status_code == 302


def minimal_run(size, **extra):
    return {
        "size": size,
        "pages": {},
        "action_id": None,
        "database": {"vendor": "postgresql", "version": "15"},
        "seed_seconds": 1.0,
        "counts": {
            "strategy actions": size,
            "progress updates": size * 20,
            "proposed council actions": size,
            "council input": size,
        },
        **extra,
    }


META = {
    "command": "make bench",
    "date": "today",
    "database_url": "postgres://postgres@127.0.0.1:5432/tracker_bench",
    "database_reason": "test",
    "machine": {
        "nproc": 2,
        "memory": "1 GiB",
        "cpu": "cpu",
        "os": "os",
        "python": "3",
        "django": "5",
    },
    "updates": 20,
    "seed": 0,
    "runs": 5,
    "pdf_runs": 1,
}


def test_the_report_has_a_table_per_size_and_the_commands():
    data = {"meta": META, "runs": [minimal_run(10_000, http=GOOD), minimal_run(1000, http=GOOD)]}

    text = bench.render_report(data)

    assert "## Under gunicorn and wrk" in text
    assert text.index("### 1,000 actions") < text.index("### 10,000 actions")
    assert text.count("| **50.0 (not met)** | ≤ ×30 |") == 2
    assert "gunicorn config.wsgi --workers 2 --bind 127.0.0.1:PORT" in text
    assert "wrk -t2 -c8 -d3s --timeout 30s --latency" in text
    assert "CACHE_URL=redis://127.0.0.1:6379/7" in text
    # The targets section judges the largest size.
    assert "Under gunicorn at 10,000 actions" in text


def test_old_results_without_the_http_stage_still_render(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"meta": META, "runs": [minimal_run(1000)]}))
    output = tmp_path / "benchmarks.md"

    call_command("bench", "--report", "--results", str(results), "--output", str(output))

    text = output.read_text()
    assert "## Pages" in text
    assert "gunicorn" not in text.split("## Method")[0]


def test_a_run_with_no_http_says_so():
    meta = {**META, "http_skipped": "--no-http was given"}
    text = bench.render_report({"meta": meta, "runs": [minimal_run(1000)]})
    assert "## Under gunicorn and wrk\n\nNot run: --no-http was given." in text


def test_without_wrk_the_stage_is_skipped_with_a_message(monkeypatch):
    monkeypatch.setattr(http_stage.shutil, "which", lambda name: None)
    said = []

    result = http_stage.run_stage(user=None, action_id=None, log=said.append)

    assert result == {"skipped": "wrk is not installed (apt-get install wrk)"}
    assert said == ["  HTTP stage skipped: wrk is not installed (apt-get install wrk)."]


@pytest.mark.django_db(transaction=True)
def test_a_churned_page_is_loaded_while_the_plan_keeps_changing():
    """The thread moves the generation (as a saved update would) until the block ends."""
    import time

    from reports import freshness

    before = freshness.generation()
    with http_stage._changing(every=0.05) as changes:
        time.sleep(0.5)
    moved = freshness.generation() - before
    time.sleep(0.2)

    assert changes["count"] >= 3
    assert moved == changes["count"]
    assert freshness.generation() - before == moved  # stopped with the block
    with http_stage._changing(every=None) as unchanged:
        pass
    assert unchanged["count"] == 0
    assert "plan_churn" in http_stage.CHURN_KEYS
    assert "plan_churn" in {key for key, *_ in http_stage.HTTP_PAGES}
