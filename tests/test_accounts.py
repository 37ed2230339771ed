"""Signing in, sessions, passwords, invitations, roles and the landing page."""

import datetime
import logging
import re
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SIGNED_IN_AT
from accounts.models import Partner, User
from accounts.roles import Role
from tests.factories import TEST_PASSWORD, CouncilUnitFactory, PartnerFactory, UserFactory
from tests.helpers import LOGIN, is_signed_in, sign_in

pytestmark = pytest.mark.django_db

# --- Signing in -------------------------------------------------------------------


def test_sign_in_with_username(client):
    UserFactory(username="jo", role=Role.CABINET_MEMBER)
    response = sign_in(client, "jo")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_sign_in_with_email_address_in_any_case(client):
    UserFactory(email="Jo.Bloggs@Example.org", role=Role.CABINET_MEMBER)
    response = sign_in(client, "jo.bloggs@example.ORG")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_wrong_password_is_a_plain_english_error(client):
    UserFactory(username="jo")
    response = sign_in(client, "jo", "wrong")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a correct email address or username and password." in page
    assert not is_signed_in(client)


def test_sign_ins_are_logged_without_passwords(client, caplog):
    UserFactory(username="jo")
    with caplog.at_level(logging.INFO, logger="accounts.security"):
        sign_in(client, "jo", "wrong-secret-123")
        sign_in(client, "jo")
    text = caplog.text
    assert "Sign-in failed: username='jo' address=10.0.0.1" in text
    assert "Sign-in succeeded: user=jo address=10.0.0.1" in text
    assert "wrong-secret-123" not in text
    assert TEST_PASSWORD not in text


def test_sign_in_throttled_after_repeated_failures_then_cools_off(client):
    UserFactory(username="jo", role=Role.CABINET_MEMBER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "jo", "wrong")
    # Even the right password is refused while the pair is locked.
    response = sign_in(client, "jo")
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert not is_signed_in(client)
    # Switching to the email address does not buy more guesses.
    assert sign_in(client, User.objects.get(username="jo").email).status_code == 429
    # The lock is by username and address together: the person can still sign in elsewhere.
    assert sign_in(Client(), "jo", address="10.0.0.2").status_code == 302
    # And it is never permanent: after the cool-off, the right password works.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    )
    assert sign_in(client, "jo").status_code == 302


def test_post_without_csrf_token_is_refused():
    UserFactory(username="jo", role=Role.CABINET_MEMBER)
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "jo", "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert not is_signed_in(client)


def test_sign_out_without_csrf_token_is_refused():
    user = UserFactory(role=Role.CABINET_MEMBER)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("logout")).status_code == 403
    assert is_signed_in(client)


# --- Sessions -----------------------------------------------------------------------


def test_session_key_changes_at_sign_in(client):
    UserFactory(username="jo", role=Role.CABINET_MEMBER)
    session = client.session
    session["before"] = True
    session.save()
    before = session.session_key
    sign_in(client, "jo")
    assert client.session.session_key != before
    assert not SessionStore(session_key=before).exists(before)


def test_sign_out_invalidates_the_session(client):
    UserFactory(username="jo", role=Role.CABINET_MEMBER)
    sign_in(client, "jo")
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not SessionStore(session_key=key).exists(key)
    # Replaying the old cookie does not sign anyone in.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert not is_signed_in(replay)


def _stored_session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_each_request_pushes_the_idle_deadline_back(client):
    UserFactory(username="jo", role=Role.CABINET_MEMBER)
    sign_in(client, "jo")
    # Some time ago the session had only a minute left...
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )
    before = timezone.now()

    response = client.get(reverse("plan"))

    # ...and a request gives it the whole idle time again, in the database and the cookie.
    assert response.status_code == 200
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    expires = _stored_session(client).expire_date
    assert before + idle <= expires <= timezone.now() + idle
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


def test_an_idle_session_expires(client):
    UserFactory(username="jo", role=Role.CABINET_MEMBER)
    sign_in(client, "jo")
    assert is_signed_in(client)
    # No request for longer than the idle time: the stored session has run out.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = client.get(reverse("plan"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not is_signed_in(client)


