"""The API's permission matrix: every endpoint, every method, every persona (issue 14).

Signed-in personas call with a personal API token; the write endpoints are also called with the
browser's session. A refused or failed call must change nothing (the same snapshot of every
product table as tests/test_permission_matrix.py takes). tests/test_permission_matrix.py
checks that every URL of the `api` namespace has rows here.

The test world's strategy is not published: anonymous callers (and people signed in without a
role, who read what the public site shows) see no record of it; tests/test_api.py covers a
published one.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from actions.models import CouncilAction, StrategyAction
from actions.status import Status
from tests.factories import (
    CouncilInputFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    api_token,
)
from tests.test_permission_matrix import PERSONAS, WITH_ROLE, snapshot

OK, CREATED, BAD, UNAUTHORISED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = (
    200,
    201,
    400,
    401,
    403,
    404,
    405,
)
NO_METHODS = "PUT,PATCH,DELETE"
METHODS = ["GET", "POST", NO_METHODS]


def everyone(code):
    return dict.fromkeys(PERSONAS, code)


def readers(code, others):
    """`code` for people with a role; `others` for anonymous and for no role."""
    return {**dict.fromkeys(WITH_ROLE, code), "anonymous": others, "no_role": others}


def writers(people, code=CREATED):
    """Who may write: `people` get `code`; other roles 403; anonymous 401; a person without a
    role cannot see the (unpublished) record written about, so is told so (400)."""
    return {
        **dict.fromkeys(WITH_ROLE, FORBIDDEN),
        **dict.fromkeys(people, code),
        "anonymous": UNAUTHORISED,
        "no_role": BAD,
    }


#: No such method here: 405 for anyone signed in (anonymous callers are asked to sign in first).
NO_METHOD = {**everyone(NOT_ALLOWED), "anonymous": UNAUTHORISED}


def the_update(world):
    if not hasattr(world, "update"):
        world.update = ProgressUpdateFactory(
            strategy_action=world.action, author=world.personas["forum_member"]
        )
    return world.update


def the_input(world):
    if not hasattr(world, "input"):
        world.input = CouncilInputFactory(
            council_action=world.council_action, author=world.personas["officer"]
        )
    return world.input


def the_milestone(world):
    if not hasattr(world, "milestone"):
        world.milestone = MilestoneFactory(
            strategy_action=world.action,
            owner=world.partner,
            added_by=world.personas["coordinator"],
        )
    return world.milestone


def the_indicator(world):
    """Measured by the forum member's organisation."""
    if not hasattr(world, "indicator"):
        world.indicator = IndicatorFactory(
            strategy=world.action.theme.strategy,
            owner=world.partner,
            created_by=world.personas["coordinator"],
        )
    return world.indicator


def the_value(world):
    if not hasattr(world, "value"):
        world.value = IndicatorValueFactory(
            indicator=the_indicator(world), author=world.personas["forum_member"]
        )
    return world.value


def version(model, pk):
    return model.objects.values_list("version", flat=True).get(pk=pk)


def update_data(world):
    return {
        "strategy_action": world.action.pk,
        "version": version(StrategyAction, world.action.pk),
        "status": Status.ON_TRACK,
        "percent_complete": 25,
        "narrative": "Matrix update by API",
    }


def input_data(world):
    return {
        "council_action": world.council_action.pk,
        "version": version(CouncilAction, world.council_action.pk),
        "status": Status.AT_RISK,
        "percent_complete": 15,
        "commentary": "Matrix input by API",
    }


def value_data(world):
    return {"indicator": the_indicator(world).pk, "value": "130", "measured_on": "2026-08-01"}


UPDATERS = {"forum_member", "coordinator", "admin"}
UNIT_OFFICERS = {"officer", "officer_above", "admin"}
VALUE_RECORDERS = {"forum_member", "coordinator", "admin"}


@dataclass
class Endpoint:
    basename: str
    detail: object  # callable(world) -> a record of the test world
    create: object = None  # callable(world) -> valid POST data, where the endpoint has POST
    creators: set = field(default_factory=set)


