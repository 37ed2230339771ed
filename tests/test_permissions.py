"""The rules in accounts/permissions.py, persona by persona."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import permissions

pytestmark = pytest.mark.django_db

#                      read  update action  council input  rounds
EXPECTED = {
    "forum_member": (True, True, False, False),
    "forum_other": (True, False, False, False),
    "coordinator": (True, True, False, True),
    "officer": (True, False, True, False),
    "officer_above": (True, False, True, False),
    "officer_other": (True, False, False, False),
    "cabinet": (True, False, False, False),
    "admin": (True, True, True, True),
    "no_role": (False, False, False, False),
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_rules(world, persona):
    user = world.personas[persona]
    got = (
        permissions.can_read_plan(user),
        permissions.can_update_action(user, world.action),
        permissions.can_record_council_input(user, world.council_action),
        permissions.can_manage_rounds(user),
    )
    assert got == EXPECTED[persona]


def test_anonymous_may_do_nothing(world):
    anonymous = AnonymousUser()
    assert not permissions.can_read_plan(anonymous)
    assert not permissions.can_update_action(anonymous, world.action)
    assert not permissions.can_record_council_input(anonymous, world.council_action)
    assert not permissions.can_manage_rounds(anonymous)


def test_supporting_partner_may_update_too(world):
    from actions.models import ActionPartner
    from tests.factories import ActionPartnerFactory

    ActionPartnerFactory(
        strategy_action=world.action,
        partner=world.other_partner,
        role=ActionPartner.Role.SUPPORTING,
    )
    assert permissions.can_update_action(world.personas["forum_other"], world.action)


def test_a_deactivated_person_may_do_nothing(world):
    user = world.personas["admin"]
    user.is_active = False
    assert not permissions.can_read_plan(user)
    assert not permissions.can_update_action(user, world.action)


def test_roles_are_read_once_per_request(world, django_assert_num_queries):
    user = world.personas["officer"]
    with django_assert_num_queries(2):  # the person's groups; the council unit tree
        answers = [
            permissions.can_record_council_input(user, world.council_action) for _ in "12345"
        ]
    assert answers == [True] * 5  # the same answer every time, from what was read once
