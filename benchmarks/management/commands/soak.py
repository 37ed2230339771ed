"""Soak the service under a mixed load (`make soak`, issue 16): see benchmarks/soak.py.

``manage.py soak`` is the driver: it resets the soak database (``SOAK_DATABASE_URL``; else,
when ``DATABASE_URL`` is PostgreSQL, ``tracker_soak`` on the same server; else the SQLite file
``soak.sqlite3``; its name must contain "soak"), runs ``manage.py soak --run`` in a child
process pointed at it, then prints the figures, writes them as a section of ``--output``
(docs/benchmarks.md) and exits non-zero if a target is missed.

``soak --run`` migrates, loads the Cabinet report and a synthetic plan, makes the people,
serves the site with gunicorn (production settings, loopback only), starts a Celery worker if
``CELERY_BROKER_URL`` is set (else jobs run in the request, eagerly), runs the load, stops the
servers, checks every update posted is in the database, and writes its results as JSON.
``soak --report --results FILE`` re-renders saved results.

Development only: it seeds synthetic data and refuses to run with DEBUG off (unless --force).
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import shlex
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from accounts.models import Partner, User
from accounts.roles import Role
from accounts.services import set_role
from actions.models import ActionPartner, CouncilAction, CouncilInput, ProgressUpdate
from benchmarks import http_stage, soak, synthetic
from benchmarks.management.commands.bench import (
    database_description,
    machine_description,
    reset_database,
)
from strategy.seed import load_report

SQLITE_FILE = "soak.sqlite3"
DEFAULT_POSTGRES_NAME = "tracker_soak"
SUBJECTS_EACH = 50  # the actions (or council actions) each person works on, at most


def choose_database_url(environment=None) -> tuple[str, str]:
    """The soak database, and why it was chosen."""
    environment = os.environ if environment is None else environment
    if url := environment.get("SOAK_DATABASE_URL"):
        return url, "SOAK_DATABASE_URL"
    current = environment.get("DATABASE_URL", "")
    if current.startswith(("postgres://", "postgresql://", "pgsql://")):
        base = current.rsplit("/", 1)[0]
        query = current.split("?", 1)[1] if "?" in current else ""
        url = f"{base}/{DEFAULT_POSTGRES_NAME}" + (f"?{query}" if query else "")
        return url, "DATABASE_URL is PostgreSQL: the same server's tracker_soak"
    return f"sqlite:///{Path(settings.BASE_DIR) / SQLITE_FILE}", "DATABASE_URL is not PostgreSQL"


def safe_url(url: str) -> str:
    return http_stage.mask_url(url)


# --- The people ---------------------------------------------------------------------------


def make_people(
    *, strategy_id: int, prefix: str, cabinet: int, forum: int, officers: int, coordinators: int
) -> list[soak.Person]:
    """People for each role, with a password, signed in through the form by the soak; each Forum
    member in an organisation of their own that leads actions (their actions are theirs
    alone), each officer in a council unit of their own (the same for its proposed council
    actions)."""
    password = secrets.token_urlsafe(16)
    council = Partner.objects.filter(kind=Partner.Kind.COUNCIL, slug__startswith=prefix).first()
    forum_partner = Partner.objects.filter(kind=Partner.Kind.FORUM, slug__startswith=prefix).first()
    people: list[soak.Person] = []

    def person(role: str, username: str, group: Role, organisation) -> soak.Person:
        user = User(
            username=username,
            full_name=f"Soak {username}",
            email=f"{username}@synthetic.invalid",
            organisation=organisation,
        )
        user.set_password(password)
        user.save()
        set_role(user=user, role=group)
        return soak.Person(role=role, username=username, password=password)

    in_plan = {"strategy_action__theme__strategy_id": strategy_id}
    reads = list(
        ProgressUpdate.objects.filter(**in_plan)
        .values_list("strategy_action_id", flat=True)
        .distinct()
        .order_by("strategy_action_id")[:SUBJECTS_EACH]
    )
    for n in range(1, cabinet + 1):
        someone = person("cabinet", f"{prefix}-soak-cabinet-{n}", Role.CABINET_MEMBER, council)
        someone.reads = reads
        people.append(someone)

    # Organisations leading the most actions, one per Forum member.
    leads = (
        ActionPartner.objects.filter(role=ActionPartner.Role.LEAD, **in_plan)
        .values("partner_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "partner_id")[:forum]
    )
    chosen = [row["partner_id"] for row in leads]
    for n, organisation_id in enumerate(chosen, 1):
        others = set(chosen) - {organisation_id}
        mine = (
            ActionPartner.objects.filter(
                role=ActionPartner.Role.LEAD, partner_id=organisation_id, **in_plan
            )
            .exclude(strategy_action__responsible_partners__partner_id__in=others)
            .values_list("strategy_action_id", flat=True)
            .order_by("strategy_action_id")[:SUBJECTS_EACH]
        )
        someone = person(
            "forum",
            f"{prefix}-soak-forum-{n}",
            Role.FORUM_MEMBER,
            Partner.objects.get(pk=organisation_id),
        )
        someone.subjects = list(mine)
        if someone.subjects:
            people.append(someone)

    # Council units with the most proposed council actions, one per officer.
    units = (
        CouncilAction.objects.filter(**in_plan)
        .values("responsible_unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "responsible_unit_id")[:officers]
    )
    for n, row in enumerate(units, 1):
        unit = Partner.objects.get(pk=row["responsible_unit_id"])
        someone = person("officer", f"{prefix}-soak-officer-{n}", Role.COUNCIL_OFFICER, unit)
        someone.subjects = list(
            CouncilAction.objects.filter(responsible_unit=unit, **in_plan)
            .order_by("pk")
            .values_list("pk", flat=True)[:SUBJECTS_EACH]
        )
        people.append(someone)

    for n in range(1, coordinators + 1):
        people.append(
            person(
                "coordinator",
                f"{prefix}-soak-coordinator-{n}",
                Role.FORUM_COORDINATOR,
                forum_partner,
            )
        )
    return people


ROLE_NAMES = {
    "cabinet": "Cabinet members",
    "forum": "Forum members",
    "officer": "council officers",
    "coordinator": "Forum coordinator(s)",
}


# --- The servers --------------------------------------------------------------------------------


def _tool(name: str) -> list[str]:
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.exists() else [name]


def start_celery(env: dict, base: Path, log) -> subprocess.Popen:
    """A Celery worker (one process in its pool) on the configured broker, its queue purged."""
    subprocess.run(
        [*_tool("celery"), "-A", "config", "purge", "-f"],
        env=env,
        cwd=base,
        capture_output=True,
        check=False,
        timeout=60,
    )
    return subprocess.Popen(
        [
            *_tool("celery"),
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        cwd=base,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def tree_rss_kib(pid: int) -> int | None:
    """A process's resident memory with its children's (a Celery worker and its pool)."""
    own = soak.rss_kib(pid)
    if own is None:
        return None
    return own + sum(soak.rss_kib(child) or 0 for child in http_stage.child_pids(pid))


def _stop(process: subprocess.Popen | None) -> None:
    if process is not None:
        http_stage._stop(process)


# --- The command ----------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Soak the service: gunicorn with production settings on loopback, a seeded plan, "
        "virtual Cabinet members, Forum members, officers and a coordinator using the real "
        "pages and forms for --duration seconds; report errors, p50/p99 per request, each "
        "worker's memory and whether every update posted was kept; write --output's soak "
        "section; exit non-zero if a target is missed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--duration",
            type=float,
            default=float(os.environ.get("SOAK_DURATION") or 600),
            help="Seconds of measured load (default SOAK_DURATION or 600).",
        )
        parser.add_argument(
            "--max-requests",
            type=int,
            default=200_000,
            help="Stop the measured load after this many requests (default 200,000).",
        )
        parser.add_argument(
            "--warmup", type=float, default=30, help="Seconds of load before measuring."
        )
        parser.add_argument("--actions", type=int, default=1000, help="Synthetic actions.")
        parser.add_argument("--updates", type=int, default=10, help="Updates per action.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument("--cabinet", type=int, default=3, help="Cabinet members.")
        parser.add_argument("--forum", type=int, default=4, help="Forum members.")
        parser.add_argument("--officers", type=int, default=2, help="Council officers.")
        parser.add_argument("--coordinators", type=int, default=1, help="Forum coordinators.")
        parser.add_argument(
            "--think", type=float, default=0.3, help="Mean seconds between a person's requests."
        )
        parser.add_argument(
            "--report-every",
            type=float,
            default=60,
            help="Seconds between the coordinator's downloads (a PDF, then an Excel workbook).",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--note", default="", help="Conditions to note with the figures.")
        parser.add_argument("--output", help="Write the soak's section here (docs/benchmarks.md).")
        parser.add_argument("--results", help="JSON results file (kept if given).")
        parser.add_argument(
            "--force", action="store_true", help="Run even when DEBUG is off (not production!)."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--run",
            action="store_true",
            help="(Internal) seed and soak the current database, writing --results.",
        )
        mode.add_argument(
            "--report", action="store_true", help="Print (and --output) the saved --results."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "soak seeds synthetic data: it refuses to run when DEBUG is off "
                "(give --force to run it anyway)."
            )
        if options["run"]:
            if not options["results"]:
                raise CommandError("--run needs --results FILE.")
            result = self.run(options)
            Path(options["results"]).write_text(json.dumps(result, indent=2))
            return None
        if options["report"]:
            if not options["results"]:
                raise CommandError("--report needs --results FILE.")
            return self.report(json.loads(Path(options["results"]).read_text()), options)
        return self.drive(options)

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    # --- The driver: a fresh database, the soak in a child process, the report -------------------

    def drive(self, options):
        url, reason = choose_database_url()
        self.say(f"Soak database: {safe_url(url)} ({reason})")
        reset_database(url, must_contain="soak", variable="SOAK_DATABASE_URL")
        kept = options["results"]
        results = Path(kept or tempfile.mkstemp(prefix="soak-", suffix=".json")[1])
        results.write_text("")
        child = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "soak",
            "--run",
            "--results",
            str(results),
        ]
        for name in (
            "duration",
            "max_requests",
            "warmup",
            "actions",
            "updates",
            "workers",
            "cabinet",
            "forum",
            "officers",
            "coordinators",
            "think",
            "report_every",
            "seed",
        ):
            child += [f"--{name.replace('_', '-')}", f"{options[name]:g}"]
        if options["force"]:
            child.append("--force")
        command = "manage.py " + shlex.join(sys.argv[1:])
        if os.environ.get("MAKELEVEL"):
            command = f"make soak  # runs: {command}"
        try:
            done = subprocess.run(child, env={**os.environ, "DATABASE_URL": url}, check=False)
            text = results.read_text()
            if done.returncode or not text:
                raise CommandError(f"The soak failed ({done.returncode}); see above.")
            result = json.loads(text)
        finally:
            if not kept:
                results.unlink(missing_ok=True)
        result["meta"].update(
            command=command,
            note=options["note"],
            database_reason=reason,
        )
        result["meta"]["database"] += f" ({reason})"
        if kept:
            results.write_text(json.dumps(result, indent=2))
        return self.report(result, options)

    def report(self, result: dict, options):
        section = soak.render_section(result)
        self.say("")
        self.say(section)
        if options["output"]:
            output = Path(options["output"])
            previous = output.read_text() if output.exists() else ""
            output.write_text(soak.replace_section(previous, section))
            self.say(f"Wrote the soak's section of {output}.")
        missed = [v for v in soak.verdicts(result) if not v["met"]]
        if missed:
            raise CommandError(
                "Soak targets missed: "
                + "; ".join(f"{v['target']} ({v['detail']})" for v in missed)
            )
        self.say(self.style.SUCCESS("Every soak target met."))

    # --- The child: seed, serve, load, check ------------------------------------------------

    def run(self, options) -> dict:
        base = Path(settings.BASE_DIR)
        result: dict = {"meta": {}}
        meta = result["meta"]
        self.say("Migrating …")
        call_command("migrate", interactive=False, verbosity=0)
        self.say("Loading the Cabinet report …")
        load_report()
        self.say(f"Seeding {options['actions']:,} actions × {options['updates']} updates …")
        summary = synthetic.seed(
            actions=options["actions"], updates_per_action=options["updates"], seed=options["seed"]
        )
        prefix = f"synthetic-{summary.label}"
        people = make_people(
            strategy_id=summary.strategy_id,
            prefix=prefix,
            cabinet=options["cabinet"],
            forum=options["forum"],
            officers=options["officers"],
            coordinators=options["coordinators"],
        )
        counts = {}
        for person in people:
            counts[ROLE_NAMES[person.role]] = counts.get(ROLE_NAMES[person.role], 0) + 1
        database = database_description()
        broker = settings.CELERY_BROKER_URL
        cache_url = os.environ.get("CACHE_URL")
        machine = machine_description()
        meta.update(
            date=datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            database=f"{database['vendor']} {database['version']}, "
            f"`{safe_url(os.environ.get('DATABASE_URL', 'the default'))}`, reset for the soak",
            cache=f"`{safe_url(cache_url)}`" if cache_url else "in-process (CACHE_URL unset)",
            jobs=(
                f"a Celery worker (concurrency 1) on `{safe_url(broker)}`"
                if broker
                else "made in the request that asks for them (no CELERY_BROKER_URL: eager)"
            ),
            machine=f"{machine['nproc']} CPUs (`nproc`), {machine['memory']} memory, "
            f"{machine['cpu']}; Python {machine['python']}, Django {machine['django']}",
            plan=f"the Cabinet report and a synthetic plan of {options['actions']:,} actions "
            f"with {options['updates']} updates each "
            f"({summary.counts.get('progress updates', 0):,} updates, "
            f"{summary.counts.get('proposed council actions', 0):,} proposed council actions)",
            people=counts,
            think=f"{options['think']:g}",
            server=f"gunicorn `config.wsgi`, {options['workers']} sync workers, on 127.0.0.1, "
            "DEBUG off, a throwaway SECRET_KEY, ALLOWED_HOSTS=127.0.0.1",
            warmup_s=options["warmup"],
            duration_s=options["duration"],
            max_requests=options["max_requests"],
        )

        secret_key = secrets.token_urlsafe(50)
        media = Path(tempfile.mkdtemp(prefix="soak-media-"))
        env = {**http_stage.production_env(secret_key), "MEDIA_ROOT": str(media)}
        url = env.get("DATABASE_URL", "")
        if database["vendor"] == "sqlite" and url and "?" not in url:
            # Several gunicorn workers write one SQLite file: each transaction takes the write
            # lock at its start and waits for it, instead of failing at once ("database is
            # locked") when a read turns into a write. Production is PostgreSQL.
            env["DATABASE_URL"] = f"{url}?timeout=30&transaction_mode=IMMEDIATE"
        port = http_stage.free_port()
        logs = Path(tempfile.mkdtemp(prefix="soak-logs-"))
        gunicorn_log = (logs / "gunicorn.log").open("w")
        celery_log = (logs / "celery.log").open("w")
        server = worker = None
        run_id = uuid.uuid4().hex[:8]
        load = None
        try:
            self.say("collectstatic …")
            collect = subprocess.run(
                [sys.executable, str(base / "manage.py"), "collectstatic", "--noinput", "-v0"],
                env=env,
                cwd=base,
                capture_output=True,
                text=True,
                check=False,
            )
            if collect.returncode:
                raise RuntimeError(f"collectstatic failed: {collect.stderr.strip()[-300:]}")
            if broker:
                self.say("Starting a Celery worker …")
                worker = start_celery(env, base, celery_log)
            self.say(f"Starting gunicorn ({options['workers']} workers) on 127.0.0.1:{port} …")
            server = subprocess.Popen(
                [
                    *http_stage._gunicorn(),
                    "config.wsgi",
                    "--workers",
                    str(options["workers"]),
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                env=env,
                cwd=base,
                stdout=gunicorn_log,
                stderr=subprocess.STDOUT,
            )
            http_stage.wait_until_healthy(port, server)
            load = soak.Load(
                base=f"http://127.0.0.1:{port}",
                people=people,
                run_id=run_id,
                think=options["think"],
                report_every=options["report_every"],
                max_requests=options["max_requests"],
                seed=options["seed"],
            )
            self.say(f"{len(people)} people signing in and warming up …")
            threads, ready = load.start()
            try:
                ready.wait(timeout=max(300, options["warmup"] * 10))
            except Exception:
                ready.abort()
            load.stop.wait(options["warmup"])
            load.recorder.measuring = True
            started = time.perf_counter()
            start_memory = soak.workers_memory(server.pid)
            celery_start = tree_rss_kib(worker.pid) if worker else None
            self.say(f"Measuring for up to {options['duration']:g} s …")
            stopped_by = "time"
            if not load.stop.wait(options["duration"]):
                load.stop.set()
            elif time.perf_counter() - started < options["duration"] - 0.5:
                stopped_by = "--max-requests reached"
            seconds = time.perf_counter() - started
            end_memory = soak.workers_memory(server.pid)
            celery_end = tree_rss_kib(worker.pid) if worker else None
            meta["stopped_by"] = f"stopped by {stopped_by}"
            self.say("Stopped; waiting for people to finish what they started …")
            for thread in threads:
                thread.join(timeout=load.job_timeout + 60)
            result["load"] = soak.summarise(load.recorder.samples, seconds)
            result["memory"] = soak.memory_growth(start_memory, end_memory)
            result["worker_restarts"] = len(set(start_memory) ^ set(end_memory))
            if worker:
                result["celery_memory"] = {"start_kib": celery_start, "end_kib": celery_end}
            result["jobs"] = {**load.jobs, "seconds": load.job_seconds}
            result["failures"] = load.failures
        except Exception as error:
            result["error"] = f"{type(error).__name__}: {error}"[:500]
        finally:
            _stop(server)
            _stop(worker)
            gunicorn_log.close()
            celery_log.close()
            result["server_log_tail"] = http_stage._tail(logs / "gunicorn.log", 20)
            if worker:
                result["celery_log_tail"] = http_stage._tail(logs / "celery.log", 20)
        if load is not None:
            result["kept"] = self.kept(load)
        if result.get("failures") and not result.get("error"):
            result["error"] = "people could not go on: " + "; ".join(result["failures"][:5])
        for name in ("gunicorn.log", "celery.log"):
            (logs / name).unlink(missing_ok=True)
        logs.rmdir()
        _remove_tree(media)
        return result

    def kept(self, load: soak.Load) -> dict:
        """Every update and input posted, looked for in the database by its marker."""
        pattern = load.marker_pattern()
        needle = f"soak-{load.run_id}-"
        found_updates = {
            m
            for text in ProgressUpdate.all_records.filter(narrative__contains=needle).values_list(
                "narrative", flat=True
            )
            for m in pattern.findall(text)
        }
        found_inputs = {
            m
            for text in CouncilInput.all_records.filter(commentary__contains=needle).values_list(
                "commentary", flat=True
            )
            for m in pattern.findall(text)
        }
        out = {}
        for key, label, posted, found in (
            ("updates", "Progress updates", load.posted["updates"], found_updates),
            ("inputs", "Council input", load.posted["inputs"], found_inputs),
        ):
            out[key] = {
                "label": label,
                "posted": len(posted),
                "found": len(found & set(posted)),
                "missing": sorted(set(posted) - found),
            }
        return out


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
