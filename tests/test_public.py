"""The public progress site and open data (issue 14): publishing, what is shown and what never
is, caching, downloads, the sitemap, and queries that do not grow with the plan."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.roles import Role
from actions import services as action_services
from actions.models import CouncilInput, Decision, ProgressUpdate
from actions.status import Status
from evidence.models import EvidenceFile
from indicators.models import IndicatorValue
from monitoring import services as round_services
from publication import services
from publication.models import PublicationEvent
from strategy.models import Strategy
from tests import helpers
from tests.factories import (
    ActionPartnerFactory,
    CommentFactory,
    CouncilActionFactory,
    CouncilInputFactory,
    EvidenceFileFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    PartnerFactory,
    ProgressUpdateFactory,
    StrategyActionFactory,
    StrategyFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRET_NAME = "Zebedee Quaxworth"
SECRET_EMAIL = "zebedee.quaxworth@example.org"
DRAFT = "Draft words nobody outside may read"
SUBMITTED = "Submitted words waiting for a reviewer"
RETURNED = "Returned words to be put right"
COMMENT = "A comment between partners only"
PRIVATE_FILE = "private-minutes.pdf"
PUBLIC_FILE = "annual-report.pdf"
APPROVED = "Approved words the public may read"
SUBMITTED_VALUE = Decimal("777.77")


def publish(strategy):
    services.publish(strategy=strategy, by=UserFactory(role=Role.ADMINISTRATOR))
    return strategy


def _strategy_with_actions(count: int, **kwargs):
    """A published strategy of two themes with `count` actions each with an approved update,
    a milestone, a council action with approved input, and an indicator with two values."""
    strategy = StrategyFactory(**kwargs)
    themes = [ThemeFactory(strategy=strategy), ThemeFactory(strategy=strategy)]
    partner = PartnerFactory(name=f"Volunteer Centre of {strategy.slug}")
    author = UserFactory(role=Role.FORUM_MEMBER, organisation=partner)
    officer = UserFactory(role=Role.COUNCIL_OFFICER)
    for n in range(count):
        action = StrategyActionFactory(theme=themes[n % 2])
        ActionPartnerFactory(strategy_action=action, partner=partner)
        ProgressUpdateFactory(strategy_action=action, author=author, narrative=f"{APPROVED} {n}")
        MilestoneFactory(strategy_action=action, owner=partner, added_by=author)
        council = CouncilActionFactory(strategy_action=action)
        CouncilInputFactory(council_action=council, author=officer)
        indicator = IndicatorFactory(
            strategy=strategy, owner=partner, created_by=author, strategy_actions=[action]
        )
        IndicatorValueFactory(indicator=indicator, author=author)
    return publish(strategy)


@pytest.fixture
def leaky():
    """A published strategy holding everything that must never be shown, beside what must."""
    strategy = StrategyFactory(title="The Open Strategy")
    theme = ThemeFactory(strategy=strategy)
    partner = PartnerFactory(name="Quiet Lane Charity")
    person = UserFactory(
        role=Role.FORUM_MEMBER, organisation=partner, full_name=SECRET_NAME, email=SECRET_EMAIL,
        username="zquaxworth",
    )  # fmt: skip
    coordinator = UserFactory(
        role=Role.FORUM_COORDINATOR, full_name="Ottoline Brackenridge", username="obrack"
    )
    action = StrategyActionFactory(theme=theme)
    ActionPartnerFactory(strategy_action=action, partner=partner)
    approved = ProgressUpdateFactory(strategy_action=action, author=person, narrative=APPROVED)
    EvidenceFileFactory(record=approved, filename=PRIVATE_FILE)
    public_file = EvidenceFileFactory(record=approved, filename=PUBLIC_FILE)
    EvidenceFile.objects.filter(pk=public_file.pk).update(is_public=True)
    # A draft, a submitted and a returned update, each on an action of its own.
    drafted = StrategyActionFactory(theme=theme)
    ActionPartnerFactory(strategy_action=drafted, partner=partner)
    ProgressUpdateFactory(strategy_action=drafted, author=person, narrative=DRAFT, submit=False)
    waiting = StrategyActionFactory(theme=theme)
    ActionPartnerFactory(strategy_action=waiting, partner=partner)
    submitted = ProgressUpdateFactory(
        strategy_action=waiting, author=person, narrative=SUBMITTED, approved=False
    )
    EvidenceFileFactory(record=submitted, filename="waiting.pdf")
    EvidenceFile.objects.filter(progress_update=submitted).update(is_public=True)
    returned_action = StrategyActionFactory(theme=theme)
    ActionPartnerFactory(strategy_action=returned_action, partner=partner)
    returned = ProgressUpdateFactory(
        strategy_action=returned_action, author=person, narrative=RETURNED, approved=False
    )
    round_services.return_for_changes(record=returned, reviewer=coordinator, comment="Redo it")
    CommentFactory(strategy_action=action, author=person, body=COMMENT)
    # A decision recorded by the person, and a milestone they added and marked done.
    council = CouncilActionFactory(strategy_action=action)
    action_services.record_decision(
        council_action=council, decided_by=person, expected_version=council.version,
        decision=Decision.ACCEPTED, reason="Within existing resources",
    )  # fmt: skip
    CouncilInputFactory(council_action=council, author=person, commentary="Approved input")
    MilestoneFactory(
        strategy_action=action, owner=partner, added_by=person,
        done_on=timezone.localdate(), done_by=person,
    )  # fmt: skip
    indicator = IndicatorFactory(
        strategy=strategy, owner=partner, created_by=person, strategy_actions=[action]
    )
    IndicatorValueFactory(indicator=indicator, author=person, note="Approved value")
    IndicatorValueFactory(
        indicator=indicator, author=person, value=SUBMITTED_VALUE, approved=False,
        measured_on=datetime.date(2026, 10, 1),
    )  # fmt: skip
    publish(strategy)
    return {"strategy": strategy, "action": action, "indicator": indicator, "public": public_file}


def public_urls(strategy, action, indicator) -> list[str]:
    slug = strategy.slug
    return [
        reverse("public_landing"),
        reverse("public_strategy", args=[slug]),
        reverse("public_theme", args=[slug, action.theme.number]),
        reverse("public_action", args=[slug, action.pk]),
        reverse("public_council_actions", args=[slug]),
        reverse("public_indicators", args=[slug]),
        reverse("public_indicator", args=[slug, indicator.pk]),
        reverse("public_open_data", args=[slug]),
        reverse("public_sitemap"),
        reverse("public_sitemap_section", args=["actions"]),
        *(
            reverse(name, args=[slug, key])
            for name in ("public_data_csv", "public_data_json")
            for key in (
                "actions",
                "progress-updates",
                "council-actions",
                "milestones",
                "indicators",
                "indicator-values",
            )
        ),
        reverse("public_decision", args=[slug]),  # issue 15 (last: the slices above stand)
    ]


# --- Publishing -----------------------------------------------------------------------------


def test_publishing_and_unpublishing_record_who_and_when(client):
    strategy = StrategyFactory()
    admin = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(admin)
    url = reverse("strategy_publish", args=[strategy.slug])

    assert "Publish this strategy" in client.get(url).content.decode()
    response = client.post(url, {"intent": "publish"})
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.is_published
    assert strategy.published_by == admin
    # A second press (a stale page) changes nothing.
    client.post(url, {"intent": "publish"})
    assert PublicationEvent.objects.filter(strategy=strategy).count() == 1

    client.post(url, {"intent": "unpublish"})
    strategy.refresh_from_db()
    assert not strategy.is_published
    assert strategy.published_by is None
    events = list(PublicationEvent.objects.filter(strategy=strategy).order_by("at", "pk"))
    assert [(e.kind, e.by) for e in events] == [("published", admin), ("unpublished", admin)]
    assert "Unpublished" in client.get(url).content.decode()


def test_a_post_without_a_choice_changes_nothing(client):
    strategy = StrategyFactory()
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    response = client.post(reverse("strategy_publish", args=[strategy.slug]), {"intent": "x"})
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert not strategy.is_published
    assert not PublicationEvent.objects.exists()


@pytest.mark.parametrize(
    "role", [Role.FORUM_COORDINATOR, Role.COUNCIL_OFFICER, Role.CABINET_MEMBER]
)
def test_only_administrators_publish_even_through_the_service(role):
    strategy = StrategyFactory()
    with pytest.raises(PermissionDenied):
        services.publish(strategy=strategy, by=UserFactory(role=role))
    assert not Strategy.objects.get(pk=strategy.pk).is_published


def test_the_plan_page_says_whether_a_strategy_is_published(client):
    strategy = StrategyFactory(title="Shown Strategy")
    StrategyActionFactory(theme=ThemeFactory(strategy=strategy))
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    page = client.get(reverse("plan")).content.decode()
    assert "Not published" in helpers.between(page, 'id="publication-', "</p>")
    assert reverse("strategy_publish", args=[strategy.slug]) in page
    publish(strategy)
    page = client.get(reverse("plan")).content.decode()
    assert reverse("public_strategy", args=[strategy.slug]) in page
    # A Cabinet member is told, but offered no button.
    client.force_login(UserFactory(role=Role.CABINET_MEMBER))
    page = client.get(reverse("plan")).content.decode()
    assert "Published" in page
    assert reverse("strategy_publish", args=[strategy.slug]) not in page


# --- What is shown, and what never is -------------------------------------------------------


def test_nothing_private_appears_in_any_public_page_or_download(client, leaky):
    urls = public_urls(leaky["strategy"], leaky["action"], leaky["indicator"])
    seen = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = helpers.content(response).decode("utf-8-sig")
        seen.append(body)
        for secret in (
            SECRET_NAME, SECRET_EMAIL, "zquaxworth", "Ottoline", "obrack", DRAFT, SUBMITTED,
            RETURNED, "Redo it", COMMENT, PRIVATE_FILE, "waiting.pdf", "777.77",
        ):  # fmt: skip
            assert secret not in body, f"{secret!r} leaked through {url}"
    everything = "\n".join(seen)
    # What must be shown is shown, credited to the organisation.
    assert APPROVED in everything
    assert "Quiet Lane Charity" in everything
    assert PUBLIC_FILE in everything
    assert "Approved input" in everything
    assert "Within existing resources" in everything
    assert "Approved value" in everything


def test_a_signed_in_visitor_gets_the_same_public_bytes_and_headers(client, leaky):
    url = reverse("public_action", args=[leaky["strategy"].slug, leaky["action"].pk])
    anonymous = client.get(url)
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, full_name=SECRET_NAME))
    signed_in = client.get(url)
    assert signed_in.content == anonymous.content
    for response in (anonymous, signed_in):
        assert response["Cache-Control"] == "public, max-age=300"
        assert "cookie" not in response.get("Vary", "").lower()
        assert not response.cookies, "a public page must never set a cookie"
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_signed_in_pages_stay_private(client):
    StrategyActionFactory()
    client.force_login(UserFactory(role=Role.CABINET_MEMBER))
    response = client.get(reverse("plan"))
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_an_unpublished_strategy_is_not_found_everywhere_on_the_public_site(client, leaky):
    strategy = leaky["strategy"]
    services.unpublish(strategy=strategy, by=UserFactory(role=Role.ADMINISTRATOR))
    urls = public_urls(strategy, leaky["action"], leaky["indicator"])
    urls.append(reverse("public_file", args=[strategy.slug, leaky["public"].pk]))
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    for url in urls[2:8] + urls[10:]:
        assert client.get(url).status_code == 404, url
    landing = client.get(reverse("public_landing")).content.decode()
    assert strategy.title not in landing
    sitemap = helpers.content(client.get(reverse("public_sitemap_section", args=["pages"])))
    assert strategy.slug.encode() not in sitemap


def test_an_unknown_dataset_or_a_strategy_action_of_another_strategy_is_not_found(client, leaky):
    strategy = leaky["strategy"]
    other = StrategyActionFactory()
    assert client.get(f"/public/{strategy.slug}/data/people.csv").status_code == 404
    assert client.get(reverse("public_action", args=[strategy.slug, other.pk])).status_code == 404


def test_a_public_evidence_file_downloads_as_an_attachment_and_others_do_not(client, leaky):
    strategy = leaky["strategy"]
    response = client.get(reverse("public_file", args=[strategy.slug, leaky["public"].pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=300"
    for evidence in EvidenceFile.objects.exclude(pk=leaky["public"].pk):
        # Private, or public but on an update not approved.
        url = reverse("public_file", args=[strategy.slug, evidence.pk])
        assert client.get(url).status_code == 404, evidence.name


# --- Figures and open data ------------------------------------------------------------------


def test_the_strategy_page_shows_the_figures_of_that_strategy_alone(client):
    strategy = publish(StrategyFactory())
    theme = ThemeFactory(strategy=strategy, title="Strengthening Support")
    action = StrategyActionFactory(theme=theme)
    ProgressUpdateFactory(strategy_action=action, status=Status.ON_TRACK, percent_complete=40)
    StrategyActionFactory(theme=theme)  # not started, 0%
    other = StrategyActionFactory()  # another strategy's
    ProgressUpdateFactory(strategy_action=other, status=Status.OFF_TRACK, percent_complete=90)

    page = client.get(reverse("public_strategy", args=[strategy.slug])).content.decode()
    by_theme = helpers.between(page, 'id="progress-by-theme"', "</table>")
    assert "Strengthening Support" in by_theme
    assert "20% (2)" in by_theme
    cell = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    off_track = helpers.between(page, 'id="count-off_track"', "</tr>")
    assert off_track.count(f"{cell}0<") == 2  # the other strategy's action is not counted
    on_track = helpers.between(page, 'id="count-on_track"', "</tr>")
    assert f"{cell}1<" in on_track


def test_the_open_data_carries_the_licence_and_the_last_approved_update(client, leaky):
    strategy = leaky["strategy"]
    rows = helpers.csv_rows(client.get(reverse("public_data_csv", args=[strategy.slug, "actions"])))
    header, *body = rows
    assert header[-1] == "licence"
    assert {row[-1] for row in body} == {"OGL-UK-3.0"}
    approved_row = next(row for row in body if row[header.index("last_update_narrative")])
    assert approved_row[header.index("last_update_narrative")] == APPROVED
    assert approved_row[header.index("lead_organisations")] == "Quiet Lane Charity"
    assert approved_row[header.index("url")].startswith("http://testserver/public/")

    response = client.get(reverse("public_data_json", args=[strategy.slug, "progress-updates"]))
    assert 'rel="license"' in response["Link"]
    data = json.loads(helpers.content(response))
    meta = data["metadata"]
    assert meta["licence"] == "Open Government Licence v3.0"
    # The newest approval of an update, council input or indicator value (the value, here).
    newest = max(
        model.objects.order_by("-reviewed_at").first().reviewed_at
        for model in (ProgressUpdate, CouncilInput, IndicatorValue)
    )
    assert newest == IndicatorValue.objects.get().reviewed_at
    assert meta["last_approved_update"] == newest.isoformat()
    assert [row["narrative"] for row in data["rows"]] == [APPROVED]
    assert data["rows"][0]["organisation"] == "Quiet Lane Charity"

    values = json.loads(
        helpers.content(
            client.get(reverse("public_data_json", args=[strategy.slug, "indicator-values"]))
        )
    )["rows"]
    assert [row["value"] for row in values] == [120.0]

    page = client.get(reverse("public_open_data", args=[strategy.slug])).content.decode()
    assert "Open Government Licence v3.0" in page
    assert "Last approved update" in page


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client):
    strategy = publish(StrategyFactory())
    action = StrategyActionFactory(theme=ThemeFactory(strategy=strategy))
    ProgressUpdateFactory(strategy_action=action, narrative='=HYPERLINK("http://x")')
    rows = helpers.csv_rows(
        client.get(reverse("public_data_csv", args=[strategy.slug, "progress-updates"]))
    )
    assert rows[1][rows[0].index("narrative")] == '\'=HYPERLINK("http://x")'


def test_the_sitemap_lists_the_pages_of_published_strategies_only(client):
    shown = _strategy_with_actions(1)
    hidden = StrategyFactory()
    hidden_action = StrategyActionFactory(theme=ThemeFactory(strategy=hidden))
    index = helpers.content(client.get(reverse("public_sitemap"))).decode()
    assert "sitemap-actions.xml" in index
    actions = helpers.content(
        client.get(reverse("public_sitemap_section", args=["actions"]))
    ).decode()
    action = shown.themes.first().actions.first()
    assert reverse("public_action", args=[shown.slug, action.pk]) in actions
    assert f"/actions/{hidden_action.pk}/" not in actions
    pages = helpers.content(client.get(reverse("public_sitemap_section", args=["pages"]))).decode()
    assert reverse("public_decision", args=[shown.slug]) in pages  # issue 15
    assert reverse("public_decision", args=[hidden.slug]) not in pages


# --- Queries that do not grow with the plan -------------------------------------------------


def _query_counts(client, strategy) -> dict[str, int]:
    from django.core.cache import cache

    action = strategy.themes.order_by("number").first().actions.first()
    indicator = strategy.indicators.first()
    counts = {}
    for url in public_urls(strategy, action, indicator):
        cache.clear()
        match = resolve(url)
        label = f"{match.url_name} {match.kwargs.get('dataset') or match.kwargs.get('section', '')}"
        counts[label] = len(helpers.queries_for(client, url))
    return counts


def test_public_pages_and_downloads_take_the_same_queries_at_two_sizes(client):
    small = _query_counts(client, _strategy_with_actions(2, slug="small"))
    large = _query_counts(client, _strategy_with_actions(12, slug="large"))
    assert small == large


# --- The benchmark (issue 14): the public pages, fetched without signing in -----------------


def test_the_benchmark_measures_the_public_pages_anonymously():
    from benchmarks import synthetic
    from benchmarks.management.commands import bench

    synthetic.seed(actions=6, updates_per_action=2)
    public = [
        key for key, _, _ in bench.PAGES if key.removesuffix(bench.COLD) in bench.AS_ANONYMOUS
    ]
    results = bench.measure(runs=1, pages=public)

    assert set(results["pages"]) == set(public)
    for key in public:
        page = results["pages"][key]
        assert page["status"] == 200, (key, page.get("error"))
        assert page["queries"] > 0
    assert Strategy.objects.get(slug=results["public"]["strategy"]).is_published


def test_a_download_is_written_once_per_state_of_the_plan(client):
    strategy = _strategy_with_actions(2, slug="kept")
    url = reverse("public_data_csv", args=[strategy.slug, "progress-updates"])
    first = helpers.content(client.get(url))
    with CaptureQueriesContext(connection) as queries:
        again = helpers.content(client.get(url))
    assert again == first
    assert not any("progressupdate" in q["sql"] for q in queries.captured_queries)

    action = strategy.themes.first().actions.first()
    ProgressUpdateFactory(strategy_action=action, narrative="A newer approved update")
    fresh = helpers.content(client.get(url)).decode("utf-8-sig")
    assert "A newer approved update" in fresh


def test_made_up_query_strings_neither_reach_the_page_nor_make_new_cache_entries(client):
    strategy = publish(StrategyFactory())
    theme = ThemeFactory(strategy=strategy)
    StrategyActionFactory.create_batch(30, theme=theme)
    url = reverse("public_theme", args=[strategy.slug, theme.number])
    second = client.get(url, {"page": "2", "utm": "x<y"}).content.decode()
    assert "utm" not in second
    assert "page=1" in second  # the link back to the first page
    assert client.get(url, {"page": "2"}).content.decode() == second
    # Not a page number: the first page, as the paginator reads it.
    assert client.get(url, {"page": "two"}).content == client.get(url).content
