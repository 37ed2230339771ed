"""Load the demo's story (demo/story.py) through the product's own services, dated over the
past year (demo/timeshift.py): rounds opened and closed, updates posted and approved, council
input recorded and approved, a decision, and a Cabinet report after each closed round."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Partner, User
from actions import services as action_services
from actions.models import CouncilAction, CouncilInput, ProgressUpdate, ReviewState, StrategyAction
from monitoring import services as round_services
from reports import freshness
from reports import services as report_services
from reports.models import CabinetReport
from strategy.models import DemoProgress, Strategy

from . import story
from .timeshift import happened_on, shift_since

STRATEGY = "third-sector-strategy-2013"
DEMO = "Demo: "
QUARTER_NAMES = {
    1: "January to March",
    4: "April to June",
    7: "July to September",
    10: "October to December",
}


class NotReady(Exception):
    """The demo cannot be loaded on this database (say why)."""


class AlreadyLoaded(Exception):
    """The demo is added once; running again changes nothing."""


@dataclass
class Counts:
    made: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.made[what] = self.made.get(what, 0) + n

    def lines(self) -> list[str]:
        return [f"{n} {what}" for what, n in self.made.items()]


@dataclass
class People:
    forum: User
    coordinator: User
    officer: User
    admin: User


def quarters(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The four quarters up to and including the one three weeks ago (so the open round has
    been open long enough to hold updates), oldest first."""
    anchor = today - datetime.timedelta(days=21)
    starts = []
    year, month = anchor.year, 1 + 3 * ((anchor.month - 1) // 3)
    for _ in range(4):
        starts.append(datetime.date(year, month, 1))
        month -= 3
        if month < 1:
            year, month = year - 1, month + 12
    starts.reverse()
    ends = [*(s - datetime.timedelta(days=1) for s in starts[1:]), _quarter_end(starts[-1])]
    return list(zip(starts, ends, strict=True))


def _quarter_end(start: datetime.date) -> datetime.date:
    month = start.month + 3
    year = start.year + (month > 12)
    return datetime.date(year, (month - 1) % 12 + 1, 1) - datetime.timedelta(days=1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def people() -> People:
    found = {
        u.username: u
        for u in User.objects.filter(username__in=["forum", "coordinator", "officer", "admin"])
    }
    missing = {"forum", "coordinator", "officer", "admin"} - set(found)
    if missing:
        raise NotReady(
            "Create the demo accounts first (manage.py create_demo_accounts): missing "
            + ", ".join(sorted(missing))
        )
    return People(**found)


def check_ready() -> Strategy:
    strategy = Strategy.objects.filter(slug=STRATEGY).first()
    if strategy is None:
        raise NotReady("Load the Cabinet report first (manage.py load_cabinet_report).")
    if DemoProgress.present():
        raise AlreadyLoaded("Demo progress is already loaded: nothing was added.")
    if ProgressUpdate.all_records.exists() or CouncilInput.all_records.exists():
        raise NotReady(
            "The demo goes on a tracker holding the report alone, and this one already has "
            "progress: use a database of its own (make demo uses db-demo.sqlite3)."
        )
    return strategy


def load(today: datetime.date | None = None) -> Counts:
    """Add the demo's year on top of the report. Each step is its own transaction, so a
    report's PDF is made as the plan stood when it was generated."""
    strategy = check_ready()
    who = people()
    today = today or timezone.localdate()
    counts = Counts()
    rounds = quarters(today)
    # What was there before the story (the report, loaded today, and its history) is dated
    # the day before the story starts, so the history reads in order.
    shift_since(at(rounds[0][0], 0), at(rounds[0][0] - datetime.timedelta(days=1), 9))
    # First, so that every page (and each report's PDF) says demo records are here.
    DemoProgress.objects.create(summary="A year of quarterly rounds on the 2013 plan.")
    freshness.bump()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        indicators = _define_indicators(strategy, who, rounds)
        counts.add("indicators", len(indicators))
        for number, (start, end) in enumerate(rounds):
            _one_round(
                indicators,
                strategy,
                who,
                number,
                start,
                end,
                today,
                counts,
                last=number == len(rounds) - 1,
            )
        _decision(strategy, who, rounds[1][0] + datetime.timedelta(days=40), counts)
        for extra in EXTRAS:
            extra(strategy=strategy, people=who, rounds=rounds, today=today, counts=counts)
    return counts


def _one_round(indicators, strategy, who: People, number, start, end, today, counts, *, last: bool):
    name = f"Demo: {QUARTER_NAMES[start.month]} {start.year}"
    due = (
        max(end + datetime.timedelta(days=14), today + datetime.timedelta(days=14))
        if last
        else end + datetime.timedelta(days=14)
    )
    with happened_on(at(start + datetime.timedelta(days=1), 9)):
        round_ = round_services.open_round(
            opened_by=who.coordinator,
            name=name,
            period_start=start,
            period_end=end,
            due_date=due,
            cabinet_meeting=(end + datetime.timedelta(days=45)) if not last else None,
        )
    counts.add("monitoring rounds")
    post_day = min(end - datetime.timedelta(days=20), today - datetime.timedelta(days=7))
    for hour, (reference, rows) in enumerate(story.UPDATES.items(), start=9):
        row = rows[number]
        if row is None:
            continue
        status, percent, narrative, next_steps = row
        action = StrategyAction.objects.get(theme__strategy=strategy, reference=reference)
        revised = story.REVISED.get((reference, number))
        with happened_on(at(post_day, hour)):
            update = action_services.post_progress_update(
                strategy_action=action,
                author=who.forum,
                expected_version=action.version,
                status=status,
                percent_complete=percent,
                narrative=DEMO + narrative,
                next_steps=next_steps,
                revised_target_date=_quarter_end(end + datetime.timedelta(days=200))
                if revised
                else None,
                revision_reason=DEMO + revised[0] if revised else "",
            )
            if evidence := story.EVIDENCE.get((reference, number)):
                _attach(update, who.forum, *evidence)
                counts.add("evidence files")
        counts.add("progress updates")
        if last and reference == story.WAITING_FOR_REVIEW:
            continue
        _approve(update, who.coordinator, at(post_day + datetime.timedelta(days=2), hour))
    _indicator_values(indicators, who, number, post_day, last=last)
    counts.add(
        "indicator values", sum(spec["values"][number] is not None for _, spec in indicators)
    )
    for hour, (reference, rows) in enumerate(story.INPUTS.items(), start=9):
        row = rows[number]
        if row is None:
            continue
        status, percent, commentary, resources = row
        council_action = CouncilAction.objects.get(
            strategy_action__theme__strategy=strategy, reference=reference
        )
        with happened_on(at(post_day + datetime.timedelta(days=1), hour)):
            council_input = action_services.record_council_input(
                council_action=council_action,
                author=who.officer,
                expected_version=council_action.version,
                status=status,
                percent_complete=percent,
                commentary=DEMO + commentary,
                resources=resources,
            )
        counts.add("council input")
        _approve(council_input, who.admin, at(post_day + datetime.timedelta(days=3), hour))
    if last:
        return
    closed = end + datetime.timedelta(days=15)
    with happened_on(at(closed, 16)):
        round_services.close_round(round_=round_, closed_by=who.coordinator)
    with happened_on(at(closed + datetime.timedelta(days=1), 11)):
        report = report_services.generate_cabinet_report(generated_by=who.coordinator)
        CabinetReport.objects.filter(pk=report.pk).update(
            title=f"Demo: Cabinet progress report, {closed + datetime.timedelta(days=1):%-d %B %Y}"
        )
    counts.add("Cabinet reports")


def _approve(record, reviewer: User, moment: datetime.datetime) -> None:
    if record.review_state != ReviewState.SUBMITTED:
        return  # the strategy does not review updates: submitting approved it
    with happened_on(moment):
        round_services.approve(record=record, reviewer=reviewer)


def _decision(strategy, who: People, day: datetime.date, counts: Counts) -> None:
    council_action = CouncilAction.objects.get(
        strategy_action__theme__strategy=strategy, reference="T2.1c"
    )
    with happened_on(at(day, 15)):
        action_services.record_decision(
            council_action=council_action,
            decided_by=who.officer,
            expected_version=council_action.version,
            decision="accepted",
            reason=DEMO + "The draft wording worked for the providers who tested it.",
        )
        CouncilAction.objects.filter(pk=council_action.pk).update(decided_on=day)
    counts.add("decisions")


def _discussion(*, strategy, people: People, rounds, today, counts: Counts) -> None:
    from discussion import services as discussion_services

    end = rounds[2][1]
    posted = min(end - datetime.timedelta(days=20), today - datetime.timedelta(days=7))
    for reference, thread in story.DISCUSSION.items():
        action = StrategyAction.objects.get(theme__strategy=strategy, reference=reference)
        for who, days, words in thread:
            with happened_on(at(posted + datetime.timedelta(days=days), 14)):
                discussion_services.post_comment(
                    author=getattr(people, who), body=DEMO + words, strategy_action=action
                )
            counts.add("comments")


def _attach(record, uploaded_by: User, name: str, words: str) -> None:
    """A one-page PDF, made here, attached through the service that checks uploads."""
    from django.core.files.base import ContentFile
    from django.utils.html import escape
    from weasyprint import HTML

    from evidence import services as evidence_services

    pdf = HTML(string=f"<h1>Demo evidence</h1><p>{escape(words)}</p>").write_pdf()
    evidence_services.attach_files(
        record=record, files=[ContentFile(pdf, name=name)], uploaded_by=uploaded_by
    )


def _day(when, rounds, today: datetime.date) -> datetime.date:
    base, days = when
    start = today if base == "today" else rounds[base][0]
    return start + datetime.timedelta(days=days)


def _milestones(*, strategy, people: People, rounds, today, counts: Counts) -> None:
    added = rounds[0][0] + datetime.timedelta(days=10)
    for reference, milestones in story.MILESTONES.items():
        action = _action(strategy, reference)
        owner = (
            action.responsible_unit
            if isinstance(action, CouncilAction)
            else action.responsible_partners.get(role="lead").partner
        )
        adder = people.officer if isinstance(action, CouncilAction) else people.forum
        for title, due, done in milestones:
            with happened_on(at(added, 12)):
                milestone = action_services.add_milestone(
                    action=action,
                    added_by=adder,
                    title=DEMO + title,
                    due_date=_day(due, rounds, today),
                    owner=owner,
                )
            counts.add("milestones")
            if done is not None:
                done_on = _day(done, rounds, today)
                with happened_on(at(done_on, 17)):
                    action_services.mark_milestone_done(
                        milestone=milestone, done_by=adder, done_on=done_on
                    )
    for reference in story.FROM_MILESTONES:
        action = _action(strategy, reference)
        with happened_on(at(today - datetime.timedelta(days=5), 12)):
            action_services.set_percent_source(
                action=action,
                changed_by=people.coordinator,
                expected_version=action.version,
                from_milestones=True,
            )


def _action(strategy, reference: str):
    """A strategy action (T1.1) or a proposed council action (T1.1a) of the strategy."""
    if reference[-1].isalpha():
        return CouncilAction.objects.get(
            strategy_action__theme__strategy=strategy, reference=reference
        )
    return StrategyAction.objects.get(theme__strategy=strategy, reference=reference)


def _define_indicators(strategy, people: People, rounds) -> list:
    """Indicators defined at the start of the year (their values come round by round)."""
    from decimal import Decimal

    from indicators import services as indicator_services

    forum = Partner.objects.get(slug="third-sector-forum")
    start, end = rounds[0][0], rounds[-1][1]
    defined = []
    for spec in story.INDICATORS:
        with happened_on(at(start + datetime.timedelta(days=5), 11)):
            indicator = indicator_services.create_indicator(
                strategy=strategy,
                created_by=people.coordinator,
                name=spec["name"],
                definition=spec["definition"],
                unit=spec["unit"],
                owner=forum,
                direction=spec["direction"],
                frequency="quarterly",
                baseline_value=Decimal(spec["baseline"]),
                baseline_date=start,
                targets=[(Decimal(spec["target"]), end)],
                source="Demo: the Forum's own records",
                strategy_actions=[_action(strategy, r) for r in spec["actions"]],
                council_actions=[_action(strategy, r) for r in spec["council_actions"]],
                themes=[_action(strategy, r).theme for r in spec["actions"]],
            )
        defined.append((indicator, spec))
    return defined


def _indicator_values(indicators, people: People, number: int, post_day, *, last: bool):
    """Each indicator's value in the round, recorded by the Forum and approved by the
    coordinator (the open round's waits for review)."""
    from decimal import Decimal

    from indicators import services as indicator_services

    for indicator, spec in indicators:
        value = spec["values"][number]
        if value is None:
            continue
        measured = post_day - datetime.timedelta(days=1)
        with happened_on(at(post_day, 15)):
            recorded = indicator_services.record_value(
                indicator=indicator,
                author=people.forum,
                value=Decimal(value),
                measured_on=measured,
                note=DEMO + "counted from the Forum's register.",
            )
        if last or recorded.review_state != ReviewState.SUBMITTED:
            continue
        with happened_on(at(post_day + datetime.timedelta(days=2), 16)):
            indicator_services.approve_value(value=recorded, reviewer=people.coordinator)


# Further parts of the story, each a function taking keyword arguments strategy, people,
# rounds, today, counts.
EXTRAS: list = [_milestones, _discussion]
