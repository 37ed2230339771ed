"""Shared pytest fixtures, including one person per role ("personas")."""

import pytest

from accounts.roles import Role
from strategy.seed import load_report
from tests.factories import (
    ActionPartnerFactory,
    CouncilActionFactory,
    CouncilUnitFactory,
    PartnerFactory,
    StrategyActionFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Tests create many users; the real hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    # Files made by downloads go to a folder of the test's own, removed afterwards.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached pages are keyed by the plan's generation, which restarts with each test.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def report(db):
    """The Cabinet report of 14 March 2013, loaded from the fixture."""
    load_report()


@pytest.fixture
def user(db):
    """A signed-in reader: a Cabinet member (reads everything, changes nothing)."""
    return UserFactory(role=Role.CABINET_MEMBER)


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


class World:
    """A small plan with one person per persona of the permission matrix.

    `action` is led by `partner`; `council_action` (on `action`) is answered for
    by `unit`, which sits below `directorate`.
    """

    def __init__(self):
        self.partner = PartnerFactory(name="Responsible Charity")
        self.other_partner = PartnerFactory(name="Another Charity")
        self.directorate = CouncilUnitFactory(name="A Directorate")
        self.unit = CouncilUnitFactory(name="A Division", parent=self.directorate)
        self.other_unit = CouncilUnitFactory(name="Another Directorate")
        self.action = StrategyActionFactory()
        ActionPartnerFactory(strategy_action=self.action, partner=self.partner)
        self.council_action = CouncilActionFactory(
            strategy_action=self.action, responsible_unit=self.unit
        )
        self.personas = {
            "anonymous": None,
            "forum_member": UserFactory(role=Role.FORUM_MEMBER, organisation=self.partner),
            "forum_other": UserFactory(role=Role.FORUM_MEMBER, organisation=self.other_partner),
            "coordinator": UserFactory(role=Role.FORUM_COORDINATOR, organisation=self.partner),
            "officer": UserFactory(role=Role.COUNCIL_OFFICER, organisation=self.unit),
            "officer_above": UserFactory(role=Role.COUNCIL_OFFICER, organisation=self.directorate),
            "officer_other": UserFactory(role=Role.COUNCIL_OFFICER, organisation=self.other_unit),
            "cabinet": UserFactory(role=Role.CABINET_MEMBER, organisation=self.directorate),
            "admin": UserFactory(role=Role.ADMINISTRATOR, organisation=self.directorate),
            "no_role": UserFactory(organisation=self.partner),
        }


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def review_off(world):
    """Every strategy so far stops reviewing updates: submitting approves at once. For tests of
    posting itself (the form, stale edits, history); tests/test_review.py tests the review."""
    from strategy.models import Strategy

    Strategy.objects.update(reviews_updates=False)