def test_session_ends_at_the_absolute_limit_however_active(client):
    UserFactory(username="jo", role=Role.CABINET_MEMBER)
    sign_in(client, "jo")
    assert is_signed_in(client)
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.SESSION_MAX_AGE - 1
    session.save()
    response = client.get(reverse("plan"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not is_signed_in(client)


def test_password_change_signs_out_other_sessions(client):
    UserFactory(username="jo", role=Role.CABINET_MEMBER)
    other = Client()
    sign_in(client, "jo")
    sign_in(other, "jo", address="10.0.0.9")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-brand-new-passphrase",
            "new_password2": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(other)


def test_password_change_errors_are_shown_next_to_the_field(client):
    user = UserFactory(role=Role.CABINET_MEMBER)
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_old_password"' in page
    assert "Your old password was entered incorrectly" in page


# --- Reset and invitation links ---------------------------------------------------------


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_reset_password_email_link_works_once(client):
    user = UserFactory(email="jo@example.org", role=Role.CABINET_MEMBER)
    response = client.post(reverse("password_reset"), {"email": "JO@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jo@example.org"]
    link = link_in(mail.outbox[0])

    form_page = client.get(link, follow=True)
    assert "Set your password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "reset-passphrase-1", "new_password2": "reset-passphrase-1"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("reset-passphrase-1")

    again = Client().get(link, follow=True)
    assert "This link has expired" in again.content.decode()


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_admin_invites_a_person_who_sets_their_own_password(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.personas["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "full_name": "New Member",
                "email": "new.member@example.org",
                "username": "",
                "organisation": world.partner.pk,
                "role": Role.FORUM_MEMBER,
            },
        )
    assert response.status_code == 302
    person = User.objects.get(email="new.member@example.org")
    assert person.username == "new.member"
    assert person.organisation == world.partner
    assert list(person.groups.values_list("name", flat=True)) == [Role.FORUM_MEMBER]
    assert not person.has_usable_password()
    assert len(mail.outbox) == 1
    invitation = mail.outbox[0]
    assert "You have been invited" in invitation.subject
    assert "Your username is: new.member" in invitation.body

    link = link_in(invitation)
    anonymous = Client()
    page = anonymous.get(link, follow=True)
    anonymous.post(
        page.redirect_chain[-1][0],
        {"new_password1": "my-own-passphrase", "new_password2": "my-own-passphrase"},
    )
    assert sign_in(Client(), "new.member@example.org", "my-own-passphrase").status_code == 302


def test_invite_form_explains_a_role_that_does_not_fit_the_organisation(client, world):
    client.force_login(world.personas["admin"])
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "full_name": "Wrong Fit",
            "email": "wrong.fit@example.org",
            "organisation": world.unit.pk,
            "role": Role.FORUM_MEMBER,
        },
    )
    assert response.status_code == 200
    assert "Choose the Third Sector organisation this person belongs to." in (
        response.content.decode()
    )
    assert not User.objects.filter(email="wrong.fit@example.org").exists()


def test_invite_user_command(world, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "invite_user",
            "officer.new@example.org",
            "--role",
            Role.COUNCIL_OFFICER,
            "--organisation",
            world.unit.slug,
            "--name",
            "New Officer",
        )
    person = User.objects.get(email="officer.new@example.org")
    assert person.full_name == "New Officer"
    assert person.organisation == world.unit
    assert list(person.groups.values_list("name", flat=True)) == [Role.COUNCIL_OFFICER]
    assert len(mail.outbox) == 1
    assert settings.SITE_URL + "/accounts/password/set/" in mail.outbox[0].body
    assert "Invited officer.new" in capsys.readouterr().out


def test_invite_user_command_refuses_unknown_organisation_and_wrong_fit(world):
    with pytest.raises(CommandError, match="No organisation"):
        call_command(
            "invite_user", "a@example.org", "--role", Role.CABINET_MEMBER, "--organisation", "nope"
        )
    with pytest.raises(CommandError, match="council directorate or division"):
        call_command(
            "invite_user",
            "b@example.org",
            "--role",
            Role.COUNCIL_OFFICER,
            "--organisation",
            world.partner.slug,
        )
    assert not User.objects.filter(email__in=["a@example.org", "b@example.org"]).exists()


# --- Roles --------------------------------------------------------------------------


def test_roles_are_groups_created_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_revoking_a_role_takes_effect_on_the_next_request(client):
    user = UserFactory(role=Role.CABINET_MEMBER)
    client.force_login(user)
    assert client.get(reverse("plan")).status_code == 200
    user.groups.clear()
    assert client.get(reverse("plan")).status_code == 403


def test_a_person_without_a_role_is_told_why(client):
    client.force_login(UserFactory(full_name="Jo Roleless"))
    response = client.get(reverse("plan"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You do not have permission to see this page" in page
    assert "You are signed in as Jo Roleless" in page
    assert "You have not been given a role in this service yet." in page  # the reason


def test_forum_member_lands_on_their_organisations_actions(client, world):
    client.force_login(world.personas["forum_member"])
    page = client.get(reverse("home")).content.decode()
    assert "Your actions" in page
    assert world.action.reference in page
    client.force_login(world.personas["forum_other"])
    page = client.get(reverse("home")).content.decode()
    assert world.action.reference not in page
    assert "not yet named as responsible" in page


def test_officer_lands_on_their_units_council_actions_including_units_below(client, world):
    for persona in ("officer", "officer_above"):
        client.force_login(world.personas[persona])
        response = client.get(reverse("home"), follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("council_actions"))
        assert world.council_action.reference in response.content.decode(), persona
    client.force_login(world.personas["officer_other"])
    page = client.get(reverse("home"), follow=True).content.decode()
    assert world.council_action.reference not in page


def test_cabinet_member_lands_on_the_dashboard(client, world):
    client.force_login(world.personas["cabinet"])
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("dashboard")


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_others_land_on_the_plan(client, world, persona):
    client.force_login(world.personas[persona])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("plan")


def test_sign_in_leads_to_the_landing_page(client, world):
    world.personas["forum_member"].username = "member"
    world.personas["forum_member"].save()
    response = sign_in(client, "member")
    assert response["Location"] == reverse("home")


def test_administration_link_only_for_administrators(client, world):
    client.force_login(world.personas["admin"])
    assert reverse("admin:index") in client.get(reverse("plan")).content.decode()
    client.force_login(world.personas["coordinator"])
    assert reverse("admin:index") not in client.get(reverse("plan")).content.decode()


# --- Demo accounts --------------------------------------------------------------------


def test_demo_accounts_one_per_role_attached_to_report_organisations(report, settings):
    settings.DEBUG = True
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")  # running again is safe
    expected = {
        "forum": (Role.FORUM_MEMBER, "third-sector-forum"),
        "coordinator": (Role.FORUM_COORDINATOR, "third-sector-forum"),
        "officer": (Role.COUNCIL_OFFICER, "community-health-and-wellbeing"),
        "cabinet": (Role.CABINET_MEMBER, "harrow-council"),
        "admin": (Role.ADMINISTRATOR, "harrow-council"),
    }
    for username, (role, slug) in expected.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.organisation.slug == slug
        assert user.check_password("harrow-demo-2013")
    forum = Partner.objects.get(slug="third-sector-forum")
    assert forum.action_roles.exists()  # the Forum member's organisation is responsible
    officer_unit = User.objects.get(username="officer").organisation
    assert officer_unit.council_actions.count() == 6


def test_demo_accounts_need_the_report(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="Load the Cabinet report first"):
        call_command("create_demo_accounts")


def test_partner_unit_and_descendants():
    top = CouncilUnitFactory()
    middle = CouncilUnitFactory(parent=top)
    bottom = CouncilUnitFactory(parent=middle)
    PartnerFactory()
    assert Partner.objects.unit_and_descendant_ids(top.pk) == {top.pk, middle.pk, bottom.pk}
    assert Partner.objects.unit_and_descendant_ids(bottom.pk) == {bottom.pk}
    assert Partner.objects.unit_and_descendant_ids(None) == set()
