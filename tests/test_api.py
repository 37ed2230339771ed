"""The API (issue 14): what anonymous and signed-in callers see, writes through the services
(409 on a stale version, 400 with field messages), personal tokens, throttles, caching headers,
the schema and documentation pages, and list endpoints read in a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token

from accounts.roles import Role
from actions.models import ActionPartner, CouncilInput, ProgressUpdate, StrategyAction
from actions.status import Status
from api.models import ApiToken
from indicators.models import IndicatorValue
from strategy.models import Strategy
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    CouncilInputFactory,
    EvidenceFileFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    StrategyActionFactory,
    SubPointFactory,
    ThemeFactory,
    UserFactory,
    api_token,
)

pytestmark = pytest.mark.django_db


def publish(strategy):
    Strategy.objects.filter(pk=strategy.pk).update(published_at=timezone.now())


def token_headers(user) -> dict:
    return {"Authorization": f"Token {api_token(user)}"}


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


@pytest.fixture
def published(world):
    publish(world.action.theme.strategy)
    return world


# --- Who sees what -------------------------------------------------------------------------


def test_anonymous_callers_see_only_published_strategies_and_their_actions(published, client):
    hidden = StrategyActionFactory(text="An action of an unpublished strategy")
    strategies = results(client.get("/api/v1/strategies/"))
    assert [s["id"] for s in strategies] == [published.action.theme.strategy_id]
    actions = results(client.get("/api/v1/actions/"))
    assert [a["id"] for a in actions] == [published.action.pk]
    assert client.get(f"/api/v1/actions/{hidden.pk}/").status_code == 404
    assert client.get(f"/api/v1/themes/{hidden.theme_id}/").status_code == 404


def test_plan_readers_see_every_strategy(published, client):
    hidden = StrategyActionFactory()
    headers = token_headers(published.personas["cabinet"])
    ids = {a["id"] for a in results(client.get("/api/v1/actions/", headers=headers))}
    assert ids == {published.action.pk, hidden.pk}


def test_a_person_without_a_role_reads_what_the_public_reads(published, client):
    StrategyActionFactory()
    headers = token_headers(published.personas["no_role"])
    ids = {a["id"] for a in results(client.get("/api/v1/actions/", headers=headers))}
    assert ids == {published.action.pk}


def test_anonymous_callers_see_approved_updates_crediting_the_organisation(published, client):
    member = published.personas["forum_member"]
    approved = ProgressUpdateFactory(
        strategy_action=published.action, author=member, narrative="Approved words"
    )
    ProgressUpdateFactory(
        strategy_action=published.action, author=member, approved=False, narrative="Waiting"
    )
    response = client.get("/api/v1/progress-updates/")
    updates = results(response)
    assert [u["id"] for u in updates] == [approved.pk]
    assert updates[0]["author_name"] is None
    assert updates[0]["organisation"]["name"] == "Responsible Charity"
    body = response.content.decode()
    assert member.full_name not in body
    assert member.email not in body
    assert "Waiting" not in body


def test_plan_readers_see_their_organisations_pending_updates_and_names(published, client):
    member = published.personas["forum_member"]
    waiting = ProgressUpdateFactory(strategy_action=published.action, author=member, approved=False)
    own = results(client.get("/api/v1/progress-updates/", headers=token_headers(member)))
    assert [(u["id"], u["review_state"]) for u in own] == [(waiting.pk, "submitted")]
    assert own[0]["author_name"] == member.full_name
    # Another organisation's member sees nothing pending; the coordinator reviews it, so sees it.
    other = published.personas["forum_other"]
    assert results(client.get("/api/v1/progress-updates/", headers=token_headers(other))) == []
    coordinator = published.personas["coordinator"]
    seen = results(client.get("/api/v1/progress-updates/", headers=token_headers(coordinator)))
    assert [u["id"] for u in seen] == [waiting.pk]


def test_council_input_pending_is_seen_by_its_unit_only(published, client):
    officer = published.personas["officer"]
    waiting = CouncilInputFactory(
        council_action=published.council_action, author=officer, approved=False
    )
    own = results(client.get("/api/v1/council-input/", headers=token_headers(officer)))
    assert [i["id"] for i in own] == [waiting.pk]
    other = published.personas["officer_other"]
    assert results(client.get("/api/v1/council-input/", headers=token_headers(other))) == []
    assert results(client.get("/api/v1/council-input/")) == []


def test_evidence_files_are_public_only_when_marked_public(published, client):
    update = ProgressUpdateFactory(
        strategy_action=published.action, author=published.personas["forum_member"]
    )
    private = EvidenceFileFactory(record=update, filename="private.pdf")
    public = EvidenceFileFactory(record=update, filename="public.pdf")
    type(public).objects.filter(pk=public.pk).update(is_public=True)
    anonymous = results(client.get("/api/v1/progress-updates/"))[0]["evidence_files"]
    assert [f["id"] for f in anonymous] == [public.pk]
    headers = token_headers(published.personas["cabinet"])
    reader = results(client.get("/api/v1/progress-updates/", headers=headers))[0]
    assert {f["id"] for f in reader["evidence_files"]} == {private.pk, public.pk}


def test_indicator_values_pending_are_seen_by_the_measuring_organisation(published, client):
    indicator = IndicatorFactory(
        strategy=published.action.theme.strategy,
        owner=published.partner,
        created_by=published.personas["coordinator"],
    )
    member = published.personas["forum_member"]
    approved = IndicatorValueFactory(indicator=indicator, author=member)
    waiting = IndicatorValueFactory(indicator=indicator, author=member, approved=False)
    public = results(client.get("/api/v1/indicator-values/"))
    assert [v["id"] for v in public] == [approved.pk]
    assert public[0]["author_name"] is None
    own = results(client.get("/api/v1/indicator-values/", headers=token_headers(member)))
    assert {v["id"] for v in own} == {approved.pk, waiting.pk}
    other = published.personas["forum_other"]
    seen = results(client.get("/api/v1/indicator-values/", headers=token_headers(other)))
    assert [v["id"] for v in seen] == [approved.pk]


def test_filters_mirror_the_plan(published, client):
    theme = published.action.theme
    other = StrategyActionFactory(theme=theme, status=Status.OFF_TRACK)
    ActionPartnerFactory(strategy_action=other, partner=published.other_partner)
    by_status = results(client.get("/api/v1/actions/?status=off_track"))
    assert [a["id"] for a in by_status] == [other.pk]
    by_partner = results(client.get(f"/api/v1/actions/?partner={published.partner.pk}"))
    assert [a["id"] for a in by_partner] == [published.action.pk]
    by_theme = results(client.get(f"/api/v1/actions/?theme={theme.pk}"))
    assert {a["id"] for a in by_theme} == {published.action.pk, other.pk}
    assert results(client.get(f"/api/v1/actions/?theme={theme.pk + 999}")) == []
    bad = client.get("/api/v1/actions/?status=sideways&theme=x")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"status", "theme"}


def test_cursor_pagination_walks_every_action_once(published, client):
    for _ in range(4):
        StrategyActionFactory(theme=published.action.theme)
    seen, url = [], "/api/v1/actions/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [a["id"] for a in page["results"]]
        url = page["next"]
    assert len(seen) == 5 == len(set(seen))
    assert client.get("/api/v1/actions/?cursor=rubbish").status_code == 404


def test_a_path_id_that_is_not_a_number_is_not_found_as_json(client):
    response = client.get("/api/v1/actions/abc/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_answers_are_shared_only_when_anonymous(published, client):
    public = client.get("/api/v1/actions/")
    assert "public" in public["Cache-Control"]
    assert "max-age=60" in public["Cache-Control"]
    assert "Authorization" in public["Vary"]
    mine = client.get("/api/v1/actions/", headers=token_headers(published.personas["cabinet"]))
    assert "private" in mine["Cache-Control"]
    assert "no-store" in mine["Cache-Control"]


# --- Writes ----------------------------------------------------------------------------------


def post(client, url, data, user):
    return client.post(url, data, content_type="application/json", headers=token_headers(user))


def update_data(action, **overrides):
    return {
        "strategy_action": action.pk,
        "version": StrategyAction.objects.get(pk=action.pk).version,
        "status": Status.ON_TRACK,
        "percent_complete": 40,
        "narrative": "We met the partners",
        **overrides,
    }


def test_posting_an_update_goes_through_the_service(world, client):
    member = world.personas["forum_member"]
    response = post(client, "/api/v1/progress-updates/", update_data(world.action), member)
    assert response.status_code == 201, response.content
    body = response.json()
    update = ProgressUpdate.all_records.get(pk=body["id"])
    assert update.author == member
    assert update.organisation == world.partner
    assert body["review_state"] == "submitted"  # the strategy reviews updates
    assert update.history.first().history_user == member


@pytest.mark.usefixtures("review_off")
def test_a_stale_version_answers_409_with_the_current_state(world, client):
    member = world.personas["forum_member"]
    data = update_data(world.action, narrative="First")
    assert post(client, "/api/v1/progress-updates/", data, member).status_code == 201
    stale = post(client, "/api/v1/progress-updates/", {**data, "narrative": "Second"}, member)
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["id"] == world.action.pk
    assert body["current"]["version"] == data["version"] + 1
    assert body["current"]["percent_complete"] == 40
    assert body["latest"]["narrative"] == "First"
    assert "version" in body["detail"]
    assert not ProgressUpdate.all_records.filter(narrative="Second").exists()


@pytest.mark.usefixtures("review_off")
def test_council_input_version_check(world, client):
    officer = world.personas["officer"]
    data = {
        "council_action": world.council_action.pk,
        "version": world.council_action.version,
        "status": Status.AT_RISK,
        "percent_complete": 10,
        "commentary": "Started",
    }
    assert post(client, "/api/v1/council-input/", data, officer).status_code == 201
    assert post(client, "/api/v1/council-input/", data, officer).status_code == 409
    assert CouncilInput.all_records.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"narrative": ""}, "narrative", "Enter what has happened"),
        ({"percent_complete": 150}, "percent_complete", "between 0 and 100"),
        ({"status": "sideways"}, "status", "Choose a status"),
        ({"status": "completed", "percent_complete": 50}, "percent_complete", "100% complete"),
        (
            {"revised_target_date": "2027-01-01"},
            "revision_reason",
            "Give a reason for the new target date",
        ),
        ({"strategy_action": 10**9}, "strategy_action", "No such record"),
        ({"evidence_url": "ftp://x"}, "evidence_url", "http://"),
    ],
)
def test_bad_input_answers_400_with_field_messages(world, client, change, field, message):
    member = world.personas["forum_member"]
    response = post(
        client, "/api/v1/progress-updates/", update_data(world.action, **change), member
    )
    assert response.status_code == 400
    body = response.json()
    assert any(message in text for text in body["errors"][field]), body
    assert ProgressUpdate.all_records.count() == 0


def test_a_draft_is_continued_not_posted_twice(world, client):
    member = world.personas["forum_member"]
    draft = update_data(world.action, submit=False, narrative="Draft")
    first = post(client, "/api/v1/progress-updates/", draft, member).json()
    assert first["review_state"] == "draft"
    second = post(client, "/api/v1/progress-updates/", update_data(world.action), member).json()
    assert second["id"] == first["id"]
    assert second["review_state"] == "submitted"
    assert ProgressUpdate.all_records.count() == 1


def test_recording_an_indicator_value(world, client):
    indicator = IndicatorFactory(
        strategy=world.action.theme.strategy,
        owner=world.partner,
        created_by=world.personas["coordinator"],
    )
    member = world.personas["forum_member"]
    data = {"indicator": indicator.pk, "value": "12.5", "measured_on": "2026-09-30"}
    response = post(client, "/api/v1/indicator-values/", data, member)
    assert response.status_code == 201
    value = IndicatorValue.all_records.get(pk=response.json()["id"])
    assert value.value == Decimal("12.5")
    assert value.author == member
    refused = post(client, "/api/v1/indicator-values/", data, world.personas["forum_other"])
    assert refused.status_code == 403
    assert "measures this indicator" in refused.json()["detail"]
    bad = post(client, "/api/v1/indicator-values/", {**data, "value": "lots"}, member)
    assert bad.json()["errors"]["value"] == ["Enter the value as a number, such as 120 or 45.5"]


def test_a_session_write_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.personas["forum_member"])
    response = client.post(
        "/api/v1/progress-updates/", update_data(world.action), content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert ProgressUpdate.all_records.count() == 0


def test_cabinet_members_read_but_do_not_write(world, client):
    cabinet = world.personas["cabinet"]
    response = post(client, "/api/v1/progress-updates/", update_data(world.action), cabinet)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Only the organisations responsible")


# --- Tokens ----------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_hashed(world, client):
    member = world.personas["forum_member"]
    client.force_login(member)
    response = client.post(reverse("api:tokens"), {"name": "Figures script"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("tst_")
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(token__user=member)
    assert token.name == "Figures script"
    assert token.digest == hash_token(secret)
    assert secret not in token.digest
    listing = client.get(reverse("api:tokens")).content.decode()
    assert "Figures script" in listing
    assert secret not in listing
    assert token.token_key in listing


def test_a_token_records_when_it_was_last_used(world):
    member = world.personas["forum_member"]
    secret = api_token(member)
    assert ApiToken.objects.get().last_used_at is None
    Client().get("/api/v1/actions/", headers={"Authorization": f"Token {secret}"})
    assert ApiToken.objects.get().last_used_at is not None


def test_a_revoked_token_stops_at_once(world, client):
    member = world.personas["forum_member"]
    secret = api_token(member, "Old script")
    token = ApiToken.objects.get()
    api = Client()
    headers = {"Authorization": f"Token {secret}"}
    assert api.get("/api/v1/strategies/", headers=headers).status_code == 200
    client.force_login(member)
    url = reverse("api:token_revoke", args=[token.digest[:32]])
    confirm = client.get(url)
    assert "Revoke the token “Old script”?" in confirm.content.decode()
    assert ApiToken.objects.exists()  # asking is not revoking
    assert client.post(url).status_code == 302
    assert not ApiToken.objects.exists()
    refused = api.get("/api/v1/strategies/", headers=headers)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token."}
    assert refused["WWW-Authenticate"] == "Token"


def test_a_deactivated_persons_tokens_stop(world):
    member = world.personas["forum_member"]
    secret = api_token(member)
    member.is_active = False
    member.save()
    response = Client().get("/api/v1/actions/", headers={"Authorization": f"Token {secret}"})
    assert response.status_code == 401


def test_nobody_revokes_anothers_token(world, client):
    api_token(world.personas["forum_member"])
    token = ApiToken.objects.get()
    client.force_login(world.personas["admin"])
    url = reverse("api:token_revoke", args=[token.digest[:32]])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert ApiToken.objects.exists()


def test_a_token_needs_a_name(world, client):
    client.force_login(world.personas["cabinet"])
    response = client.post(reverse("api:tokens"), {"name": ""})
    assert response.status_code == 400
    assert "Enter a name for the token" in response.content.decode()
    assert not ApiToken.objects.exists()


TOKEN_PAGES = {
    **dict.fromkeys(["forum_member", "forum_other", "coordinator", "officer"], 200),
    **dict.fromkeys(["officer_above", "officer_other", "cabinet", "admin"], 200),
    "anonymous": 302,
    "no_role": 403,
}


@pytest.mark.parametrize(("persona", "code"), TOKEN_PAGES.items())
def test_who_may_manage_tokens(world, client, persona, code):
    """The token pages in the permission matrix's terms: every role may make tokens (Cabinet
    members' read only, as their role does); a person without a role may not; anonymous
    callers are sent to sign in. Nobody reaches a token that is not theirs."""
    if world.personas[persona]:
        client.force_login(world.personas[persona])
    assert client.get(reverse("api:tokens")).status_code == code
    assert client.post(reverse("api:tokens"), {"name": "x"}).status_code == code
    assert ApiToken.objects.exists() == (code == 200)
    api_token(UserFactory(role=Role.FORUM_MEMBER))
    theirs = ApiToken.objects.exclude(token__user=world.personas[persona]).get()
    revoke = reverse("api:token_revoke", args=[theirs.digest[:32]])
    assert client.get(revoke).status_code == (404 if code == 200 else code)
    assert client.post(revoke).status_code == (404 if code == 200 else code)
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("persona", ["anonymous", "forum_member", "no_role"])
def test_the_schema_and_docs_are_open_to_everyone(world, client, persona):
    if world.personas[persona]:
        client.force_login(world.personas[persona])
    for name in ("api:schema", "api:docs", "api:swagger"):
        assert client.get(reverse(name)).status_code == 200
        assert client.post(reverse(name)).status_code in (403, 405)


# --- Throttles -------------------------------------------------------------------------------


def test_each_token_is_throttled_with_retry_after(world, settings):
    settings.API_THROTTLE_RATES = {"caller": "2/minute", "address": "100/minute", "writes": "9/m"}
    first = {"Authorization": f"Token {api_token(world.personas['cabinet'])}"}
    second = {"Authorization": f"Token {api_token(world.personas['cabinet'])}"}
    api = Client()
    assert [api.get("/api/v1/themes/", headers=first).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    throttled = api.get("/api/v1/themes/", headers=first)
    assert int(throttled["Retry-After"]) > 0
    assert "throttled" in throttled.json()["detail"]
    assert api.get("/api/v1/themes/", headers=second).status_code == 200  # its own count


def test_each_address_is_throttled(db, settings):
    settings.API_THROTTLE_RATES = {"caller": "100/minute", "address": "2/minute", "writes": "9/m"}
    here, there = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    assert [here.get("/api/v1/themes/").status_code for _ in range(3)] == [200, 200, 429]
    assert there.get("/api/v1/themes/").status_code == 200


# --- Schema and documentation -----------------------------------------------------------------


def test_the_schema_describes_every_endpoint(client):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/actions/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/progress-updates/"]
    assert "409" in schema["paths"]["/api/v1/progress-updates/"]["post"]["responses"]
    assert "personalToken" in schema["components"]["securitySchemes"]


def test_the_docs_page_is_written_from_the_schema_without_scripts(client):
    response = client.get(reverse("api:docs"))
    body = response.content.decode()
    assert "POST /api/v1/progress-updates/" in body
    assert "strategy_action" in body
    assert "<script>" not in body


def test_swagger_ui_comes_from_this_site_without_inline_code(client):
    body = client.get(reverse("api:swagger")).content.decode()
    assert "<style" not in body
    assert "<script>" not in body
    assert "cdn" not in body.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in body
    script = client.get(reverse("api:swagger") + "?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


# --- Queries -----------------------------------------------------------------------------------


def _grow(world, n: int) -> None:
    """n more of everything the list endpoints show, each with its related rows."""
    member = world.personas["forum_member"]
    officer = world.personas["officer"]
    indicator = IndicatorFactory(
        strategy=world.action.theme.strategy,
        owner=world.partner,
        created_by=world.personas["coordinator"],
    )
    for _ in range(n):
        theme = ThemeFactory(strategy=world.action.theme.strategy)
        action = StrategyActionFactory(theme=theme)
        ActionPartnerFactory(strategy_action=action, partner=world.partner)
        ActionPartnerFactory(
            strategy_action=action, partner=world.other_partner, role=ActionPartner.Role.SUPPORTING
        )
        SubPointFactory(strategy_action=action)
        council_action = CouncilActionFactory(strategy_action=action, responsible_unit=world.unit)
        update = ProgressUpdateFactory(strategy_action=action, author=member)
        EvidenceFileFactory(record=update)
        CouncilInputFactory(council_action=council_action, author=officer)
        MilestoneFactory(strategy_action=action, owner=world.partner, added_by=member)
        IndicatorFactory(
            strategy=world.action.theme.strategy,
            owner=world.partner,
            created_by=member,
            strategy_actions=[action],
            themes=[theme],
        )
        IndicatorValueFactory(indicator=indicator, author=member)


LISTS = [
    "/api/v1/strategies/",
    "/api/v1/themes/",
    "/api/v1/actions/",
    "/api/v1/council-actions/",
    "/api/v1/progress-updates/",
    "/api/v1/council-input/",
    "/api/v1/milestones/",
    "/api/v1/indicators/",
    "/api/v1/indicator-values/",
]


def _counts(client, headers) -> dict[str, int]:
    counts = {}
    for url in LISTS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, headers=headers)
        assert response.status_code == 200
        counts[url] = len(queries)
    return counts


@pytest.mark.parametrize("persona", ["anonymous", "forum_member"])
def test_list_endpoints_read_a_constant_number_of_queries(published, persona):
    client = Client()
    user = published.personas[persona]
    headers = token_headers(user) if user else {}
    _grow(published, 2)
    client.get("/api/v1/strategies/", headers=headers)  # the token's last use written
    small = _counts(client, headers)
    _grow(published, 6)
    large = _counts(client, headers)
    assert large == small
    assert len(results(client.get("/api/v1/actions/", headers=headers))) == 9  # and the world's own


def test_administrators_see_tokens_in_the_admin_but_never_the_token(world, client):
    secret = api_token(world.personas["forum_member"], "Nightly export")
    client.force_login(world.personas["admin"])
    index = client.get("/admin/").content.decode()
    assert "/admin/api/apitoken/" in index
    assert "/admin/knox/" not in index  # nobody makes a token for someone else
    listing = client.get("/admin/api/apitoken/")
    assert "Nightly export" in listing.content.decode()
    assert secret not in listing.content.decode()


def test_a_refused_query_string_answers_json_under_the_api(client):
    response = client.get("/api/v1/actions/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert client.get("/api/v1/actions/", {"q": "x" * 2001}).status_code == 400


def test_an_odd_time_zone_offset_is_read_not_a_fault(world, client):
    """PostgreSQL refuses offsets beyond ±15:59 (Schemathesis found it): the API turns the
    moment into UTC first."""
    response = client.get("/api/v1/council-input/", {"since": "0829-04-26T01:23:42-21:50"})
    assert response.status_code == 200
