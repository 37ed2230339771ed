"""The benchmark's background-jobs stage (benchmarks/jobs_stage.py): its figures and verdicts."""

import pytest

from benchmarks import jobs_stage
from reports.models import Download
from tests.factories import StrategyActionFactory, UserFactory


def test_peak_memory_is_this_processs_own():
    held = bytearray(64 * 1024 * 1024)  # 64 MiB, touched
    held[::4096] = b"x" * len(held[::4096])
    assert jobs_stage.peak_rss_kib() >= 64 * 1024


@pytest.mark.django_db
def test_a_job_is_made_measured_and_cleared_away():
    actions = [StrategyActionFactory() for _ in range(3)]

    result = jobs_stage.run_one("plan_csv", UserFactory())

    assert result["status"] == "ready"
    assert result["rows"] == len(actions)
    assert result["bytes"] > 0
    assert not Download.objects.exists()  # the benchmark leaves no downloads behind


def run(size, **jobs):
    return {"size": size, "jobs": jobs}


def ready(seconds, mib):
    return {"status": "ready", "seconds": seconds, "peak_rss_mib": mib, "bytes": 2**20, "rows": 9}


def test_verdicts_judge_the_largest_size_against_the_issues_targets():
    lines = jobs_stage.verdicts(run(50_000, plan_xlsx=ready(12.5, 120), plan_csv=ready(3, 610)))

    assert lines[0].startswith("- **Excel export of 50,000 actions under 10 s:** not met")
    assert "12.5 s" in lines[0]
    assert "not met" in lines[1]
    assert "plan_csv 610 MiB" in lines[1]
    assert jobs_stage.verdicts(run(1_000)) == []


def test_the_table_has_a_row_per_job_and_size_and_says_which_failed():
    table = "\n".join(
        jobs_stage.render(
            [
                run(1_000, plan_csv=ready(0.1, 90)),
                run(50_000, plan_csv={"status": "error", "error": "Traceback: boom"}),
            ]
        )
    )

    assert "| CSV of the whole plan | 1,000 | 0.1 s | 90 MiB | 1.0 MiB | 9 |" in table
    assert "| CSV of the whole plan | 50,000 | failed: Traceback: boom |" in table
    assert jobs_stage.render([{"size": 1}]) == []
