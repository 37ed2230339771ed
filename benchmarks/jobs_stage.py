"""The benchmark's background-jobs stage: each download (reports/downloads.py) made as the
worker makes it, in a fresh process of its own, for its time and peak memory.

A fresh process per job, so that its peak resident memory (ru_maxrss) is the job's alone
and not what the pages measured before it left behind. The child is
`manage.py bench --job KIND`, which prints one line of JSON.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

JOBS = [
    ("plan_csv", "CSV of the whole plan"),
    ("plan_xlsx", "Excel workbook of the whole plan"),
    ("report_pdf", "Cabinet report PDF"),
]
EXCEL_TARGET_SECONDS = 10
MEMORY_TARGET_MIB = 500
MARKER = "BENCH-JOB "


def peak_rss_kib() -> int:
    """This process's peak resident memory (KiB). VmHWM, not getrusage's ru_maxrss: on Linux
    ru_maxrss keeps the peak of the process that forked this one, across exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_one(kind: str, user) -> dict:
    """In the child: make one download of `kind` for `user`; what it cost."""
    from reports import downloads
    from reports.models import Download

    download = Download.objects.create(kind=kind, requested_by=user)
    started = time.perf_counter()
    downloads.make(download.pk)
    seconds = time.perf_counter() - started
    download.refresh_from_db()
    result = {
        "kind": kind,
        "status": download.status,
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(peak_rss_kib() / 1024, 1),
        "bytes": download.file.size if download.file else 0,
        "rows": download.rows_total,
    }
    if download.file:
        download.file.delete(save=False)
    download.delete()
    return result


def measure_jobs(manage_py: Path, say=None) -> dict:
    """In the measuring process: each job in a child process, against the same database."""
    results = {}
    for kind, label in JOBS:
        if say:
            say(f"  {label}, as a background job …")
        completed = subprocess.run(
            [sys.executable, str(manage_py), "bench", "--job", kind],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            check=False,
        )
        lines = [line for line in completed.stdout.splitlines() if line.startswith(MARKER)]
        if completed.returncode or not lines:
            results[kind] = {"status": "error", "error": completed.stderr.strip()[-300:]}
        else:
            results[kind] = json.loads(lines[-1][len(MARKER) :])
    return results


def render(runs: list[dict]) -> list[str]:
    if not any(run.get("jobs") for run in runs):
        return []
    out = [
        "## Background jobs",
        "",
        "Each download made as the Celery worker makes it (`reports.downloads.make`), in a "
        "fresh process of its own: its time, the process's peak resident memory (which "
        "includes Django and the libraries, about 60–80 MiB before any work), the file's size "
        "and the strategy actions in it.",
        "",
        "| Job | Actions | Time | Peak memory | File | Rows |",
        "|---|---|---|---|---|---|",
    ]
    for kind, label in JOBS:
        for run in runs:
            job = (run.get("jobs") or {}).get(kind)
            if not job:
                continue
            if job.get("status") != "ready":
                out.append(
                    f"| {label} | {run['size']:,} | failed: {job.get('error', '')[:80]} | | | |"
                )
                continue
            out.append(
                f"| {label} | {run['size']:,} | {job['seconds']:.1f} s | "
                f"{job['peak_rss_mib']:.0f} MiB | {job['bytes'] / 1024 / 1024:.1f} MiB | "
                f"{job['rows'] if job['rows'] is not None else '—'} |"
            )
    out.append("")
    return out


def verdicts(biggest: dict | None) -> list[str]:
    jobs = (biggest or {}).get("jobs")
    if not jobs:
        return []
    lines = []
    excel = jobs.get("plan_xlsx", {})
    if excel.get("status") == "ready":
        met = "met" if excel["seconds"] < EXCEL_TARGET_SECONDS else "not met"
        lines.append(
            f"- **Excel export of {biggest['size']:,} actions under {EXCEL_TARGET_SECONDS} s:** "
            f"{met} — {excel['seconds']:.1f} s."
        )
    peaks = {
        kind: job["peak_rss_mib"] for kind, job in jobs.items() if job.get("status") == "ready"
    }
    if peaks:
        worst = max(peaks.values())
        lines.append(
            f"- **A worker's memory under {MEMORY_TARGET_MIB} MB at {biggest['size']:,} "
            f"actions:** {'met' if worst < MEMORY_TARGET_MIB else 'not met'} — peak "
            + ", ".join(f"{kind} {mib:.0f} MiB" for kind, mib in peaks.items())
            + "."
        )
    return lines
