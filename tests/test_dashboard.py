"""The Cabinet dashboard, the changes page, snapshots and the Cabinet report (HTML and PDF)."""

import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actions import services
from actions.models import StrategyAction
from actions.status import Status
from reports import figures
from reports.models import CabinetReport
from strategy.models import CorporatePriority
from tests.factories import (
    CabinetReportFactory,
    CouncilActionFactory,
    MonitoringRoundFactory,
    StrategyActionFactory,
    StrategyFactory,
    ThemeFactory,
    UserFactory,
)
from tests.helpers import content, pdf_text, post_update, queries_for, record_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    """Two themes: A (two actions) and B (one), with known statuses and percentages."""
    strategy = world.action.theme.strategy
    theme_a = world.action.theme
    theme_b = ThemeFactory(strategy=strategy, title="Theme bee")
    author = world.personas["coordinator"]
    a1 = world.action
    a2 = StrategyActionFactory(theme=theme_a, original_target_date=datetime.date(2020, 1, 1))
    b1 = StrategyActionFactory(theme=theme_b, original_target_date=datetime.date(2030, 1, 1))
    post_update(a1, author, Status.ON_TRACK, 60, "Going well")
    post_update(a2, author, Status.OFF_TRACK, 20, "Funding has stalled")
    post_update(
        b1,
        author,
        Status.AT_RISK,
        40,
        "Venue problems",
        revised_target_date=datetime.date(2030, 6, 30),
        revision_reason="The venue closed for repairs.",
    )
    priority = CorporatePriority.objects.create(number=9, title="United and involved communities")
    for action in (a1, b1):
        action.corporate_priorities.add(priority)
    # a1's council action goes off track: two steps from the Forum's "on track".
    record_input(world.council_action, world.personas["officer"], Status.OFF_TRACK, 10, "No budget")
    return {"a1": a1, "a2": a2, "b1": b1, "theme_a": theme_a, "theme_b": theme_b}


def test_dashboard_figures_match_the_plan(plan):
    summary = figures.summary()
    counts = {row.status: row for row in summary.counts}
    assert counts[Status.ON_TRACK].strategy == 1
    assert counts[Status.OFF_TRACK].strategy == 1
    assert counts[Status.OFF_TRACK].council == 1
    assert counts[Status.OFF_TRACK].together == 2
    assert counts[Status.AT_RISK].strategy == 1

    overall = summary.overall
    assert overall.strategy == 40  # (60 + 20 + 40) / 3
    assert overall.council == 10
    assert overall.together == 33  # (60 + 20 + 40 + 10) / 4, equal weight

    by_theme = {row.label.split(": ")[1]: row for row in summary.themes}
    assert by_theme[plan["theme_a"].title].strategy == 40  # (60 + 20) / 2
    assert by_theme[plan["theme_a"].title].together == 30  # (60 + 20 + 10) / 3
    assert by_theme["Theme bee"].strategy == 40

    by_priority = {row.label: row for row in figures.progress_by_priority()}
    united = by_priority["United and involved communities"]
    assert united.strategy == 50  # a1 (60) and b1 (40)
    assert united.council == 10  # a1's council action


def test_dashboard_shows_exceptions_first_with_narratives(client, plan, world):
    client.force_login(world.personas["cabinet"])
    MonitoringRoundFactory()
    page = client.get(reverse("dashboard")).content.decode()
    assert page.index("Exceptions") < page.index("Progress at a glance")
    assert "Funding has stalled" in page  # off track, with its narrative
    assert "Venue problems" in page  # at risk
    assert f"{plan['a2'].reference}</a>" in page  # overdue
    assert "The venue closed for repairs." in page  # slipped, with the reason
    assert "Views differ" in page  # a1: Forum on track, council off track
    assert "Recent updates" in page
    # Charts come with the same figures in a table.
    assert "<svg" in page
    assert "Number of actions by status" in page
    assert "Percent complete by corporate priority" in page


