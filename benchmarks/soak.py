"""The soak (issue 16): the service under a mixed load for minutes, as people use it.

``manage.py soak`` (what ``make soak`` runs) resets a soak database, then, in a child process
pointed at it (``soak --run``), loads the Cabinet report and a synthetic plan, makes people for
each role with passwords, serves the site with gunicorn as the benchmark's HTTP stage does
(production settings on loopback: benchmarks/http_stage.py), starts a Celery worker if a broker
is configured, and lets virtual people (threads, each with its own ``requests.Session``) use it
through the real pages and forms:

- Cabinet members read the dashboard, the plan, the Cabinet report page and an action's page;
- Forum members post progress updates on their own organisation's actions through the real form
  (GET it, read its version and CSRF token, POST it), each update carrying a unique marker;
- council officers record council input on their own unit's proposed council actions, the same
  way;
- the Forum coordinator asks for the Cabinet report's PDF (a background job: the page offering
  it, the POST that queues it, the progress polled until it is ready, the file) or the Excel
  workbook now and then.

Every person signs in through the sign-in form. After a warm-up the load is measured for
``--duration`` seconds or ``--max-requests`` requests, whichever comes first. The result gives
the errors (any unexpected status or failed request: target 0), p50 and p99 latency per kind of
request, the throughput, each gunicorn worker's resident memory after the warm-up and at the end
(target: no more than 10 % growth), and whether every update and input posted is in the database
(found by its marker). The figures go in a section of docs/benchmarks.md between the markers
below; the rest of the file is ``make bench``'s.

The statistics, judging and rendering here are pure functions, tested without a server.
"""

from __future__ import annotations

import contextlib
import math
import random
import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

SECTION_START = "<!-- soak:start: written by `make soak`; `make bench` keeps it as it is -->"
SECTION_END = "<!-- soak:end -->"
HEADING = "## Soak under mixed load"

ERRORS_TARGET = 0
MEMORY_GROWTH_TARGET = 0.10  # each worker's resident memory may grow by this much at most

#: The kinds of request, in the report's order: (key, label, statuses that are expected).
#: A 409 on a form is a stale edit (someone else's record was approved first): expected, counted
#: as a conflict, not an error.
KINDS: list[tuple[str, str, frozenset[int]]] = [
    ("sign_in_form", "Sign-in form (GET)", frozenset({200})),
    ("sign_in", "Sign in (POST)", frozenset({302})),
    ("dashboard", "Dashboard", frozenset({200})),
    ("plan", "Plan", frozenset({200})),
    ("search", "Plan search", frozenset({200})),
    ("cabinet_report", "Cabinet report page", frozenset({200})),
    ("action", "Action page", frozenset({200})),
    ("update_form", "Progress update form (GET)", frozenset({200})),
    ("update_post", "Progress update posted", frozenset({302, 409})),
    ("council_action", "Proposed council action page", frozenset({200})),
    ("input_form", "Council input form (GET)", frozenset({200})),
    ("input_post", "Council input posted", frozenset({302, 409})),
    ("report_ask", "Cabinet report PDF asked for", frozenset({200})),
    ("download_request", "Download queued (POST)", frozenset({302})),
    ("download_page", "Download's page", frozenset({200})),
    ("download_status", "Download's progress polled", frozenset({200})),
    ("download_file", "Download's file", frozenset({200})),
    ("excel", "Excel workbook of the plan", frozenset({200})),
]
LABELS = {key: label for key, label, _ in KINDS}
EXPECTED = {key: expected for key, _, expected in KINDS}
CONFLICT = 409


# --- Statistics -----------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least p % of them at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Sample:
    kind: str
    status: int | None  # None: no answer (connection refused, timeout, …)
    ms: float
    measured: bool  # after the warm-up
    problem: str = ""

    @property
    def conflict(self) -> bool:
        return self.status == CONFLICT and CONFLICT in EXPECTED.get(self.kind, ())

    @property
    def error(self) -> bool:
        return bool(self.problem) or self.status not in EXPECTED.get(self.kind, ())


