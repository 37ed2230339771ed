"""Data protection (issue 15): the privacy notice, subject access, erasure and retention."""

import datetime
import io
import json
import zipfile

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import PasswordResetRequest, User
from accounts.roles import Role
from actions.models import ProgressUpdate
from discussion.models import Comment, DigestLog
from monitoring.models import ReminderLog
from privacy import references, retention, services
from privacy.models import Erasure
from reports.models import Download
from tests import helpers
from tests.factories import (
    TEST_PASSWORD,
    CommentFactory,
    DigestLogFactory,
    DownloadFactory,
    FailedSignInFactory,
    PasswordResetRequestFactory,
    ProgressUpdateFactory,
    ReminderLogFactory,
    SignInRecordFactory,
    UserFactory,
    api_token,
)

pytestmark = pytest.mark.django_db


def read_zip(response) -> dict[str, object]:
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {
            name: (
                archive.read(name).decode()
                if name.endswith(".txt")
                else json.loads(archive.read(name))
            )
            for name in archive.namelist()
        }


# --- Every reference to a person is decided ---------------------------------------------------


def test_every_model_that_refers_to_a_person_is_decided():
    """A model with a ForeignKey, OneToOne or ManyToMany to the user model must have a line in
    privacy/references.POLICY (keep, delete or clear, with the reason), unless it is a
    django-simple-history copy (kept as history). Add the line when adding the model."""
    assert references.undecided() == []


def test_the_references_are_found_from_the_app_registry():
    keys = {ref.key for ref in references.user_references()}
    # Records, personal logs, third-party models and historical copies alike.
    assert {
        "actions.ProgressUpdate.author",
        "actions.HistoricalProgressUpdate.history_user",
        "actions.HistoricalProgressUpdate.author",
        "monitoring.ReminderLog.recipient",
        "knox.AuthToken.user",
        "admin.LogEntry.user",
    } <= keys
    history = [ref for ref in references.user_references() if ref.is_history]
    assert history
    assert all(ref.policy == references.KEEP for ref in history)


def test_no_policy_line_names_a_model_that_is_gone():
    keys = {ref.key for ref in references.user_references()}
    assert set(references.POLICY) <= keys


# --- The privacy notice ---------------------------------------------------------------------


def test_the_notice_is_open_to_everyone_and_names_the_periods_from_settings(client, settings):
    settings.RETENTION_SIGN_IN_DAYS = 123
    settings.RETENTION_REMINDER_LOG_DAYS = 45
    settings.RETENTION_IMPORT_DAYS = 67
    settings.PRIVACY_CONTACT_EMAIL = "privacy-desk@example.org"
    response = client.get(reverse("privacy_notice"))
    assert response.status_code == 200
    page = response.content.decode()
    table = page[page.index('id="retention-periods"') : page.index("</table>")]
    assert "123 days" in table
    assert "45 days" in table
    assert "67 days" in table
    assert "mailto:privacy-desk@example.org" in page
    assert "public task" in page
    for held in ("email address", "organisation", "progress updates", "comments", "API tokens"):
        assert held in page


def test_the_footer_and_sign_in_page_link_to_the_notice(client):
    page = client.get(reverse("login")).content.decode()
    assert page.count(reverse("privacy_notice")) == 2  # the footer and the sign-in words


# --- Subject access ---------------------------------------------------------------------------