def test_cabinet_member_can_read_but_not_generate_the_report(client, world):
    client.force_login(world.personas["cabinet"])
    page = client.get(reverse("cabinet_report")).content.decode()
    assert "Generate the report for Cabinet" not in page
    assert client.post(reverse("cabinet_report")).status_code == 403
    assert not CabinetReport.objects.exists()


def test_generating_the_report_keeps_a_snapshot_and_changes_show_what_moved(client, plan, world):
    coordinator = world.personas["coordinator"]
    client.force_login(coordinator)
    response = client.post(reverse("cabinet_report"))
    assert response.status_code == 302
    snapshot = CabinetReport.objects.get()
    assert snapshot.created_by == coordinator
    entry = snapshot.data["strategy"][str(plan["a2"].pk)]
    assert entry["status"] == Status.OFF_TRACK
    assert entry["narrative"] == "Funding has stalled"

    post_update(plan["a2"], coordinator, Status.COMPLETED, 100, "Done after all")
    post_update(
        plan["a1"],
        coordinator,
        Status.ON_TRACK,
        70,
        "Moving",
        revised_target_date=datetime.date(2031, 1, 1),
        revision_reason="Extended by the Forum",
    )
    added = services.add_council_action(
        strategy_action=plan["b1"],
        added_by=world.personas["officer"],
        text="A new council commitment",
        responsible_unit=world.unit,
    )

    page = client.get(reverse("dashboard_changes")).content.decode()  # default: latest report
    assert "the report of" in page
    assert "Done after all" in page  # a new update
    assert "Extended by the Forum" in page  # a target date moved
    assert added.reference in page  # a new proposed council action
    changes = figures.changes_since(since=snapshot.created_at, snapshot=snapshot)
    moved = {c.action.pk: (c.old, c.new) for c in changes.status_changes.items}
    assert moved[plan["a2"].pk] == (Status.OFF_TRACK, Status.COMPLETED)
    assert plan["a1"].pk not in moved  # on track before and after
    assert [c.action.pk for c in changes.completed.items] == [plan["a2"].pk]