def summarise(samples: list[Sample], seconds: float) -> dict:
    """Per kind of request (measured samples only): count, errors, conflicts, p50, p99, rate;
    and the errors of the whole run (warm-up included), since an error is an error."""
    kinds: dict[str, dict] = {}
    for key, _, _ in KINDS:
        mine = [s for s in samples if s.kind == key and s.measured]
        if not mine:
            continue
        times = [s.ms for s in mine]
        kinds[key] = {
            "requests": len(mine),
            "errors": sum(s.error for s in mine),
            "conflicts": sum(s.conflict for s in mine),
            "p50_ms": round(percentile(times, 50), 1),
            "p99_ms": round(percentile(times, 99), 1),
            "rps": round(len(mine) / seconds, 2) if seconds else None,
        }
    measured = [s for s in samples if s.measured]
    errors = [s for s in samples if s.error]
    return {
        "kinds": kinds,
        "requests": len(measured),
        "warmup_requests": len(samples) - len(measured),
        "seconds": round(seconds, 1),
        "rps": round(len(measured) / seconds, 2) if seconds else None,
        "p50_ms": round(percentile([s.ms for s in measured], 50) or 0, 1),
        "p99_ms": round(percentile([s.ms for s in measured], 99) or 0, 1),
        "errors": len(errors),
        "conflicts": sum(s.conflict for s in samples),
        "error_examples": [
            {"kind": s.kind, "status": s.status, "problem": s.problem[:200]} for s in errors[:20]
        ],
    }


# --- Memory -----------------------------------------------------------------------------------


def rss_kib(pid: int) -> int | None:
    """A process's resident memory now (VmRSS, KiB); None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def workers_memory(master: int) -> dict[str, int | None]:
    """Each gunicorn worker's resident memory, by pid (a string, for JSON)."""
    from benchmarks.http_stage import child_pids

    return {str(pid): rss_kib(pid) for pid in child_pids(master)}


def memory_growth(start: dict[str, int | None], end: dict[str, int | None]) -> list[dict]:
    """Each worker's memory after the warm-up and at the end, and its growth (a fraction).

    A worker present at one reading only was replaced (it died or was killed, and gunicorn
    started another): its growth is None, and the memory target is then not met.
    """
    rows = []
    for pid in sorted(set(start) | set(end), key=int):
        before, after = start.get(pid), end.get(pid)
        growth = (after - before) / before if before and after is not None else None
        rows.append({"pid": int(pid), "start_kib": before, "end_kib": after, "growth": growth})
    return rows


# --- Judging --------------------------------------------------------------------------------


def verdicts(result: dict) -> list[dict]:
    """The issue's targets, each {"target", "met", "detail"}."""
    out = []
    load = result.get("load") or {}
    errors = load.get("errors")
    if errors is None or result.get("error"):
        out.append(
            {
                "target": "No errors",
                "met": False,
                "detail": result.get("error") or "the load did not run",
            }
        )
    else:
        restarts = result.get("worker_restarts", 0)
        detail = f"{errors:,} errors in {load['requests'] + load['warmup_requests']:,} requests"
        if load.get("conflicts"):
            detail += f" ({load['conflicts']:,} stale edits answered 409, as expected)"
        if restarts:
            detail += f"; {restarts} gunicorn worker(s) replaced"
        out.append(
            {
                "target": "No errors (any 5xx or unexpected status)",
                "met": errors <= ERRORS_TARGET and not restarts,
                "detail": detail,
            }
        )

    rows = result.get("memory") or []
    growths = [row["growth"] for row in rows]
    if not rows:
        met, detail = False, "not read"
    elif any(g is None for g in growths):
        met, detail = False, "a worker was replaced between the readings"
    else:
        met = all(g <= MEMORY_GROWTH_TARGET for g in growths)
        detail = ", ".join(
            f"{_mib(r['start_kib'])} → {_mib(r['end_kib'])} ({r['growth']:+.1%})" for r in rows
        )
    out.append(
        {
            "target": f"Each worker's memory grows no more than {MEMORY_GROWTH_TARGET:.0%}",
            "met": met,
            "detail": detail,
        }
    )

    kept = result.get("kept") or {}
    if not kept:
        out.append(
            {
                "target": "Every update posted is in the database",
                "met": False,
                "detail": "not checked",
            }
        )
    else:
        met = all(k["posted"] == k["found"] and not k["missing"] for k in kept.values())
        detail = "; ".join(
            f"{k['label']}: {k['posted']:,} posted, {k['found']:,} found"
            + (f", missing {', '.join(k['missing'][:5])}" if k["missing"] else "")
            for k in kept.values()
        )
        nothing = sum(k["posted"] for k in kept.values()) == 0
        out.append(
            {
                "target": "Every update posted is in the database",
                "met": met and not nothing,
                "detail": detail + (" (nothing was posted)" if nothing else ""),
            }
        )
    return out


