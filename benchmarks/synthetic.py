"""A large synthetic action plan, made quickly with ``bulk_create``, for benchmarks.

:func:`seed` adds one synthetic run to whatever is in the database: a current
strategy that carries every action, two superseded ones, themes, partners (Third
Sector organisations and a council directorate with divisions), people, a
monitoring round, strategy actions with partners, sub-points and corporate
priorities, proposed council actions, progress updates and council input.

Everything the run creates is named "Synthetic …" and carries a run label (in
slugs, usernames and names), so a second run never clashes with the first. The
content is deterministic for a given ``seed``; only the run label differs.

``bulk_create`` sends no signals, so django-simple-history records no history of its own
for these rows: the seed writes two rows per action instead (made, then changed by its
latest report), so the pages that read history read a plan-sized one.
"""

from __future__ import annotations

import datetime
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import Partner, User
from accounts.roles import Role
from accounts.services import set_role
from actions import ordering, search
from actions.models import (
    ActionPartner,
    ActionPriority,
    CouncilAction,
    CouncilInput,
    Decision,
    Milestone,
    ProgressUpdate,
    ReviewState,
    StrategyAction,
    SubPoint,
)
from actions.services import reference_letter
from actions.status import Status
from discussion.models import Comment
from indicators import standing
from indicators.models import Indicator, IndicatorTarget, IndicatorValue
from monitoring.models import MonitoringRound
from reports import rollups
from risks.models import Risk, RiskMitigation, RiskReview
from strategy.models import CorporatePriority, Strategy
from themes.models import PartnershipExample, Theme

BATCH_SIZE = 2000

# The final status of a strategy action, and how often each comes up.
FINAL_STATUSES = [
    (Status.NOT_STARTED, 8),
    (Status.ON_TRACK, 40),
    (Status.AT_RISK, 20),
    (Status.OFF_TRACK, 12),
    (Status.COMPLETED, 15),
    (Status.WITHDRAWN, 5),
]
# The status of an earlier update, on the way to the final one.
INTERIM_STATUSES = [Status.ON_TRACK, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK]

SUBJECTS = [
    "The Forum",
    "Partners",
    "The lead organisation",
    "Volunteers",
    "The council team",
    "The working group",
    "Local groups",
    "The steering group",
    "Trustees",
    "The project officer",
]
VERBS = [
    "agreed",
    "reviewed",
    "published",
    "drafted",
    "launched",
    "discussed",
    "mapped",
    "piloted",
    "costed",
    "completed",
    "consulted on",
    "updated",
]
OBJECTS = [
    "a shared volunteering plan",
    "the funding bid",
    "the training programme",
    "a directory of services",
    "the commissioning framework",
    "the monitoring return",
    "a community hub pilot",
    "the grants criteria",
    "a survey of members",
    "the partnership agreement",
    "the communications plan",
    "an asset transfer proposal",
]
QUALIFIERS = [
    "with local groups",
    "ahead of schedule",
    "after a short delay",
    "with the council",
    "for the next quarter",
    "at the Forum meeting",
    "in three wards",
    "with new partners",
    "within existing resources",
    "following feedback",
]
IMPERATIVES = [
    "Develop",
    "Review",
    "Publish",
    "Agree",
    "Map",
    "Pilot",
    "Promote",
    "Strengthen",
    "Support",
    "Extend",
]
REASONS = [
    "Funding was confirmed later than planned.",
    "A key partner asked for more time.",
    "The consultation period was extended.",
    "Staff changes delayed the work.",
    "The work now depends on the new commissioning cycle.",
]


@dataclass
class SeedSummary:
    """What a synthetic run created, and how long it took."""

    label: str
    strategy_id: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    steps: list[tuple[str, float]] = field(default_factory=list)

    def lines(self) -> list[str]:
        width = max(len(name) for name in self.counts)
        rows = [f"  {name.ljust(width)}  {count:>9,}" for name, count in self.counts.items()]
        return [
            f"Synthetic run {self.label} (current strategy id {self.strategy_id}):",
            *rows,
            f"Seeded in {self.seconds:.1f} s.",
        ]