def test_the_export_holds_the_persons_records_and_nobody_elses(client, world):
    admin, person, other = (world.personas[p] for p in ("admin", "forum_member", "forum_other"))
    mine = helpers.post_update(world.action, person, narrative="Mine, all mine.")
    helpers.post_update(world.action, world.personas["coordinator"], narrative="Not theirs.")
    CommentFactory(strategy_action=world.action, author=person, body="My comment")
    CommentFactory(strategy_action=world.action, author=other, body="Someone else's comment")
    api_token(person, name="My script")
    SignInRecordFactory(username=person.username)
    SignInRecordFactory(username=other.username)

    response = helpers.signed_in(client, admin).get(reverse("privacy_export", args=[person.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    files = read_zip(response)
    assert files["account.json"]["email"] == person.email
    assert "password" not in files["account.json"]
    updates = files["records/actions.ProgressUpdate.author.json"]
    assert [u["id"] for u in updates] == [mine.pk]
    history = files["records/actions.HistoricalProgressUpdate.history_user.json"]
    assert {h["id"] for h in history} == {mine.pk}
    comments = files["records/discussion.Comment.author.json"]
    assert [c["body"] for c in comments] == ["My comment"]
    assert [t["name"] for t in files["api-tokens.json"]] == ["My script"]
    assert "digest" not in json.dumps(files["api-tokens.json"])
    tokens = files["records/knox.AuthToken.user.json"]
    assert tokens
    assert all("digest" not in t for t in tokens)
    assert [s["username"] for s in files["sign-in/axes.AccessLog.json"]] == [person.username]
    everything = json.dumps(files)
    assert "Not theirs." not in everything
    assert "Someone else's comment" not in everything
    assert other.email not in everything


@pytest.mark.parametrize("persona", ["coordinator", "cabinet", "officer", "forum_member"])
def test_only_administrators_export_or_erase(client, world, persona):
    person = world.personas["no_role"]
    signed = helpers.signed_in(client, world.personas[persona])
    assert signed.get(reverse("privacy_export", args=[person.pk])).status_code == 403
    response = signed.post(reverse("privacy_erase", args=[person.pk]), {"confirm": "erase"})
    assert response.status_code == 403
    assert User.objects.get(pk=person.pk).full_name == person.full_name


def test_people_are_found_by_name_email_or_organisation(client, world):
    admin = world.personas["admin"]
    someone = UserFactory(full_name="Findable Person", email="findable@example.org")
    signed = helpers.signed_in(client, admin)
    for query in ("Findable", "findable@", someone.organisation.name):
        page = signed.get(reverse("privacy_people"), {"q": query}).content.decode()
        assert reverse("privacy_person", args=[someone.pk]) in page
    page = signed.get(reverse("privacy_people"), {"q": "nobody-like-this"}).content.decode()
    assert "Nobody matches" in page


def test_the_persons_page_counts_what_is_held(client, world):
    person = world.personas["forum_member"]
    helpers.post_update(world.action, person)
    page = helpers.signed_in(client, world.personas["admin"]).get(
        reverse("privacy_person", args=[person.pk])
    )
    assert page.status_code == 200
    assert "Download what we hold" in page.content.decode()
    assert "Erase this person" in page.content.decode()


def test_an_unknown_or_too_large_id_is_not_found(client, world):
    signed = helpers.signed_in(client, world.personas["admin"])
    for pk in (999999, 2**70):
        assert signed.get(f"/privacy/people/{pk}/").status_code == 404
        assert signed.get(f"/privacy/people/{pk}/export/").status_code == 404


# --- Erasure ----------------------------------------------------------------------------------


def test_erasure_keeps_records_credited_to_the_organisation(client, world):
    admin, person = world.personas["admin"], world.personas["forum_member"]
    update = helpers.post_update(world.action, person, narrative="We met in June.")
    comment = CommentFactory(strategy_action=world.action, author=person, body="Thanks all")
    ReminderLogFactory(recipient=person)
    DigestLogFactory(recipient=person)
    api_token(person)
    SignInRecordFactory(username=person.username)
    FailedSignInFactory(username=person.email)
    PasswordResetRequestFactory(email=person.email)
    other_login = SignInRecordFactory(username="someone-else")
    client.force_login(person)  # a session of theirs, open
    name, email, username = person.full_name, person.email, person.username

    signed = helpers.signed_in(client, admin)
    response = signed.post(reverse("privacy_erase", args=[person.pk]), {"confirm": "Erase"})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Responsible Charity (former member)"
    assert person.username == f"erased-{person.pk}"
    assert email not in person.email
    assert not person.is_active
    assert not person.has_usable_password()
    assert not person.groups.exists()
    # Kept, and credited to the organisation.
    assert ProgressUpdate._base_manager.get(pk=update.pk).author_id == person.pk
    assert Comment.objects.get(pk=comment.pk).author_id == person.pk
    action_page = signed.get(world.action.get_absolute_url()).content.decode()
    assert "Responsible Charity (former member)" in action_page
    assert name not in action_page
    # Logs, tokens, sign-in records and sessions gone; someone else's sign-in kept.
    assert not ReminderLog.objects.filter(recipient=person).exists()
    assert not DigestLog.objects.filter(recipient=person).exists()
    assert not person.auth_token_set.exists()
    assert not PasswordResetRequest.objects.filter(email__iexact=email).exists()
    from axes.models import AccessFailureLog, AccessLog

    assert not AccessLog.objects.filter(username=username).exists()
    assert not AccessFailureLog.objects.filter(username=email).exists()
    assert AccessLog.objects.filter(pk=other_login.pk).exists()
    assert all(
        str(s.get_decoded().get("_auth_user_id")) != str(person.pk) for s in Session.objects.all()
    )
    # Recorded, without the erased details.
    erasure = Erasure.objects.get()
    assert erasure.account_id == person.pk
    assert erasure.erased_by == admin
    assert erasure.counts["actions.ProgressUpdate.author"] == 1
    assert erasure.counts["monitoring.ReminderLog.recipient"] == 1
    recorded = json.dumps({"counts": erasure.counts, "str": str(erasure)})
    for detail in (name, email, username):
        assert detail not in recorded


def test_an_erased_person_cannot_sign_in(client, world):
    person = world.personas["forum_member"]
    email, username = person.email, person.username
    services.erase(person=person, by=world.personas["admin"])
    person.refresh_from_db()
    for login in (email, username, person.username):
        response = client.post(reverse("login"), {"username": login, "password": TEST_PASSWORD})
        assert response.status_code == 200  # the form again, with its error
        assert "_auth_user_id" not in client.session


def test_an_administrator_cannot_erase_themselves(client, world):
    admin = world.personas["admin"]
    signed = helpers.signed_in(client, admin)
    page = signed.get(reverse("privacy_erase", args=[admin.pk])).content.decode()
    assert "You cannot erase your own account" in page
    response = signed.post(reverse("privacy_erase", args=[admin.pk]), {"confirm": "erase"})
    assert response.status_code == 400
    assert "You cannot erase your own account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active
    assert not Erasure.objects.exists()


def test_the_confirmation_must_be_typed(client, world):
    person = world.personas["forum_member"]
    signed = helpers.signed_in(client, world.personas["admin"])
    for typed in ("", "yes", "x" * 5000):
        response = signed.post(reverse("privacy_erase", args=[person.pk]), {"confirm": typed})
        assert response.status_code == 400
        assert "Type the word erase to confirm" in response.content.decode()
    assert not Erasure.objects.exists()


def test_erasing_twice_is_refused(world):
    person, admin = world.personas["forum_member"], world.personas["admin"]
    services.erase(person=person, by=admin)
    with pytest.raises(services.ErasureRefused):
        services.erase(person=person, by=admin)
    assert Erasure.objects.count() == 1


def test_erasure_deletes_downloads_made_before_it(world):
    DownloadFactory(requested_by=world.personas["coordinator"])
    services.erase(person=world.personas["forum_member"], by=world.personas["admin"])
    assert not Download.objects.exists()


def test_a_person_without_an_organisation_is_a_former_member(world):
    person = UserFactory(organisation=None)
    services.erase(person=person, by=world.personas["admin"])
    person.refresh_from_db()
    assert person.full_name == "Former member"


# --- Retention --------------------------------------------------------------------------------


def _aged(record, field, days):
    type(record).objects.filter(pk=record.pk).update(
        **{field: timezone.now() - datetime.timedelta(days=days)}
    )


def test_retention_deletes_old_personal_logs_and_keeps_new_ones(settings, world):
    settings.RETENTION_SIGN_IN_DAYS = 30
    settings.RETENTION_REMINDER_LOG_DAYS = 60
    person = world.personas["forum_member"]
    old_login, new_login = SignInRecordFactory(), SignInRecordFactory()
    _aged(old_login, "attempt_time", 31)
    _aged(new_login, "attempt_time", 29)
    old_failure = FailedSignInFactory()
    _aged(old_failure, "attempt_time", 31)
    old_reminder = ReminderLogFactory(recipient=person, sent_on=datetime.date(2020, 1, 1))
    new_reminder = ReminderLogFactory(recipient=person, round=old_reminder.round)
    _aged(old_reminder, "sent_at", 61)
    old_digest = DigestLogFactory(
        recipient=person,
        sent_on=datetime.date(2020, 1, 1),
        sent_at=timezone.now() - datetime.timedelta(days=61),
    )
    old_reset = PasswordResetRequestFactory()
    _aged(old_reset, "requested_at", 2)
    new_reset = PasswordResetRequestFactory()
    update = ProgressUpdateFactory(strategy_action=world.action, author=person)

    out = io.StringIO()
    call_command("apply_retention", stdout=out)

    from axes.models import AccessFailureLog, AccessLog

    assert list(AccessLog.objects.values_list("pk", flat=True)) == [new_login.pk]
    assert not AccessFailureLog.objects.filter(pk=old_failure.pk).exists()
    assert list(ReminderLog.objects.values_list("pk", flat=True)) == [new_reminder.pk]
    assert not DigestLog.objects.filter(pk=old_digest.pk).exists()
    assert list(PasswordResetRequest.objects.values_list("pk", flat=True)) == [new_reset.pk]
    assert ProgressUpdate._base_manager.filter(pk=update.pk).exists()  # the plan's records stay
    printed = out.getvalue()
    assert "Deleted 1 sign-in records (AccessLog)." in printed
    assert "Deleted 1 reminder emails logged." in printed

    again = io.StringIO()
    call_command("apply_retention", stdout=again)  # idempotent: nothing more to delete
    assert "Done: 0 deleted in all." in again.getvalue()


def test_retention_clears_old_imported_spreadsheets_but_keeps_the_record(settings, world):
    from django.core.files.base import ContentFile

    from imports.models import ImportRecord

    settings.RETENTION_IMPORT_DAYS = 10
    record = ImportRecord.objects.create(
        kind="plan",
        file_name="plan.xlsx",
        sha256="0" * 64,
        size=3,
        uploaded_by=world.personas["coordinator"],
        data={"Strategy actions": [["x"]]},
    )
    record.file.save("plan.xlsx", ContentFile(b"abc"))
    _aged(record, "uploaded_at", 11)
    retention.apply()
    record.refresh_from_db()
    assert record.data == {}
    assert not record.file
    assert record.file_name == "plan.xlsx"  # the record of the import stays


def test_retention_deletes_expired_api_tokens_and_ended_sessions(client, world):
    from knox.models import AuthToken

    person = world.personas["forum_member"]
    api_token(person)
    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(person)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    done = retention.apply()
    assert done["API tokens expired"] == 1
    assert done["sessions ended"] == 1
    assert not AuthToken.objects.exists()
    assert not Session.objects.exists()


def test_the_periods_listed_are_read_from_settings(settings):
    settings.RETENTION_SIGN_IN_DAYS = 7
    assert retention.periods()[0].days == 7


def test_only_an_administrator_role_is_needed(world):
    """Erasure goes through accounts.permissions, like every other rule."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.erase(person=world.personas["no_role"], by=world.personas["coordinator"])
    admin2 = UserFactory(role=Role.ADMINISTRATOR)
    services.erase(person=world.personas["no_role"], by=admin2)