def passed(result: dict) -> bool:
    return all(v["met"] for v in verdicts(result))


# --- The report section -------------------------------------------------------------------------


def _mib(kib: int | None) -> str:
    return "—" if kib is None else f"{kib / 1024:.1f} MiB"


def _ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def render_section(result: dict) -> str:
    """The soak's section of docs/benchmarks.md, between its markers."""
    meta = result.get("meta") or {}
    load = result.get("load") or {}
    people = meta.get("people") or {}
    lines = [
        SECTION_START,
        "",
        f"{HEADING} (`make soak`)",
        "",
        "Written by `make soak` (benchmarks/soak.py, benchmarks/management/commands/soak.py); "
        "`make bench` keeps this section as it is, and `make soak` rewrites only this section.",
        "",
        f"- **Command:** `{meta.get('command', 'manage.py soak')}`",
        f"- **Date:** {meta.get('date', '—')}",
        f"- **Database:** {meta.get('database', '—')}",
        f"- **Cache:** {meta.get('cache', '—')}; **background jobs:** {meta.get('jobs', '—')}",
        f"- **Machine:** {meta.get('machine', '—')}",
    ]
    if meta.get("note"):
        lines.append(f"- **Conditions:** {meta['note']}")
    lines += [
        f"- **Plan:** {meta.get('plan', '—')}",
        "- **People:** "
        + ", ".join(f"{n} {role}" for role, n in people.items())
        + f", each a thread with its own session, signed in through the sign-in form, "
        f"{meta.get('think', '—')} s think time between requests",
        f"- **Server:** {meta.get('server', '—')}",
        f"- **Run:** {meta.get('warmup_s', '—')} s warm-up (every person does each of their "
        f"tasks once first), then {load.get('seconds', '—')} s measured "
        f"(bounds: --duration {meta.get('duration_s', '—')} s, --max-requests "
        f"{meta.get('max_requests') or 0:,}; {meta.get('stopped_by', '—')})",
        "",
    ]
    if result.get("error"):
        lines += [f"**The soak failed:** {result['error']}", ""]
    if load.get("kinds"):
        lines += [
            "| Request | Requests | Per second | p50 ms | p99 ms | Errors | 409 (stale) |",
            "|---|---|---|---|---|---|---|",
        ]
        for key, label, _ in KINDS:
            row = load["kinds"].get(key)
            if not row:
                continue
            lines.append(
                f"| {label} | {row['requests']:,} | {row['rps']:.2f} | {_ms(row['p50_ms'])} | "
                f"{_ms(row['p99_ms'])} | "
                + (f"**{row['errors']:,}**" if row["errors"] else "0")
                + f" | {row['conflicts']:,} |"
            )
        lines += [
            "",
            f"Throughput: {load['requests']:,} requests in {load['seconds']:,} s, "
            f"{load['rps']:.1f} requests/s; p50 {_ms(load['p50_ms'])} ms, p99 "
            f"{_ms(load['p99_ms'])} ms over every request. Errors over the whole run, warm-up "
            f"included ({load['warmup_requests']:,} requests): {load['errors']:,}.",
        ]
        for example in load.get("error_examples") or []:
            lines.append(
                f"- error: {LABELS.get(example['kind'], example['kind'])} answered "
                f"{example['status'] or 'nothing'} {example['problem']}".rstrip()
            )
        lines.append("")
    jobs = result.get("jobs") or {}
    if jobs.get("asked"):
        seconds = jobs.get("seconds") or []
        lines += [
            f"Background jobs: the coordinator asked for {jobs['asked']} Cabinet report "
            f"PDF(s) and {jobs.get('excel', 0)} Excel workbook(s); {jobs.get('ready', 0)} "
            f"job(s) ready and fetched, {jobs.get('failed', 0)} failed, "
            f"{jobs.get('unfinished', 0)} unfinished"
            + (
                f"; from asking to ready: median {statistics.median(seconds):.1f} s, "
                f"longest {max(seconds):.1f} s."
                if seconds
                else "."
            ),
            "",
        ]
    rows = result.get("memory") or []
    if rows:
        lines += [
            "| gunicorn worker | Resident memory after the warm-up | At the end | Growth |",
            "|---|---|---|---|",
        ]
        for n, row in enumerate(rows, 1):
            growth = "replaced" if row["growth"] is None else f"{row['growth']:+.1%}"
            lines.append(
                f"| {n} (pid {row['pid']}) | {_mib(row['start_kib'])} | "
                f"{_mib(row['end_kib'])} | {growth} |"
            )
        if result.get("celery_memory"):
            cel = result["celery_memory"]
            lines.append(
                f"\nThe Celery worker's processes (for information, no target): "
                f"{_mib(cel.get('start_kib'))} after the warm-up, {_mib(cel.get('end_kib'))} at "
                "the end (resident memory of the worker and its pool, summed)."
            )
        lines.append("")
    kept = result.get("kept") or {}
    for k in kept.values():
        lines.append(
            f"{k['label']}: {k['posted']:,} posted (answered 302), {k['found']:,} found in the "
            "database afterwards by the unique marker in each"
            + (f"; missing: {', '.join(k['missing'][:10])}" if k["missing"] else "")
            + "."
        )
    if kept:
        lines.append("")
    lines += ["### Against the soak's targets", ""]
    for v in verdicts(result):
        lines.append(
            f"- **{v['target']}:** {'met' if v['met'] else '**not met**'} — {v['detail']}."
        )
    lines += ["", SECTION_END]
    return "\n".join(lines) + "\n"


