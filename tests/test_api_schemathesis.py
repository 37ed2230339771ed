"""Schemathesis runs every operation of the OpenAPI schema (/api/schema/, loaded from the WSGI
application in-process) with a small, bounded number of generated requests, anonymous and with
a signed-in person's token: no answer may be a server error, and every answer must match the
schema (its status code, content type and body).

Bounded to run in about a minute: a few examples per operation, no shrinking. It runs in `make
test` on SQLite and on PostgreSQL (CI runs both).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from strategy.models import Strategy
from tests.factories import (
    CouncilInputFactory,
    EvidenceFileFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    api_token,
)

#: 9 lists, 9 records and 3 writes.
OPERATIONS = 21
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure can be repeated
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def _connection_kept():
    """The WSGI application closes "old" database connections at each request's start and end;
    inside the test's transaction that would close the test's own connection (on PostgreSQL).
    Django's test client stops this the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world, settings, _connection_kept):
    """A published plan with a record of every kind, and the schema loaded from the app."""
    settings.API_THROTTLE_RATES = dict.fromkeys(["caller", "address", "writes"], "100000/minute")
    Strategy.objects.update(published_at=timezone.now())
    member, officer = world.personas["forum_member"], world.personas["officer"]
    update = ProgressUpdateFactory(strategy_action=world.action, author=member)
    EvidenceFileFactory(record=update)
    ProgressUpdateFactory(strategy_action=world.action, author=member, approved=False)
    CouncilInputFactory(council_action=world.council_action, author=officer)
    MilestoneFactory(strategy_action=world.action, owner=world.partner, added_by=member)
    indicator = IndicatorFactory(
        strategy=world.action.theme.strategy, owner=world.partner, created_by=member
    )
    IndicatorValueFactory(indicator=indicator, author=member)
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


def run_every_operation(schema, headers=None) -> int:
    """Each operation's generated requests, checked. (Schemathesis's own pytest plugin cannot
    build its tests under pytest 9 yet, so the operations are walked here.)"""
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @BOUNDED
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
        ran += 1
    return ran


@pytest.mark.django_db
def test_every_operation_anonymous(api_schema):
    assert run_every_operation(api_schema) == OPERATIONS


@pytest.mark.django_db
def test_every_operation_with_a_token(api_schema, world):
    """As the Forum coordinator, who may write every kind of record."""
    token = api_token(world.personas["coordinator"])
    assert run_every_operation(api_schema, {"Authorization": f"Token {token}"}) == OPERATIONS