ENDPOINTS = [
    Endpoint("strategy", lambda w: w.action.theme.strategy),
    Endpoint("theme", lambda w: w.action.theme),
    Endpoint("action", lambda w: w.action),
    Endpoint("council_action", lambda w: w.council_action),
    Endpoint("progress_update", the_update, update_data, UPDATERS),
    Endpoint("council_input", the_input, input_data, UNIT_OFFICERS),
    Endpoint("milestone", the_milestone),
    Endpoint("indicator", the_indicator),
    Endpoint("indicator_value", the_value, value_data, VALUE_RECORDERS),
]


@dataclass
class Case:
    name: str  # the URL's name in the api namespace
    method: str
    expected: dict
    url: object  # callable(world) -> path
    data: object = None
    may_change: set = field(default_factory=set)


def _cases() -> list[Case]:
    found = []
    for endpoint in ENDPOINTS:
        list_name, detail_name = f"{endpoint.basename}-list", f"{endpoint.basename}-detail"

        def list_url(world, name=list_name):
            return reverse(f"api:{name}")

        def detail_url(world, name=detail_name, record=endpoint.detail):
            return reverse(f"api:{name}", args=[record(world).pk])

        found.append(Case(list_name, "GET", everyone(OK), list_url))
        found.append(Case(detail_name, "GET", readers(OK, NOT_FOUND), detail_url))
        if endpoint.create:
            post = writers(endpoint.creators)
            found.append(
                Case(list_name, "POST", post, list_url, endpoint.create, endpoint.creators)
            )
        else:
            found.append(Case(list_name, "POST", NO_METHOD, list_url))
        # The methods no endpoint has, each asked of the list and of a record in one case.
        found.append(Case(detail_name, NO_METHODS, NO_METHOD, detail_url))
        found.append(Case(list_name, NO_METHODS, NO_METHOD, list_url))
    return found


CASES = _cases()
COVERED = {case.name for case in CASES} | {"schema", "docs", "swagger", "tokens", "token_revoke"}


def call(client, world, persona, case, *, auth="token", method=None):
    url = case.url(world)
    data = case.data(world) if case.data else {}
    headers = {}
    user = world.personas[persona]
    if user is not None and auth == "token":
        headers["Authorization"] = f"Token {api_token(user)}"
    elif user is not None:
        client.force_login(user)
    method = method or case.method
    if method == "GET":  # reads change nothing by design; the snapshot is for the others
        return client.get(url, headers=headers), False
    before = snapshot()
    response = getattr(client, method.lower())(
        url, data=data, content_type="application/json", headers=headers
    )
    return response, snapshot() != before


def _params(methods, auths=("token",)):
    return [
        pytest.param(case, persona, auth, id=f"{case.method}-{case.name}-{persona}-{auth}")
        for case in CASES
        if case.method in methods
        for persona in PERSONAS
        for auth in (auths if persona != "anonymous" else ("none",))
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "persona", "auth"), _params(METHODS))
def test_api_matrix(client, world, case, persona, auth):
    for method in case.method.split(","):
        response, changed = call(client, world, persona, case, auth=auth, method=method)
        assert response.status_code == case.expected[persona], (method, response.content[:300])
        assert response["Content-Type"] == "application/json"
        if response.status_code >= 400:
            assert response.json()["detail"]
        if persona in case.may_change and response.status_code == CREATED:
            assert changed, f"{persona}'s valid POST to {case.name} changed nothing"
        else:
            assert not changed, f"{persona} changed data through {method} {case.name}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "persona", "auth"),
    [
        pytest.param(case, persona, "session", id=f"POST-{case.name}-{persona}-session")
        for case in CASES
        if case.method == "POST" and case.data
        for persona in PERSONAS
        if persona != "anonymous"
    ],
)
def test_api_writes_with_the_session(client, world, case, persona, auth):
    """The browser's session writes as a token does (the test client skips the CSRF check;
    tests/test_api.py checks that the API asks for it)."""
    response, changed = call(client, world, persona, case, auth=auth)
    assert response.status_code == case.expected[persona], response.content[:300]
    assert changed == (response.status_code == CREATED)


def test_every_persona_in_every_case():
    for case in CASES:
        assert set(case.expected) == set(PERSONAS), case.name


def test_unpublished_detail_is_hidden_from_the_public():
    """The matrix's world is unpublished: its records are 404 to anonymous callers."""
    for case in CASES:
        if case.method == "GET" and case.name.endswith("-detail"):
            assert case.expected["anonymous"] == NOT_FOUND