def section_of(text: str) -> str:
    """The soak's section in a file's text, markers included ("" if it has none)."""
    start = text.find(SECTION_START)
    end = text.find(SECTION_END, start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        return ""
    end += len(SECTION_END)
    if text[end : end + 1] == "\n":
        end += 1
    return text[start:end]


def replace_section(text: str, section: str) -> str:
    """`text` with its soak section replaced by `section`, or `section` added at the end."""
    old = section_of(text)
    if old:
        return text.replace(old, section, 1)
    if not text:
        return section
    return text.rstrip("\n") + "\n\n" + section


def keep_section(old_text: str, new_text: str) -> str:
    """`new_text` (a file being rewritten) with `old_text`'s soak section carried over."""
    section = section_of(old_text)
    if not section or section in new_text:
        return new_text
    return replace_section(new_text, section)


# --- Talking to the site like a browser ---------------------------------------------------


def trust_loopback(jar) -> None:
    """Let the session and CSRF cookies be sent back over plain HTTP to the loopback address.

    Under production settings they are Secure, which a cookie jar sends only over HTTPS; the
    soak talks plain HTTP to gunicorn on 127.0.0.1 (where browsers treat the address as secure
    too). requests merges the session's cookies into a fresh jar for each request, so a cookie
    policy would be lost: the flag is taken off the stored cookies instead."""
    for cookie in jar:
        if cookie.domain in ("127.0.0.1", "127.0.0.1.local", "localhost", "localhost.local"):
            cookie.secure = False


class _Forms(HTMLParser):
    """The forms of a page: each one's action, method and the values it would send as it is
    (hidden and text inputs, ticked boxes and radios, textareas, selected options)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
            }
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    fields[name] = a.get("value") or "on"
                return
            fields[name] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            fields[self._select] = a.get("value") or ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with(html: str, field_name: str | None = None, action: str | None = None) -> dict | None:
    """The first form of the page with a field of that name, or posting to that action."""
    for form in forms_of(html):
        if field_name and field_name in form["fields"]:
            return form
        if action and form["action"].rstrip("/").endswith(action.rstrip("/")):
            return form
    return None


class Recorder:
    """Every request's kind, status and time, from every thread."""

    def __init__(self, max_requests: int, stop: threading.Event):
        self.samples: list[Sample] = []
        self.measuring = False
        self.max_requests = max_requests
        self.stop = stop
        self._lock = threading.Lock()
        self._measured = 0

    def add(self, kind: str, status: int | None, ms: float, problem: str = "") -> None:
        with self._lock:
            self.samples.append(Sample(kind, status, ms, self.measuring, problem))
            if self.measuring:
                self._measured += 1
                if self._measured >= self.max_requests:
                    self.stop.set()


class Stopped(Exception):
    """The run is over: the person stops what they are doing."""


class Browser:
    """One person's browser: a session with its cookies, each request recorded."""

    def __init__(self, base: str, recorder: Recorder, stop: threading.Event):
        import requests

        self.base = base
        self.recorder = recorder
        self.stop = stop
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "tracker-soak"

    def request(self, kind: str, method: str, path: str, *, data=None, finish: bool = False):
        """One request, not following redirects; None if it got no answer. Raises Stopped
        once the run is over, unless `finish` (the person finishes what they started)."""
        import requests

        if self.stop.is_set() and not finish:
            raise Stopped
        started = time.perf_counter()
        try:
            response = self.session.request(
                method, self.base + path, data=data, allow_redirects=False, timeout=120
            )
            response.content  # noqa: B018 (read the body: the time runs to its last byte)
        except requests.RequestException as error:
            ms = (time.perf_counter() - started) * 1000
            self.recorder.add(kind, None, ms, f"{type(error).__name__}: {error}")
            return None
        ms = (time.perf_counter() - started) * 1000
        trust_loopback(self.session.cookies)
        problem = ""
        if response.status_code >= 500:
            problem = f"on {method} {path}"
        self.recorder.add(kind, response.status_code, ms, problem)
        return response

    def sign_in(self, username: str, password: str) -> bool:
        page = self.request("sign_in_form", "GET", "/accounts/login/", finish=True)
        form = form_with(page.text, field_name="username") if page is not None else None
        if form is None:
            return False
        data = {**form["fields"], "username": username, "password": password}
        done = self.request("sign_in", "POST", "/accounts/login/", data=data, finish=True)
        return done is not None and done.status_code == 302


@dataclass
class Person:
    """Someone the soak signs in as, and what they work on."""

    role: str  # "cabinet", "forum", "officer", "coordinator"
    username: str
    password: str
    subjects: list[int] = field(default_factory=list)  # their actions or council actions
    reads: list[int] = field(default_factory=list)  # actions a Cabinet member looks at


class Load:
    """The virtual people, their shared record of requests, and what was posted."""

    def __init__(
        self,
        *,
        base: str,
        people: list[Person],
        run_id: str,
        think: float,
        report_every: float,
        max_requests: int,
        seed: int = 0,
        job_timeout: float = 300,
    ):
        self.base = base
        self.people = people
        self.run_id = run_id
        self.think = think
        self.report_every = report_every
        self.job_timeout = job_timeout
        self.stop = threading.Event()
        self.recorder = Recorder(max_requests, self.stop)
        self.posted: dict[str, list[str]] = {"updates": [], "inputs": []}
        self.jobs = {"asked": 0, "excel": 0, "ready": 0, "failed": 0, "unfinished": 0}
        self.job_seconds: list[float] = []
        self.failures: list[str] = []  # a person who could not go on (signing in, a form)
        self._lock = threading.Lock()
        self._seed = seed
        self._last_report: dict[str, float] = {}
        self._signing_in = threading.Lock()
        self._reports_made: dict[str, int] = {}

    # Markers: unique per run, person and post, so each is found in the database afterwards.
    def marker(self, who: str, n: int) -> str:
        return f"soak-{self.run_id}-{who}-{n}"

    def marker_pattern(self) -> re.Pattern:
        return re.compile(rf"soak-{re.escape(self.run_id)}-[\w.-]+-\d+")

    def _pause(self, rng: random.Random) -> None:
        if self.think > 0:
            self.stop.wait(rng.uniform(0.5, 1.5) * self.think)

    def _fail(self, person: Person, why: str) -> None:
        with self._lock:
            self.failures.append(f"{person.username}: {why}")

    # --- What each role does, once round ---------------------------------------------------

    def cabinet_round(self, browser: Browser, person: Person, rng: random.Random) -> None:
        browser.request("dashboard", "GET", "/dashboard/")
        self._pause(rng)
        browser.request("plan", "GET", "/plan/")
        self._pause(rng)
        if rng.random() < 0.3:
            browser.request("search", "GET", "/plan/?q=volunteering")
            self._pause(rng)
        browser.request("cabinet_report", "GET", "/reports/cabinet/")
        self._pause(rng)
        if person.reads:
            browser.request("action", "GET", f"/actions/{rng.choice(person.reads)}/")
            self._pause(rng)

    def _post_progress(
        self,
        browser: Browser,
        person: Person,
        n: int,
        *,
        page_kind: str,
        page_path: str,
        form_kind: str,
        post_kind: str,
        text_field: str,
        posted: list[str],
    ) -> None:
        browser.request(page_kind, "GET", page_path)
        form_path = page_path + form_kind_path(form_kind)
        form_page = browser.request(form_kind, "GET", form_path)
        if form_page is None or form_page.status_code != 200:
            return
        form = form_with(form_page.text, field_name="version")
        if form is None:
            self._fail(person, f"no form with a version on {page_path}")
            return
        marker = self.marker(person.username, n)
        data = {
            **form["fields"],
            text_field: f"Soak test {marker}: progress reported under load.",
            "submit": "",
        }
        done = browser.request(post_kind, "POST", form_path, data=data, finish=True)
        if done is not None and done.status_code == 302:
            with self._lock:
                posted.append(marker)
        elif done is not None and done.status_code == 200:
            # The form came back with an error: nothing was saved, and nothing should be wrong
            # with what was sent. Counted as an error.
            self.recorder.add(post_kind, None, 0, f"the form was refused on {page_path}")

    def forum_round(self, browser: Browser, person: Person, rng: random.Random, n: int) -> None:
        action = person.subjects[n % len(person.subjects)]
        self._post_progress(
            browser,
            person,
            n,
            page_kind="action",
            page_path=f"/actions/{action}/",
            form_kind="update_form",
            post_kind="update_post",
            text_field="narrative",
            posted=self.posted["updates"],
        )
        self._pause(rng)
        if rng.random() < 0.3:
            browser.request("dashboard", "GET", "/dashboard/")
            self._pause(rng)

    def officer_round(self, browser: Browser, person: Person, rng: random.Random, n: int) -> None:
        council_action = person.subjects[n % len(person.subjects)]
        self._post_progress(
            browser,
            person,
            n,
            page_kind="council_action",
            page_path=f"/council-actions/{council_action}/",
            form_kind="input_form",
            post_kind="input_post",
            text_field="commentary",
            posted=self.posted["inputs"],
        )
        self._pause(rng)

    def coordinator_round(
        self, browser: Browser, person: Person, rng: random.Random, n: int
    ) -> None:
        """Every --report-every seconds a download (the report's PDF, then the Excel workbook,
        in turn); between them the coordinator reads, as a person would."""
        now = time.monotonic()
        last = self._last_report.get(person.username)
        if last is None or now - last >= self.report_every:
            self._last_report[person.username] = now
            made = self._reports_made.get(person.username, 0)
            self._reports_made[person.username] = made + 1
            if made % 2 == 0:
                self.ask_for_report(browser)
            else:
                self.ask_for_excel(browser)
            self._pause(rng)
        browser.request("dashboard", "GET", "/dashboard/")
        self._pause(rng)
        browser.request("plan", "GET", "/plan/")
        self._pause(rng)

    def ask_for_report(self, browser: Browser) -> None:
        with self._lock:
            self.jobs["asked"] += 1
        page = browser.request("report_ask", "GET", "/reports/cabinet.pdf", finish=True)
        self._through_job(browser, page, "report")

    def ask_for_excel(self, browser: Browser) -> None:
        with self._lock:
            self.jobs["excel"] += 1
        page = browser.request("excel", "GET", "/exports/action-plan.xlsx", finish=True)
        self._through_job(browser, page, "Excel")

    def _through_job(self, browser: Browser, page, what: str) -> None:
        """A file made in the request, or the page offering the background job: ask for it,
        poll until it is ready, fetch it."""
        if page is None or page.status_code != 200:
            return
        if "text/html" not in page.headers.get("Content-Type", ""):
            return  # made in the request: the file itself
        form = form_with(page.text, action="/downloads/new/")
        if form is None:
            self.recorder.add("download_request", None, 0, f"no form to ask for the {what}")
            return
        started = time.monotonic()
        queued = browser.request(
            "download_request", "POST", "/downloads/new/", data=form["fields"], finish=True
        )
        if queued is None or queued.status_code != 302:
            return
        location = urlsplit(queued.headers.get("Location", "")).path
        browser.request("download_page", "GET", location, finish=True)
        status = None
        while time.monotonic() - started < self.job_timeout:
            polled = browser.request("download_status", "GET", location + "status/", finish=True)
            if polled is not None and polled.status_code == 200:
                progress = polled.json()
                if progress.get("finished"):
                    status = progress.get("status")
                    break
            time.sleep(1)
        if status == "ready":
            browser.request("download_file", "GET", location + "file/", finish=True)
            with self._lock:
                self.jobs["ready"] += 1
                self.job_seconds.append(round(time.monotonic() - started, 1))
        elif status is None:
            with self._lock:
                self.jobs["unfinished"] += 1
            self.recorder.add("download_status", None, 0, f"the {what} was not ready in time")
        else:
            with self._lock:
                self.jobs["failed"] += 1
            self.recorder.add("download_status", None, 0, f"the {what}'s job {status}")

    # --- Running ------------------------------------------------------------------------------

    def person_loop(self, person: Person, index: int, ready: threading.Barrier) -> None:
        rng = random.Random(f"{self._seed}-{index}")
        browser = Browser(self.base, self.recorder, self.stop)
        rounds = {
            "cabinet": lambda n: self.cabinet_round(browser, person, rng),
            "forum": lambda n: self.forum_round(browser, person, rng, n),
            "officer": lambda n: self.officer_round(browser, person, rng, n),
            "coordinator": lambda n: self.coordinator_round(browser, person, rng, n),
        }
        one_round = rounds[person.role]
        n = 0
        try:
            try:  # signing in, then the warm-up: each task once, before the measured run
                with self._signing_in:  # one at a time, as people arrive
                    signed_in = browser.sign_in(person.username, person.password)
                if not signed_in:
                    self._fail(person, "could not sign in")
                    return
                one_round(n)
                n += 1
            finally:
                with contextlib.suppress(threading.BrokenBarrierError):
                    ready.wait()
            while not self.stop.is_set():
                one_round(n)
                n += 1
        except Stopped:
            return
        except Exception as error:  # a bug in the soak itself: say so, do not hide it
            self._fail(person, f"{type(error).__name__}: {error}")

    def start(self) -> tuple[list[threading.Thread], threading.Barrier]:
        ready = threading.Barrier(len(self.people) + 1)
        threads = [
            threading.Thread(
                target=self.person_loop, args=(person, i, ready), name=f"soak-{i}", daemon=True
            )
            for i, person in enumerate(self.people)
        ]
        for thread in threads:
            thread.start()
        return threads, ready


def form_kind_path(kind: str) -> str:
    """The form's path under its subject's page."""
    return {"update_form": "update/", "input_form": "input/"}[kind]
