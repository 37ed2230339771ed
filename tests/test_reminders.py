"""Reminder emails to organisations that have not yet updated their actions in the open round."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from monitoring import reminders
from monitoring import services as round_services
from monitoring.models import ReminderLog
from monitoring.reminders import send_update_reminders
from tests.factories import (
    ActionPartnerFactory,
    PartnerFactory,
    ReminderLogFactory,
    StrategyActionFactory,
    UserFactory,
)
from tests.helpers import open_a_round, post_update

pytestmark = pytest.mark.django_db

BASE_URL = "https://tracker.example.org"
TODAY = datetime.date(2026, 5, 11)


def send(today=TODAY):
    return send_update_reminders(today=today, base_url=BASE_URL)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def round_(world):
    return open_a_round(world.personas["coordinator"], due_date=datetime.date(2026, 7, 15))


def test_only_members_of_organisations_with_actions_to_update_are_emailed(world, round_):
    member = world.personas["forum_member"]
    colleague = UserFactory(role=Role.FORUM_MEMBER, organisation=world.partner)

    sent = send()

    # forum_other's organisation is responsible for nothing.
    assert recipients() == sorted([member.email, colleague.email])
    assert {reminder.recipient for reminder in sent} == {member, colleague}
    assert all(reminder.actions == [world.action] for reminder in sent)
    log = ReminderLog.objects.get(recipient=member)
    assert (log.round, log.sent_on, log.action_count) == (round_, TODAY, 1)


def test_one_reminder_per_person_per_day(world, round_):
    assert len(send()) == 1
    assert len(mail.outbox) == 1

    assert send() == []  # again the same day: nothing more
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.count() == 1

    next_day = TODAY + datetime.timedelta(days=1)
    assert [r.recipient for r in send(today=next_day)] == [world.personas["forum_member"]]
    assert len(mail.outbox) == 2
    assert ReminderLog.objects.filter(sent_on=next_day).count() == 1


def test_members_of_an_organisation_whose_actions_are_all_updated_get_nothing(world, round_):
    other_action = StrategyActionFactory()
    ActionPartnerFactory(strategy_action=other_action, partner=world.other_partner)
    post_update(other_action, world.personas["forum_other"])

    send()

    assert recipients() == [world.personas["forum_member"].email]

    post_update(world.action, world.personas["forum_member"])
    mail.outbox.clear()
    assert send(today=TODAY + datetime.timedelta(days=1)) == []
    assert mail.outbox == []


def test_people_without_the_forum_member_role_an_email_or_an_active_account_get_nothing(
    world, round_
):
    member = world.personas["forum_member"]
    UserFactory(role=Role.FORUM_MEMBER, organisation=world.partner, is_active=False)
    UserFactory(role=Role.FORUM_MEMBER, organisation=world.partner, email="")
    UserFactory(role=Role.CABINET_MEMBER, organisation=world.partner)
    UserFactory(role=Role.ADMINISTRATOR, organisation=world.partner)
    # world.partner also has the coordinator and a person with no role.

    sent = send()

    assert [reminder.recipient for reminder in sent] == [member]
    assert recipients() == [member.email]


def test_members_of_a_closed_organisation_get_nothing(world, round_):
    world.partner.is_active = False
    world.partner.save()

    assert send() == []
    assert mail.outbox == []


def test_email_links_to_each_action_still_to_update(world, round_):
    second = StrategyActionFactory(text="Run a volunteering fair.")
    ActionPartnerFactory(strategy_action=second, partner=world.partner)
    updated = StrategyActionFactory(text="Publish the compact.")
    ActionPartnerFactory(strategy_action=updated, partner=world.partner)
    post_update(updated, world.personas["coordinator"])

    send()

    (message,) = mail.outbox
    assert message.to == [world.personas["forum_member"].email]
    assert message.subject == "Reminder: update your actions for Quarter 1 by 15 July 2026"
    body = message.body
    assert f"Dear {world.personas['forum_member'].full_name}," in body
    assert "Updates are due by 15 July 2026." in body
    for action in (world.action, second):
        assert f"{action.reference}: {action.text}" in body
        assert f"{BASE_URL}/actions/{action.pk}/" in body
    assert "Publish the compact." not in body
    assert f"{BASE_URL}/actions/{updated.pk}/" not in body
    assert "these 2 actions" in body


def test_email_after_the_due_date_says_so(world, round_):
    send(today=datetime.date(2026, 7, 16))
    assert "Updates were due by 15 July 2026, and" in mail.outbox[0].body


def test_nothing_is_sent_when_no_round_is_open(world):
    assert send() == []
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()


def test_nothing_is_sent_once_the_round_is_closed(world, round_):
    round_services.close_round(round_=round_, closed_by=world.personas["coordinator"])
    assert send() == []
    assert mail.outbox == []


def test_a_failed_send_is_not_logged_so_the_next_run_tries_again(world, round_, monkeypatch):
    def broken_send_mail(**kwargs):
        raise OSError("mail server unavailable")

    monkeypatch.setattr(reminders, "send_mail", broken_send_mail)
    with pytest.raises(OSError, match="mail server unavailable"):
        send()
    assert not ReminderLog.objects.exists()

    monkeypatch.undo()
    assert len(send()) == 1
    assert len(mail.outbox) == 1


def test_a_person_reminded_meanwhile_by_another_run_is_not_emailed_twice(world, round_):
    member = world.personas["forum_member"]
    ReminderLogFactory(recipient=member, round=round_, sent_on=TODAY)

    sent = reminders._send_one(round_, member, [world.action], today=TODAY, base_url=BASE_URL)

    assert sent is False
    assert mail.outbox == []
    assert ReminderLog.objects.count() == 1


def test_query_count_does_not_grow_with_the_number_of_actions(world, round_):
    def add_actions(count):
        for _ in range(count):
            action = StrategyActionFactory()
            ActionPartnerFactory(strategy_action=action, partner=world.partner)
            ActionPartnerFactory(strategy_action=action, partner=world.other_partner)

    add_actions(2)
    with CaptureQueriesContext(connection) as few:
        send()
    add_actions(20)
    with CaptureQueriesContext(connection) as many:
        send(today=TODAY + datetime.timedelta(days=1))

    assert len(mail.outbox) == 4  # forum_member and forum_other, on each day
    assert "these 22 actions" in mail.outbox[-1].body
    assert len(many) == len(few)


# --- The management command ---------------------------------------------------------------


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = BASE_URL


def test_command_prints_each_reminder_sent_and_a_summary(world, round_, site_url, capsys):
    member = world.personas["forum_member"]
    second = StrategyActionFactory(reference="T9.9")
    ActionPartnerFactory(strategy_action=second, partner=world.partner)
    organisation = PartnerFactory()
    lone = StrategyActionFactory(reference="T8.1")
    ActionPartnerFactory(strategy_action=lone, partner=organisation)
    other = UserFactory(role=Role.FORUM_MEMBER, organisation=organisation)

    call_command("send_update_reminders")

    out = capsys.readouterr().out
    assert (
        f"Sent a reminder to {member.username} {member.email} about 2 actions: "
        f"{world.action.reference}, T9.9" in out
    )
    assert f"Sent a reminder to {other.username} {other.email} about 1 action: T8.1" in out
    assert "Sent 2 reminders." in out
    assert len(mail.outbox) == 2
    assert f"{BASE_URL}/actions/{second.pk}/" in mail.outbox[0].body + mail.outbox[1].body

    call_command("send_update_reminders")

    out = capsys.readouterr().out
    assert "Sent a reminder" not in out
    assert "No reminders sent" in out
    assert len(mail.outbox) == 2


def test_command_says_when_no_round_is_open(world, site_url, capsys):
    call_command("send_update_reminders")

    assert capsys.readouterr().out == "No monitoring round is open; no reminders sent.\n"
    assert mail.outbox == []