def test_changes_since_a_date_use_the_history(client, world):
    action = world.action
    cutoff = timezone.localdate() - datetime.timedelta(days=1)
    StrategyAction.history.filter(id=action.pk).update(
        history_date=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    post_update(action, world.personas["coordinator"], Status.AT_RISK, 30)
    client.force_login(world.personas["cabinet"])
    page = client.get(reverse("dashboard_changes"), {"since": cutoff.isoformat()}).content.decode()
    assert "Not started</strong>" in page
    assert "At risk</strong>" in page


def test_changes_with_a_bad_date_explain_and_do_not_fail(client, world):
    client.force_login(world.personas["cabinet"])
    response = client.get(reverse("dashboard_changes"), {"since": "31/03/2026"})
    assert response.status_code == 200
    assert (
        "Enter a real date in the format 2026-03-31, or choose a report"
        in response.content.decode()
    )
    assert client.get(reverse("dashboard_changes"), {"since": "999999"}).status_code == 404


class _Headings(HTMLParser):
    """The text of each heading (h1 to h4) of an HTML page, in order."""

    def __init__(self):
        super().__init__()
        self.headings, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag in {"h1", "h2", "h3", "h4"}:
            self._open = []

    def handle_endtag(self, tag):
        if tag in {"h1", "h2", "h3", "h4"} and self._open is not None:
            self.headings.append(squash("".join(self._open)))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open.append(data)


def squash(text: str) -> str:
    """Text with each run of white space (line breaks in a PDF included) as one space."""
    return re.sub(r"\s+", " ", text).strip()


def report_headings(page: str) -> list[str]:
    """The headings of the Cabinet report in an HTML page, leaving out the page around it."""
    parser = _Headings()
    parser.feed(page[page.index('class="app-report-cover"') : page.index("</main>")])
    return parser.headings


def test_pdf_report_has_its_headings_and_narratives(client, plan, world):
    client.force_login(world.personas["cabinet"])
    response = client.get(reverse("cabinet_report_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'inline; filename="cabinet-progress-report-{today:%Y-%m-%d}.pdf"'
    )
    text = pdf_text(response)
    assert "progress report to Cabinet" in text
    assert "Funding has stalled" in text  # a narrative
    assert "No budget" in text  # council input
    assert "Page 1 of" in text  # page numbers

    def titles(items):
        for item in items:
            yield from titles(item) if isinstance(item, list) else [item["/Title"]]

    outline = list(titles(PdfReader(io.BytesIO(response.content)).outline))
    assert "Progress at a glance" in outline
    assert "Exceptions" in outline


def test_html_report_matches_the_pdf_content(client, plan, world):
    client.force_login(world.personas["cabinet"])
    page = content(client.get(reverse("cabinet_report"))).decode()
    pdf = squash(pdf_text(client.get(reverse("cabinet_report_pdf"))))

    headings = report_headings(page)
    # The report's own headings are all there: the check below is not of an empty list.
    assert "Third Sector Strategy: progress report to Cabinet" in headings
    assert "The actions, theme by theme" in headings
    for action in (plan["a1"], plan["a2"], plan["b1"]):
        assert f"{action.reference} {squash(action.text)}" in headings
    # Every heading of the page is in the PDF, in the same order.
    at, out_of_place = 0, []
    for heading in headings:
        found = pdf.find(heading, at)
        if found == -1:
            out_of_place.append(heading)
        else:
            at = found + len(heading)
    assert not out_of_place, f"Missing from the PDF, or out of order: {out_of_place}"
    # And so is what each action's page entry says: the Forum's and the council's words.
    for words in ("Funding has stalled", "Going well", "Venue problems", "No budget"):
        assert words in page
        assert words in pdf
    as_at = f"As at {timezone.localdate():%-d %B %Y}"
    assert as_at in page
    assert as_at in pdf


def _count(client, url):
    return len(queries_for(client, url))


def _grow(n, world):
    theme = ThemeFactory(strategy=StrategyFactory())
    for _ in range(n):
        action = StrategyActionFactory(theme=theme)
        CouncilActionFactory(strategy_action=action)
        post_update(action, world.personas["coordinator"], Status.OFF_TRACK, 10)


@pytest.mark.parametrize("name", ["dashboard", "dashboard_changes", "cabinet_report"])
def test_query_count_does_not_grow(client, world, name):
    client.force_login(world.personas["admin"])
    CabinetReportFactory(created_by=world.personas["admin"])  # a snapshot to compare against
    _grow(3, world)
    small = _count(client, reverse(name))
    _grow(25, world)  # also moves the plan on, so nothing comes from the cache
    assert _count(client, reverse(name)) == small


def test_someone_without_a_role_cannot_read_the_dashboard(client):
    client.force_login(UserFactory())
    assert client.get(reverse("dashboard")).status_code == 403


def test_dashboard_is_served_from_the_cache_until_the_plan_changes(client, world):
    client.force_login(world.personas["cabinet"])
    first = _count(client, reverse("dashboard"))
    cached = _count(client, reverse("dashboard"))
    assert cached < first  # the figures were not computed again

    post_update(world.action, world.personas["coordinator"], Status.OFF_TRACK, 5, "Blocked now")
    page = client.get(reverse("dashboard")).content.decode()
    assert "Blocked now" in page  # the change shows at once


def test_a_change_made_in_the_admin_also_refreshes_the_dashboard(client, world):
    client.force_login(world.personas["cabinet"])
    client.get(reverse("dashboard"))
    StrategyAction.objects.get(pk=world.action.pk).save()  # as the admin would
    assert _count(client, reverse("dashboard")) > 10  # computed again