class _Text:
    """Short generated sentences, drawn from a fixed pool so that making them is cheap."""

    def __init__(self, rng: random.Random, size: int = 600):
        self.rng = rng
        self.pool = [
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"{rng.choice(QUALIFIERS)}."
            for _ in range(size)
        ]

    def sentence(self) -> str:
        return self.rng.choice(self.pool)

    def sentences(self, n: int) -> str:
        return " ".join(self.rng.choice(self.pool) for _ in range(n))

    def action(self) -> str:
        rng = self.rng
        return f"{rng.choice(IMPERATIVES)} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)}."


@contextmanager
def _keeping_created_at(*models):
    """Let bulk_create write the `created_at` we give (it is `auto_now_add`)."""
    fields = [model._meta.get_field("created_at") for model in models]
    saved = [f.auto_now_add for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in zip(fields, saved, strict=True):
            f.auto_now_add = value


def _analyse(*models) -> None:
    """Update the planner's statistics for these tables (PostgreSQL and SQLite)."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def analyse_everything() -> None:
    """Refresh the planner's statistics for every table in the database; on PostgreSQL,
    outside a transaction, VACUUM too.

    After a bulk load, a table left without statistics is planned as if it were empty, and
    the pages' figures would measure that, not the code. Until it is vacuumed, PostgreSQL
    must visit the table for every row an index finds (its visibility map is empty), so a
    count over an index reads the heap too. Autovacuum does both in production, minutes
    after a load; the benchmark does it at once rather than measure the minutes between.
    """
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")


HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _record_history(queryset, last_report: str, report_model, *, made) -> int:
    """History as the services would have left it, in two INSERT … SELECTs: each action of
    `queryset` made (not started) at `made`, and changed to its current state when its latest
    report (`last_report`, e.g. "last_update_id", a row of `report_model`) was made.

    Without it the changes page and an action's "Changes to this action" would read an empty
    history, and the benchmark would not measure them at a real plan's size.
    """
    model = queryset.model
    history = model.history.model
    q = connection.ops.quote_name
    skipped = ("history_id", *HISTORY_COLUMNS)
    tracked = [f.column for f in history._meta.concrete_fields if f.column not in skipped]
    columns = ", ".join(q(c) for c in (*tracked, *HISTORY_COLUMNS))
    into = f"INSERT INTO {q(history._meta.db_table)} ({columns})"
    made_as = {"status": "%s", "percent_complete": "0", "version": "1"}
    first = ", ".join(made_as.get(c, f"a.{q(c)}") for c in tracked)
    now = ", ".join(f"a.{q(c)}" for c in tracked)
    reports = q(report_model._meta.db_table)
    then = f"(SELECT r.{q('created_at')} FROM {reports} r WHERE r.{q('id')} = a.{q(last_report)})"
    ids, ids_params = queryset.order_by().values("pk").query.sql_with_params()
    source = f"FROM {q(model._meta.db_table)} a WHERE a.{q('id')} IN ({ids})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"{into} SELECT {first}, %s, NULL, '+', NULL {source}",
            [Status.NOT_STARTED.value, connection.ops.adapt_datetimefield_value(made), *ids_params],
        )
        added = cursor.rowcount
        cursor.execute(
            f"{into} SELECT {now}, {then}, NULL, '~', NULL {source} "
            f"AND a.{q(last_report)} IS NOT NULL",
            list(ids_params),
        )
        return added + cursor.rowcount


#: One action in this many has an update waiting for review.
PENDING_EVERY = 50


def approved_at(moment: datetime.datetime) -> dict:
    """A synthetic record's review: submitted and approved when it was made."""
    return {"review_state": ReviewState.APPROVED, "submitted_at": moment, "reviewed_at": moment}


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _insert(model, objects: Iterable, counts: dict[str, int], name: str) -> list:
    """bulk_create a batch at a time; forget the (large) SQL Django keeps when DEBUG is on."""
    created = []
    for chunk in _chunks(objects, BATCH_SIZE):
        created.extend(model.objects.bulk_create(chunk, batch_size=BATCH_SIZE))
        reset_queries()
    counts[name] = counts.get(name, 0) + len(created)
    return created


def _stream(model, objects: Iterable, counts: dict[str, int], name: str) -> None:
    """Like _insert, but keeps nothing: for the hundreds of thousands of updates."""
    total = 0
    for chunk in _chunks(objects, BATCH_SIZE):
        model.objects.bulk_create(chunk, batch_size=BATCH_SIZE)
        total += len(chunk)
        reset_queries()
    counts[name] = counts.get(name, 0) + total


@dataclass
class _Plan:
    """What one tracked action will go through: its reports, and where it ends up."""

    final_status: str
    final_percent: int
    original: datetime.date
    revised: datetime.date | None = None
    revised_at: int | None = None  # index of the report that revised the date
    reports: list[tuple[str, int]] = field(default_factory=list)  # (status, percent)


def _plan_reports(
    rng: random.Random, n: int, today: datetime.date, slip_chance: float, min_days: int
) -> _Plan:
    final = rng.choices([s for s, _ in FINAL_STATUSES], [w for _, w in FINAL_STATUSES])[0]
    original = today + datetime.timedelta(days=rng.randint(min_days, 700))
    if n == 0:
        return _Plan(Status.NOT_STARTED, 0, original)
    percent = {
        Status.NOT_STARTED: 0,
        Status.ON_TRACK: rng.randint(20, 90),
        Status.AT_RISK: rng.randint(10, 70),
        Status.OFF_TRACK: rng.randint(0, 50),
        Status.COMPLETED: 100,
        Status.WITHDRAWN: rng.randint(0, 40),
    }[final]
    plan = _Plan(final, percent, original)
    for i in range(n):
        if i == n - 1:
            plan.reports.append((final, percent))
        elif final == Status.NOT_STARTED:
            plan.reports.append((Status.NOT_STARTED, 0))
        else:
            plan.reports.append((rng.choice(INTERIM_STATUSES), percent * (i + 1) // n))
    if rng.random() < slip_chance:
        plan.revised = original + datetime.timedelta(days=rng.randint(30, 300))
        plan.revised_at = rng.randrange(n)
    return plan


def _times(
    rng: random.Random, n: int, now: datetime.datetime, oldest_days: int, newest_days: int
) -> list[datetime.datetime]:
    """n increasing times: the first up to `oldest_days` ago, the last within `newest_days`."""
    if n == 0:
        return []
    last = now - datetime.timedelta(seconds=rng.randint(3600, newest_days * 86400))
    first = now - datetime.timedelta(days=rng.randint(newest_days + 30, oldest_days))
    if n == 1:
        return [last]
    step = (last - first) / (n - 1)
    jitter = step.total_seconds() / 4
    times = [
        first + step * i + datetime.timedelta(seconds=rng.uniform(-jitter, jitter))
        for i in range(1, n - 1)
    ]
    return [first, *times, last]


def _report_fields(
    plan: _Plan, i: int, status: str, percent: int, reason: Callable[[], str]
) -> dict:
    """Target-date fields of report i, as the services would record them."""
    current = plan.revised if plan.revised_at is not None and i > plan.revised_at else None
    fields = {
        "status": status,
        "percent_complete": percent,
        "previous_target_date": current or plan.original,
    }
    if i == plan.revised_at:
        fields["revised_target_date"] = plan.revised
        fields["revision_reason"] = reason()
    return fields


def seed(
    *,
    actions: int,
    updates_per_action: int,
    seed: int = 0,
    log: Callable[[str], None] | None = None,
) -> SeedSummary:
    """Add a synthetic plan of `actions` strategy actions with `updates_per_action` updates each.

    One transaction; the rows are made with bulk_create, so no history is recorded. Then
    every table is analysed (and on PostgreSQL vacuumed), as autovacuum would after a load.
    """
    started = time.perf_counter()
    step_started = started
    rng = random.Random(seed)
    text = _Text(rng)
    label = uuid.uuid4().hex[:6]
    prefix = f"synthetic-{label}"
    run = f"(run {label})"
    now = timezone.now()
    today = timezone.localdate()
    counts: dict[str, int] = {}
    steps: list[tuple[str, float]] = []

    def done(step: str) -> None:
        nonlocal step_started
        t = time.perf_counter()
        steps.append((step, t - step_started))
        if log:
            log(f"  {step}: {t - step_started:.1f} s")
        step_started = t

    with transaction.atomic():
        # --- Strategies, priorities and themes ------------------------------------------
        next_priority = (
            CorporatePriority.objects.order_by("-number").values_list("number", flat=True).first()
            or 0
        ) + 1
        priorities = _insert(
            CorporatePriority,
            (
                CorporatePriority(number=next_priority + i, title=f"Synthetic priority {i} {run}")
                for i in range(1, 4)
            ),
            counts,
            "corporate priorities",
        )
        older = None
        strategies = []
        for year, status in ((2010, "superseded"), (2011, "superseded"), (2013, "current")):
            strategies.append(
                Strategy.objects.create(
                    slug=f"{prefix}-strategy-{year}",
                    title=f"Synthetic Third Sector Strategy {year} {run}",
                    status=status,
                    vision=text.sentence(),
                    summary=text.sentences(2),
                    plan_years=3,
                    starts_on=datetime.date(year, 4, 1),
                    ends_on=datetime.date(year + 3, 3, 31),
                    adoption=Strategy.Adoption.ADOPTED,
                    adopted_by="Cabinet",
                    adopted_on=datetime.date(year, 3, 14),
                    supersedes=older,
                )
            )
            older = strategies[-1]
        counts["strategies"] = len(strategies)
        current = strategies[-1]
        current.corporate_priorities.set(priorities)

        theme_count = max(2, actions // 50)
        themes = _insert(
            Theme,
            [
                Theme(
                    strategy=current,
                    number=n,
                    title=f"Synthetic theme {n}",
                    description=text.sentence(),
                )
                for n in range(1, theme_count + 1)
            ]
            + [
                Theme(strategy=s, number=n, title=f"Synthetic earlier theme {n}")
                for s in strategies[:-1]
                for n in (1, 2)
            ],
            counts,
            "themes",
        )
        current_themes = themes[:theme_count]
        _insert(
            PartnershipExample,
            (
                PartnershipExample(theme=t, position=p, text=text.sentence())
                for t in themes[theme_count:]
                for p in (1, 2)
            ),
            counts,
            "partnership examples",
        )

        # --- Partners and people ------------------------------------------------------------
        council = Partner.objects.create(
            slug=f"{prefix}-council", name=f"Synthetic council {run}", kind=Partner.Kind.COUNCIL
        )
        directorate = Partner.objects.create(
            slug=f"{prefix}-directorate",
            name=f"Synthetic directorate {run}",
            kind=Partner.Kind.DIRECTORATE,
            parent=council,
        )
        forum = Partner.objects.create(
            slug=f"{prefix}-forum", name=f"Synthetic Forum {run}", kind=Partner.Kind.FORUM
        )
        counts["partners"] = 3
        divisions = _insert(
            Partner,
            (
                Partner(
                    slug=f"{prefix}-division-{n}",
                    name=f"Synthetic division {n} {run}",
                    kind=Partner.Kind.DIVISION,
                    parent=directorate,
                )
                for n in range(1, min(12, 4 + actions // 2500) + 1)
            ),
            counts,
            "partners",
        )
        organisations = _insert(
            Partner,
            (
                Partner(
                    slug=f"{prefix}-organisation-{n}",
                    name=f"Synthetic organisation {n} {run}",
                    kind=Partner.Kind.ORGANISATION,
                )
                for n in range(1, max(3, actions // 20) + 1)
            ),
            counts,
            "partners",
        )

        unusable = make_password(None)

        def person(username: str, name: str, organisation: Partner) -> User:
            return User(
                username=f"{prefix}-{username}",
                full_name=f"Synthetic {name}",
                email=f"{prefix}-{username}@synthetic.invalid",
                organisation=organisation,
                password=unusable,
            )

        members = [
            person(f"member-{n}", f"Forum member {n}", organisations[n % len(organisations)])
            for n in range(1, 6)
        ]
        officers = [person(f"officer-{n}", f"officer {n}", d) for n, d in enumerate(divisions, 1)]
        coordinator = person("coordinator", "Forum coordinator", forum)
        _insert(User, [*members, *officers, coordinator], counts, "users")
        for user in members:
            set_role(user=user, role=Role.FORUM_MEMBER)
        for user in officers:
            set_role(user=user, role=Role.COUNCIL_OFFICER)
        set_role(user=coordinator, role=Role.FORUM_COORDINATOR)
        officer_for = {o.organisation_id: o for o in officers}

        # One round, open unless another round already is (only one may be open).
        round_start = today - datetime.timedelta(days=60)
        is_open = not MonitoringRound.objects.open().exists()
        round_ = MonitoringRound.objects.create(
            name=f"Synthetic round {run}",
            state=MonitoringRound.State.OPEN if is_open else MonitoringRound.State.CLOSED,
            period_start=round_start,
            period_end=today + datetime.timedelta(days=30),
            due_date=today + datetime.timedelta(days=45),
            opened_by=coordinator,
            closed_at=None if is_open else now,
            closed_by=None if is_open else coordinator,
        )
        counts["monitoring rounds"] = 1
        round_since = timezone.make_aware(datetime.datetime.combine(round_start, datetime.time()))
        done("strategies, themes, partners, people")

        # --- Strategy actions ---------------------------------------------------------------
        action_plans: list[_Plan] = []
        new_actions = []
        position = {}
        for i in range(actions):
            theme = current_themes[i * theme_count // actions]
            position[theme.pk] = position.get(theme.pk, 0) + 1
            plan = _plan_reports(rng, updates_per_action, today, 0.2, -400)
            action_plans.append(plan)
            new_actions.append(
                StrategyAction(
                    theme=theme,
                    position=position[theme.pk],
                    reference=f"T{theme.number}.{position[theme.pk]}",
                    text=text.action(),
                    status=plan.final_status,
                    percent_complete=plan.final_percent,
                    original_target_date=plan.original,
                    revised_target_date=plan.revised,
                )
            )
        new_actions = _insert(StrategyAction, new_actions, counts, "strategy actions")
        done("strategy actions")

        lead_of: dict[int, Partner] = {}  # each action's lead partner, owner of its milestones

        def links():
            for action in new_actions:
                lead, supporting = rng.sample(organisations, 2)
                lead_of[action.pk] = lead
                yield ActionPartner(
                    strategy_action=action, partner=lead, role=ActionPartner.Role.LEAD
                )
                if rng.random() < 0.3:
                    yield ActionPartner(
                        strategy_action=action,
                        partner=supporting,
                        role=ActionPartner.Role.SUPPORTING,
                    )

        _insert(ActionPartner, links(), counts, "action partners")
        _insert(
            SubPoint,
            (
                SubPoint(strategy_action=action, position=p, text=text.sentence())
                for action in new_actions
                for p in range(1, rng.choice((0, 1, 2, 2, 3)) + 1)
            ),
            counts,
            "sub-points",
        )
        _insert(
            ActionPriority,
            (
                ActionPriority(strategy_action=action, priority=priority)
                for action in new_actions
                for priority in rng.sample(priorities, rng.choice((1, 1, 2)))
            ),
            counts,
            "action priorities",
        )
        done("partners, sub-points, priorities")

        # --- Proposed council actions --------------------------------------------------------
        council_plans: list[_Plan] = []
        new_council_actions = []
        decisions = list(Decision.values)
        for action in new_actions:
            for p in range(1, rng.choice((0, 1, 1, 2, 2, 3)) + 1):
                plan = _plan_reports(
                    rng, rng.choice((1, 2, 3)) if rng.random() < 0.6 else 0, today, 0.15, -300
                )
                council_plans.append(plan)
                unit = rng.choice(divisions)
                decided = rng.random() < 0.4
                new_council_actions.append(
                    CouncilAction(
                        strategy_action=action,
                        position=p,
                        reference=f"{action.reference}{reference_letter(p)}",
                        text=text.action(),
                        responsible_unit=unit,
                        lead_officer=officer_for[unit.pk] if rng.random() < 0.5 else None,
                        status=plan.final_status,
                        percent_complete=plan.final_percent,
                        original_target_date=plan.original,
                        revised_target_date=plan.revised,
                        decision=rng.choice(decisions) if decided else "",
                        decision_reason=text.sentence() if decided else "",
                        decided_on=today - datetime.timedelta(days=rng.randint(30, 400))
                        if decided
                        else None,
                        decided_by_body="Cabinet" if decided else "",
                    )
                )
        new_council_actions = _insert(
            CouncilAction, new_council_actions, counts, "proposed council actions"
        )
        done("proposed council actions")

        # --- Progress updates and council input ------------------------------------------------
        def reason() -> str:
            return rng.choice(REASONS)

        def updates():
            for action, plan in zip(new_actions, action_plans, strict=True):
                times = _times(rng, len(plan.reports), now, 720, 120)
                for i, ((status, percent), at) in enumerate(zip(plan.reports, times, strict=True)):
                    author = rng.choice(members)
                    yield ProgressUpdate(
                        strategy_action=action,
                        author=author,
                        organisation_id=author.organisation_id,
                        created_at=at,
                        **approved_at(at),
                        round=round_ if at >= round_since else None,
                        narrative=text.sentences(2),
                        next_steps=text.sentence() if rng.random() < 0.5 else "",
                        evidence_url=f"https://example.org/evidence/{action.pk}/{i}"
                        if rng.random() < 0.1
                        else "",
                        **_report_fields(plan, i, status, percent, reason),
                    )

        def inputs():
            for ca, plan in zip(new_council_actions, council_plans, strict=True):
                author = officer_for[ca.responsible_unit_id]
                times = _times(rng, len(plan.reports), now, 400, 90)
                for i, ((status, percent), at) in enumerate(zip(plan.reports, times, strict=True)):
                    yield CouncilInput(
                        council_action=ca,
                        author=author,
                        organisation_id=author.organisation_id,
                        created_at=at,
                        **approved_at(at),
                        commentary=text.sentences(2),
                        resources="Within existing resources" if rng.random() < 0.3 else "",
                        **_report_fields(plan, i, status, percent, reason),
                    )

        def waiting():
            """One action in PENDING_EVERY has an update submitted in the open round and
            waiting for review (the review queue's work); it counts nowhere yet."""
            for index, (action, plan) in enumerate(zip(new_actions, action_plans, strict=True)):
                if index % PENDING_EVERY:
                    continue
                author = rng.choice(members)
                at = now - datetime.timedelta(minutes=rng.randint(5, 20 * 24 * 60))
                yield ProgressUpdate(
                    strategy_action=action,
                    author=author,
                    organisation_id=author.organisation_id,
                    created_at=at,
                    review_state=ReviewState.SUBMITTED,
                    submitted_at=at,
                    round=round_,
                    narrative=text.sentences(2),
                    status=plan.final_status,
                    percent_complete=plan.final_percent,
                )

        with _keeping_created_at(ProgressUpdate, CouncilInput):
            _stream(ProgressUpdate, updates(), counts, "progress updates")
            _stream(ProgressUpdate, waiting(), counts, "updates waiting for review")
            done("progress updates")
            _stream(CouncilInput, inputs(), counts, "council input")
            done("council input")

        # --- Milestones (issue 13): up to four a strategy action, up to two a council action;
        # about half done, some of the rest overdue (the dashboard's exceptions).
        def milestones():
            def one(owner, n, **action):
                due = today + datetime.timedelta(days=rng.randint(-300, 500))
                finished = due < today and rng.random() < 0.6
                return Milestone(
                    **action,
                    title=f"Synthetic milestone {n}: {text.sentence()[:150]}",
                    due_date=due,
                    owner=owner,
                    done_on=due if finished else None,
                    done_by=rng.choice(members) if finished else None,
                    added_by=rng.choice(members),
                    added_at=now - datetime.timedelta(days=rng.randint(300, 700)),
                )

            for action in new_actions:
                for n in range(1, rng.choice((0, 1, 2, 3, 4)) + 1):
                    yield one(lead_of[action.pk], n, strategy_action=action)
            for ca in new_council_actions:
                for n in range(1, rng.choice((0, 0, 1, 2)) + 1):
                    yield one(ca.responsible_unit, n, council_action=ca)

        _stream(Milestone, milestones(), counts, "milestones")
        done("milestones")

        # --- Indicators (issue 13): one for every 20 strategy actions, each linked to up to
        # three of them and a theme, with a target or two and a value a quarter for three
        # years (12), the latest of one in ten waiting for review.
        indicators = _insert(
            Indicator,
            (
                Indicator(
                    strategy=current,
                    name=f"Synthetic indicator {n} {run}",
                    definition=text.sentence(),
                    unit=rng.choice(("people", "%", "groups", "£")),
                    direction=rng.choice(("up", "up", "up", "down", "hold")),
                    baseline_value=Decimal(rng.randint(10, 500)),
                    baseline_date=today - datetime.timedelta(days=3 * 365),
                    source="Synthetic records",
                    owner=rng.choice(organisations),
                    created_by=coordinator,
                )
                for n in range(1, max(2, actions // 20) + 1)
            ),
            counts,
            "indicators",
        )
        _insert(
            IndicatorTarget,
            (
                IndicatorTarget(
                    indicator=indicator,
                    value=indicator.baseline_value * Decimal(rng.choice(("0.5", "1.5", "2"))),
                    date=today + datetime.timedelta(days=365 * year),
                )
                for indicator in indicators
                for year in range(1, rng.choice((1, 2)) + 1)
            ),
            counts,
            "indicator targets",
        )

        def indicator_links():
            for indicator in indicators:
                for action in rng.sample(new_actions, min(len(new_actions), rng.randint(1, 3))):
                    yield Indicator.strategy_actions.through(
                        indicator=indicator, strategyaction=action
                    )

        _insert(Indicator.strategy_actions.through, indicator_links(), counts, "indicator links")
        _insert(
            Indicator.themes.through,
            (
                Indicator.themes.through(indicator=i, theme=rng.choice(current_themes))
                for i in indicators
            ),
            counts,
            "indicator links",
        )

        def indicator_values():
            for index, indicator in enumerate(indicators):
                level = indicator.baseline_value
                for quarter in range(12):
                    at = now - datetime.timedelta(days=91 * (11 - quarter) + rng.randint(0, 20))
                    level = max(Decimal(0), level + Decimal(rng.randint(-20, 40)))
                    waiting = quarter == 11 and index % 10 == 0
                    yield IndicatorValue(
                        indicator=indicator,
                        value=level,
                        measured_on=at.date(),
                        note=text.sentence() if rng.random() < 0.3 else "",
                        author=coordinator,
                        organisation=forum,
                        round=round_ if at >= round_since else None,
                        created_at=at,
                        **(
                            {"review_state": ReviewState.SUBMITTED, "submitted_at": at}
                            if waiting
                            else approved_at(at)
                        ),
                    )

        with _keeping_created_at(IndicatorValue):
            _stream(IndicatorValue, indicator_values(), counts, "indicator values")
        # bulk_create sends no signals: store each verdict as the app would have.
        standing.refresh_all()
        done("indicators")

        # --- Discussion (issue 13): one strategy action in five has a thread of 1 to 6.
        def comments():
            people = [*members, *officers]
            for action in new_actions:
                if rng.random() >= 0.2:
                    continue
                for _ in range(rng.randint(1, 6)):
                    author = rng.choice(people)
                    yield Comment(
                        strategy_action=action,
                        author=author,
                        organisation_id=author.organisation_id,
                        body=text.sentences(2),
                        created_at=now - datetime.timedelta(minutes=rng.randint(5, 400 * 24 * 60)),
                    )

        with _keeping_created_at(Comment):
            _stream(Comment, comments(), counts, "comments")
        done("comments")

        # --- Risks (issue 15): one for every 20 strategy actions, one in four at strategy
        # level, each with two mitigations and a review a quarter for a year, the latest in
        # the open round for half; scores spread over the matrix, one in ten not yet scored.
        def risk(n: int) -> Risk:
            scored = n % 10 != 0
            likelihood, impact = (rng.randint(1, 5), rng.randint(1, 5)) if scored else (None, None)
            action = rng.choice(new_actions) if n % 4 else None
            return Risk(
                strategy=current,
                strategy_action=action,
                reference=f"S{n}",
                description=text.sentences(2),
                likelihood=likelihood,
                impact=impact,
                score=likelihood * impact if scored else None,
                owner=rng.choice(organisations),
                review_date=today + datetime.timedelta(days=rng.randint(-30, 90)),
                status=rng.choice((Risk.Status.OPEN, Risk.Status.OPEN, Risk.Status.MANAGED)),
                created_by=coordinator,
                created_at=now - datetime.timedelta(days=400),
            )

        risks = _insert(
            Risk, (risk(n) for n in range(1, max(2, actions // 20) + 1)), counts, "risks"
        )
        _insert(
            RiskMitigation,
            (
                RiskMitigation(risk=r, position=position, text=text.sentence())
                for r in risks
                for position in (1, 2)
            ),
            counts,
            "risk mitigations",
        )

        def risk_reviews():
            for index, r in enumerate(risks):
                for quarter in range(4):
                    at = now - datetime.timedelta(days=91 * (3 - quarter) + rng.randint(0, 20))
                    latest = quarter == 3
                    yield RiskReview(
                        risk=r,
                        round=round_ if latest and index % 2 == 0 else None,
                        reviewed_by=coordinator,
                        reviewed_at=at,
                        likelihood=r.likelihood,
                        impact=r.impact,
                        status=r.status,
                        note=text.sentence(),
                        next_review_date=r.review_date if latest else at.date(),
                    )

        _stream(RiskReview, risk_reviews(), counts, "risk reviews")
        done("risks")

        # Fresh statistics, or PostgreSQL plans the UPDATEs below (and the pages) as if the
        # tables were empty: minutes instead of a second at 200,000 updates.
        _analyse(
            StrategyAction, ProgressUpdate, CouncilAction, CouncilInput, ActionPartner, SubPoint
        )

        # --- The latest report on each action, in one UPDATE each --------------------------------
        StrategyAction.objects.filter(theme__strategy=current).update(
            last_update=Subquery(
                ProgressUpdate.objects.filter(strategy_action=OuterRef("pk"))
                .order_by("-created_at", "-pk")
                .values("pk")[:1]
            )
        )
        CouncilAction.objects.filter(strategy_action__theme__strategy=current).update(
            last_input=Subquery(
                CouncilInput.objects.filter(council_action=OuterRef("pk"))
                .order_by("-created_at", "-pk")
                .values("pk")[:1]
            )
        )
        done("latest update and input")

        # --- History: each action made, then changed by its latest report ------------------------
        made = now - datetime.timedelta(days=800)  # before the oldest update (720 days)
        counts["history rows"] = _record_history(
            StrategyAction.objects.filter(theme__strategy=current),
            "last_update_id",
            ProgressUpdate,
            made=made,
        ) + _record_history(
            CouncilAction.objects.filter(strategy_action__theme__strategy=current),
            "last_input_id",
            CouncilInput,
            made=made,
        )
        done("history")

        # Bulk inserts bypass the signals that keep plan order and search documents.
        ordering.renumber(everything=True)
        done("plan order")
        search.refresh_all()
        done("search documents")
        rollups.refresh_all()
        done("dashboard roll-ups")

    # Every table, not only those above: the pages read the others too (themes, partners,
    # sessions, …), and the UPDATEs above have just rewritten two of the largest.
    analyse_everything()
    done("VACUUM and ANALYZE")

    return SeedSummary(
        label=label,
        strategy_id=current.pk,
        counts=counts,
        seconds=time.perf_counter() - started,
        steps=steps,
    )
