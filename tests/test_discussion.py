"""Discussion on an action: comments, hiding them, the thread on the action pages and the
daily digest email."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.roles import Role
from discussion import digests, services
from discussion.models import Comment, DigestLog
from tests.factories import CommentFactory, DigestLogFactory, UserFactory
from tests.helpers import queries_for, signed_in

pytestmark = pytest.mark.django_db

BASE_URL = "https://tracker.example.org"


def thread_of(client, url) -> str:
    page = client.get(url).content.decode()
    return page[page.index('id="discussion"') :]


# --- Services ---------------------------------------------------------------------------


def test_a_comment_keeps_its_author_and_their_organisation_then(world):
    member = world.personas["forum_member"]
    comment = services.post_comment(
        author=member, strategy_action=world.action, body="  When do we meet?  "
    )
    member.organisation = world.other_partner
    member.save()

    comment.refresh_from_db()
    assert comment.body == "When do we meet?"
    assert comment.organisation == world.partner
    assert comment.subject == world.action
    assert comment.get_absolute_url() == f"/actions/{world.action.pk}/#comment-{comment.pk}"
    assert comment.history.get().history_user == member


def test_a_comment_on_a_council_action_links_to_its_page(world):
    comment = services.post_comment(
        author=world.personas["officer"], council_action=world.council_action, body="Agreed."
    )
    assert comment.get_absolute_url() == (
        f"/council-actions/{world.council_action.pk}/#comment-{comment.pk}"
    )


@pytest.mark.parametrize("body", ["", "   ", "x" * 3001])
def test_an_empty_or_too_long_comment_is_refused_by_the_service(world, body):
    with pytest.raises(ValidationError):
        services.post_comment(
            author=world.personas["forum_member"], strategy_action=world.action, body=body
        )
    assert not Comment.objects.exists()


@pytest.mark.parametrize("on", ["both", "neither"])
def test_a_comment_is_on_exactly_one_action(world, on):
    subjects = (
        {"strategy_action": world.action, "council_action": world.council_action}
        if on == "both"
        else {}
    )
    with pytest.raises(ValidationError, match="one strategy action or one proposed"):
        services.post_comment(author=world.personas["officer"], body="Hello", **subjects)


def test_the_database_refuses_a_comment_on_both_actions(world):
    comment = CommentFactory(strategy_action=world.action)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(council_action=world.council_action)


def test_hiding_needs_a_reason(world):
    comment = CommentFactory(strategy_action=world.action)
    with pytest.raises(ValidationError, match="reason"):
        services.hide_comment(comment=comment, hidden_by=world.personas["admin"], reason="  ")
    comment.refresh_from_db()
    assert not comment.is_hidden
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(hidden_at=timezone.now())


def test_hiding_and_showing_again_are_recorded(world):
    admin = world.personas["admin"]
    comment = CommentFactory(strategy_action=world.action)

    services.hide_comment(comment=comment, hidden_by=admin, reason="Names a resident")
    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_by == admin
    with pytest.raises(ValidationError, match="already hidden"):
        services.hide_comment(comment=comment, hidden_by=admin, reason="Again")

    services.unhide_comment(comment=comment, shown_by=admin)
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert comment.hidden_reason == ""
    with pytest.raises(ValidationError, match="not hidden"):
        services.unhide_comment(comment=comment, shown_by=admin)

    hide, show = comment.history.order_by("history_date")[1:]
    assert (hide.history_user, hide.hidden_reason, hide.history_change_reason) == (
        admin,
        "Names a resident",
        "Hidden",
    )
    assert (show.history_user, show.hidden_at, show.history_change_reason) == (
        admin,
        None,
        "Shown again",
    )


# --- Permissions ------------------------------------------------------------------------


def test_cabinet_members_read_but_do_not_comment_unless_they_hold_another_role(world):
    cabinet = world.personas["cabinet"]
    assert permissions.can_read_discussion(cabinet)
    assert not permissions.can_comment(cabinet)

    both = UserFactory(role=Role.CABINET_MEMBER, organisation=world.directorate)
    both.groups.add(*world.personas["officer"].groups.all())
    assert permissions.can_comment(both)
    assert not permissions.can_comment(world.personas["no_role"])
    assert permissions.can_comment(world.personas["forum_other"])  # the plan is shared
    assert permissions.can_moderate_comments(world.personas["admin"])
    assert not permissions.can_moderate_comments(world.personas["coordinator"])


# --- Pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "url_name"),
    [("action", "action_comment"), ("council_action", "council_action_comment")],
)
def test_posting_goes_back_to_the_comment_in_its_thread(client, world, subject, url_name):
    target = getattr(world, subject)
    client = signed_in(client, world.personas["forum_other"])

    response = client.post(
        reverse(url_name, args=[target.pk]), {"body": "Who leads this?"}, follow=True
    )

    comment = Comment.objects.get()
    assert response.redirect_chain == [(comment.get_absolute_url(), 302)]
    page = response.content.decode()
    assert f"Your comment on {target.reference} has been posted." in page
    assert f'id="comment-{comment.pk}"' in page
    assert comment.organisation == world.other_partner


@pytest.mark.parametrize(
    ("body", "error"),
    [("", "Enter your comment"), ("x" * 3001, "Your comment must be 3,000 characters or fewer")],
)
def test_an_empty_or_too_long_comment_comes_back_with_the_error_and_what_was_typed(
    client, world, body, error
):
    client = signed_in(client, world.personas["forum_member"])
    response = client.post(reverse("action_comment", args=[world.action.pk]), {"body": body})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'<a href="#id_body">{error}</a>' in page  # the error summary links to the field
    assert "govuk-error-message" in page
    assert body in page
    assert not Comment.objects.exists()


def test_the_comment_form_counts_characters_and_cuts_nothing(client, world):
    client = signed_in(client, world.personas["forum_member"])
    for url in (
        reverse("action_comment", args=[world.action.pk]),
        world.action.get_absolute_url(),
        world.council_action.get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        assert 'data-maxlength="3000"' in page, url
        assert " maxlength=" not in page, url


def test_the_thread_is_oldest_first_with_author_organisation_and_date(client, world):
    member, officer = world.personas["forum_member"], world.personas["officer"]
    CommentFactory(strategy_action=world.action, author=member, body="When do we meet?")
    CommentFactory(strategy_action=world.action, author=officer, body="On 3 June.")

    thread = thread_of(
        signed_in(client, world.personas["cabinet"]), world.action.get_absolute_url()
    )

    assert thread.index("When do we meet?") < thread.index("On 3 June.")
    assert f"{member.full_name}</strong>, Responsible Charity" in thread
    assert f"{officer.full_name}</strong>, A Division" in thread
    assert timezone.localdate().strftime("%-d %B %Y") in thread
    assert "Add a comment" not in thread  # Cabinet members only read


def test_a_new_comment_shows_at_once_on_a_page_kept_rendered(client, world):
    client = signed_in(client, world.personas["forum_member"])
    url = world.action.get_absolute_url()
    client.get(url)  # the action's part is now kept
    CommentFactory(strategy_action=world.action, body="Fresh question")
    assert "Fresh question" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("persona", "sees_words"),
    [
        ("forum_member", False),
        ("forum_other", False),
        ("coordinator", False),
        ("officer", False),
        ("cabinet", False),
        ("admin", True),
    ],
)
def test_a_hidden_comment_shows_as_hidden_and_its_words_only_to_administrators(
    client, world, persona, sees_words
):
    comment = CommentFactory(
        strategy_action=world.action,
        body="Something private",
        hidden_by=world.personas["admin"],
        hidden_reason="Names a resident",
    )
    for url in (world.action.get_absolute_url(),):
        thread = thread_of(signed_in(client, world.personas[persona]), url)
        assert (
            "This comment was hidden by an administrator on "
            f"{comment.hidden_at.astimezone(timezone.get_current_timezone()):%-d %B %Y}"
        ) in thread
        assert ("Something private" in thread) is sees_words
        assert ("Names a resident" in thread) is sees_words
        assert ("Show this comment again" in thread) is sees_words


def test_a_hidden_comment_on_a_council_action_shows_as_hidden(client, world):
    CommentFactory(
        council_action=world.council_action, body="Private", hidden_by=world.personas["admin"]
    )
    thread = thread_of(
        signed_in(client, world.personas["officer"]), world.council_action.get_absolute_url()
    )
    assert "This comment was hidden by an administrator" in thread
    assert "Private" not in thread


def test_an_administrator_hides_a_comment_with_a_reason_and_shows_it_again(client, world):
    comment = CommentFactory(strategy_action=world.action, body="Call me on 07700 900000")
    client = signed_in(client, world.personas["admin"])
    url = reverse("comment_hide", args=[comment.pk])

    page = client.get(url).content.decode()
    assert "Call me on 07700 900000" in page
    assert "Why are you hiding this comment?" in page

    response = client.post(url, {"reason": ""})
    assert "Give the reason for hiding the comment" in response.content.decode()
    comment.refresh_from_db()
    assert not comment.is_hidden

    response = client.post(url, {"reason": "A phone number"})
    assert response["Location"] == comment.get_absolute_url()
    comment.refresh_from_db()
    assert comment.hidden_reason == "A phone number"

    response = client.post(reverse("comment_unhide", args=[comment.pk]))
    assert response["Location"] == comment.get_absolute_url()
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_a_comment_that_does_not_exist_is_not_found(client, world):
    client = signed_in(client, world.personas["admin"])
    assert client.get(reverse("comment_hide", args=[999999])).status_code == 404
    assert client.post(reverse("action_comment", args=[999999]), {"body": "x"}).status_code == 404


@pytest.mark.parametrize("page", ["action", "council_action"])
@pytest.mark.parametrize("persona", ["admin", "forum_member"])
def test_the_action_page_costs_the_same_queries_with_3_or_30_comments(client, world, page, persona):
    subject = getattr(world, page)
    field = "council_action" if page == "council_action" else "strategy_action"
    people = [world.personas[p] for p in ("forum_member", "officer", "forum_other")]
    client = signed_in(client, world.personas[persona])
    url = subject.get_absolute_url()

    def add(count):
        for n in range(count):
            comment = CommentFactory(**{field: subject}, author=people[n % 3])
            if n % 5 == 0:
                services.hide_comment(
                    comment=comment, hidden_by=world.personas["admin"], reason="Off topic"
                )

    add(3)
    client.get(url)  # warm the cache of the page's kept part
    few = len(queries_for(client, url))
    add(27)
    client.get(url)
    many = len(queries_for(client, url))
    assert many == few
    assert Comment.objects.filter(**{field: subject}).count() == 30


# --- The digest -------------------------------------------------------------------------


def run(now=None):
    now = now or timezone.now()
    return digests.send_discussion_digests(
        now=now, today=timezone.localdate(now), base_url=BASE_URL
    )


def recipients(result) -> set[str]:
    return {digest.recipient.username for digest in result.sent}


def test_a_comment_on_a_strategy_action_reaches_its_partners_and_its_units_officers(world):
    p = world.personas
    comment = CommentFactory(strategy_action=world.action, author=p["forum_other"])

    result = run()

    # The responsible partner's Forum member; the officers of its proposed council action's
    # unit and the unit above it. Not: another organisation's people, the coordinator and the
    # Cabinet member (who answer for no action), the author, nor anyone without a role.
    assert recipients(result) == {
        p["forum_member"].username,
        p["officer"].username,
        p["officer_above"].username,
    }
    assert DigestLog.objects.count() == 3
    email = next(m for m in mail.outbox if m.to == [p["forum_member"].email])
    assert email.subject == f"1 new comment on {world.action.reference}"
    assert comment.body in email.body
    assert f"{BASE_URL}/actions/{world.action.pk}/#discussion" in email.body
    assert p["forum_other"].full_name in email.body


def test_a_comment_on_a_council_action_reaches_its_units_officers(world):
    p = world.personas
    CommentFactory(council_action=world.council_action, author=p["forum_member"])

    assert recipients(run()) == {p["officer"].username, p["officer_above"].username}
    email = mail.outbox[0]
    assert f"{BASE_URL}/council-actions/{world.council_action.pk}/#discussion" in email.body


def test_whoever_asked_hears_the_answer(world):
    p = world.personas
    CommentFactory(
        council_action=world.council_action,
        author=p["forum_other"],
        created_at=timezone.now() - datetime.timedelta(days=30),
    )
    CommentFactory(council_action=world.council_action, author=p["officer"], body="The answer")

    result = run()

    assert p["forum_other"].username in recipients(result)
    assert p["officer"].username not in recipients(result)  # their own comment only


def test_at_most_one_digest_a_day_even_if_run_twice(world):
    CommentFactory(strategy_action=world.action, author=world.personas["forum_other"])
    assert len(run().sent) == 3
    CommentFactory(strategy_action=world.action, author=world.personas["forum_other"])

    assert run().sent == []
    assert len(mail.outbox) == 3


def test_the_next_digest_lists_only_what_came_after_the_last(world):
    member = world.personas["forum_member"]
    yesterday = timezone.now() - datetime.timedelta(days=1)
    old = CommentFactory(strategy_action=world.action, created_at=yesterday)
    DigestLogFactory(
        recipient=member,
        sent_on=timezone.localdate(yesterday),
        sent_at=yesterday + datetime.timedelta(minutes=1),
    )
    new = CommentFactory(strategy_action=world.action, body="A new one")

    digest = next(d for d in run().sent if d.recipient == member)

    assert digest.comments == [new]
    assert old.body not in mail.outbox[0].body or mail.outbox[0].to != [member.email]


def test_own_and_hidden_comments_are_left_out(world):
    p = world.personas
    CommentFactory(strategy_action=world.action, author=p["forum_member"], body="Mine")
    CommentFactory(
        strategy_action=world.action,
        author=p["forum_other"],
        body="Hidden one",
        hidden_by=p["admin"],
    )

    result = run()

    assert p["forum_member"].username not in recipients(result)
    assert all("Hidden one" not in email.body for email in mail.outbox)
    # Whoever commented on the thread hears of the rest, a hidden comment's author included.
    assert {email.to[0] for email in mail.outbox} == {
        p["officer"].email,
        p["officer_above"].email,
        p["forum_other"].email,
    }


def test_nothing_to_send_sends_nothing(world):
    assert run().sent == []
    CommentFactory(
        strategy_action=world.action, created_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert run().sent == []  # older than a digest reaches
    assert mail.outbox == []


def test_people_who_lost_their_role_or_left_get_nothing(world):
    p = world.personas
    p["officer"].is_active = False
    p["officer"].save()
    p["officer_above"].groups.clear()
    CommentFactory(strategy_action=world.action, author=p["forum_other"])

    assert recipients(run()) == {p["forum_member"].username}


def test_a_failed_send_is_not_logged_so_the_next_run_tries_again(world, monkeypatch):
    CommentFactory(council_action=world.council_action, author=world.personas["forum_member"])

    def broken_send_mail(**kwargs):
        raise OSError("mail server unavailable")

    monkeypatch.setattr(digests, "send_mail", broken_send_mail)
    result = run()
    assert result.sent == []
    assert len(result.failed) == 2
    assert not DigestLog.objects.exists()

    monkeypatch.undo()
    assert len(run().sent) == 2
    assert len(mail.outbox) == 2


def test_a_person_sent_a_digest_meanwhile_is_not_emailed_twice(world):
    officer = world.personas["officer"]
    comment = CommentFactory(council_action=world.council_action)
    DigestLogFactory(recipient=officer)

    now = timezone.now()
    sent = digests._send_one(
        officer, [comment], now=now, today=timezone.localdate(now), base_url=BASE_URL
    )

    assert sent is False
    assert mail.outbox == []


def test_the_command_says_what_it_sent(world, capsys, settings):
    settings.SITE_URL = BASE_URL
    CommentFactory(strategy_action=world.action, author=world.personas["forum_other"])

    call_command("send_discussion_digests")
    out = capsys.readouterr().out
    assert f"Sent a digest to {world.personas['officer'].username}" in out
    assert f"of 1 comment on {world.action.reference}" in out
    assert "Sent 3 digests." in out

    call_command("send_discussion_digests")
    assert "No digests sent" in capsys.readouterr().out


# --- The admin --------------------------------------------------------------------------


def test_an_administrator_hides_and_shows_a_comment_in_the_admin(client, world):
    admin_user = world.personas["admin"]
    comment = CommentFactory(strategy_action=world.action, body="Words as posted")
    client = signed_in(client, admin_user)
    url = reverse("admin:discussion_comment_change", args=[comment.pk])
    assert client.get(reverse("admin:discussion_comment_add")).status_code == 403

    page = client.get(url).content.decode()
    assert "Words as posted" in page
    assert 'name="body"' not in page  # what was posted stays as posted

    assert client.post(url, {"hidden_reason": "Off topic"}).status_code == 302
    comment.refresh_from_db()
    assert comment.hidden_by == admin_user
    assert comment.body == "Words as posted"

    assert client.post(url, {"hidden_reason": ""}).status_code == 302
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert comment.history.count() == 3
