"""Issue 15: an erased person's name appears nowhere.

A distinctive person writes everything a person can (a progress update, council input, a
comment, an evidence file, an indicator value, a milestone marked done, an API token, history,
admin log entries, sign-in records, emails logged, a download), and is quoted in a Cabinet
report kept as sent. They are erased through the page. Then their name, username and email
address are looked for everywhere: every page of the permission matrix an administrator or a
Cabinet member can read, the records' own pages, the admin's pages and history, the CSV,
Excel and open data downloads, the API (with an administrator's token), the next Cabinet
report's PDF and a report generated after the erasure, every kept file, and every column of
every table of the database.

The one place the name is kept on purpose is the PDF of a Cabinet report generated before
the erasure: it is the record of the papers Cabinet was sent (docs/decisions.md, "Data
protection (issue 15)"). The test checks it is kept unchanged, and nothing else.
"""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from privacy.models import Erasure
from reports import services as report_services
from reports.models import CabinetReport
from tests import helpers
from tests.factories import (
    CommentFactory,
    CouncilInputFactory,
    DigestLogFactory,
    DownloadFactory,
    EqualityAssessmentFactory,
    EvidenceFileFactory,
    FailedSignInFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    PasswordResetRequestFactory,
    ProgressUpdateFactory,
    ReminderLogFactory,
    RiskFactory,
    RiskReviewFactory,
    SignInRecordFactory,
    SocialValueFactory,
    UserFactory,
    api_token,
)
from tests.test_permission_matrix import MATRIX, OK, a_round

pytestmark = pytest.mark.django_db

NAME, EMAIL, USERNAME = "Zebedee Quinckfoot", "zq@example.org", "zquinckfoot"
#: Any of these anywhere means the person is still there.
TRACES = ("Zebedee", "Quinckfoot", "zq@example.org", "zquinckfoot")


def traces_in(text: str) -> list[str]:
    lowered = text.lower()
    return [trace for trace in TRACES if trace.lower() in lowered]


def text_of(response) -> str:
    """What a response says: a page or JSON as text; a PDF's text; every part of a workbook."""
    return body_text(helpers.content(response))


def body_text(body: bytes) -> str:
    if body.startswith(b"%PDF"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
        except PdfReadError:  # a stand-in file of a few bytes (the matrix's, an evidence file)
            return body.decode("utf-8", "replace")
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts = [archive.read(name) for name in archive.namelist()]
        return "\n".join(part.decode("utf-8", "replace") for part in parts)
    return body.decode("utf-8", "replace")


def file_text(path: Path) -> str:
    return body_text(path.read_bytes())


class Person:
    """The distinctive person and everything they wrote, in the matrix's world."""

    def __init__(self, world):
        self.world = world
        admin = world.personas["admin"]
        self.user = user = UserFactory(
            full_name=NAME,
            email=EMAIL,
            username=USERNAME,
            role=Role.FORUM_MEMBER,
            organisation=world.partner,
        )
        # A council officer's role too, so that they can record input on the unit's action.
        from accounts.services import set_role

        self.update = ProgressUpdateFactory(
            strategy_action=world.action, author=user, narrative="Partners met in June."
        )
        self.file = EvidenceFileFactory(record=self.update, filename="minutes.pdf")
        officer = UserFactory(role=Role.COUNCIL_OFFICER, organisation=world.unit)
        officer_input = CouncilInputFactory(council_action=world.council_action, author=officer)
        user.organisation = world.unit
        user.save()
        set_role(user=user, role=Role.COUNCIL_OFFICER)
        self.input = CouncilInputFactory(
            council_action=world.council_action, author=user, commentary="Budget agreed."
        )
        assert officer_input.pk != self.input.pk
        user.organisation = world.partner
        user.save()
        set_role(user=user, role=Role.FORUM_MEMBER)
        self.comment = CommentFactory(
            strategy_action=world.action, author=user, body="When is the next meeting?"
        )
        self.indicator = IndicatorFactory(
            strategy=world.action.theme.strategy, owner=world.partner, created_by=admin
        )
        self.indicator.strategy_actions.add(world.action)
        self.value = IndicatorValueFactory(indicator=self.indicator, author=user)
        self.milestone = MilestoneFactory(
            strategy_action=world.action,
            owner=world.partner,
            added_by=user,
            done_on=timezone.localdate(),
        )
        # The duties they recorded (issue 15): an equality impact assessment, the social value
        # considerations, and a risk they added and then reviewed.
        self.assessment = EqualityAssessmentFactory(
            strategy_action=world.action,
            changed_by=user,
            state="done",
            assessed_on=timezone.localdate(),
            outcome="positive",
            summary="Reaches more groups.",
        )
        self.social_value = SocialValueFactory(
            council_action=world.council_action,
            changed_by=user,
            wellbeing="More local suppliers.",
        )
        self.risk = RiskFactory(
            strategy=world.action.theme.strategy,
            strategy_action=world.action,
            added_by=user,
            owner=world.partner,
        )
        RiskReviewFactory(risk=self.risk, reviewed_by=user, note="Still likely.")
        api_token(user, name="Quarterly script")
        ReminderLogFactory(recipient=user, round=a_round(world))
        DigestLogFactory(recipient=user)
        SignInRecordFactory(username=USERNAME)
        FailedSignInFactory(username=EMAIL)
        PasswordResetRequestFactory(email=EMAIL)
        LogEntry.objects.create(
            user=admin,
            content_type=ContentType.objects.get_for_model(User),
            object_id=str(user.pk),
            object_repr=str(user),
            action_flag=CHANGE,
            change_message="[]",
        )
        # An export someone made that names them (downloads are kept a week).
        DownloadFactory(
            requested_by=world.personas["coordinator"],
            file=ContentFile(f"Strategy,Author\r\nA,{NAME}\r\n".encode(), name="plan.csv"),
        )
        # A Cabinet report generated while they were quoted, its PDF kept as sent.
        self.archived = report_services.generate_cabinet_report(generated_by=admin)
        report_services.keep_report_pdf(self.archived.pk)
        self.archived.refresh_from_db()
        Client().force_login(user)  # a session of theirs, still open


@pytest.fixture
def erased(client, world, django_capture_on_commit_callbacks):
    person = Person(world)
    archived_pdf = Path(settings.MEDIA_ROOT) / person.archived.pdf.name
    # The test can see the person where they are, before the erasure.
    assert traces_in(file_text(archived_pdf))
    admin_client = helpers.signed_in(client, world.personas["admin"])
    assert NAME in text_of(admin_client.get(world.action.get_absolute_url()))
    assert NAME in text_of(admin_client.get(person.risk.get_absolute_url()))  # its reviewer

    # Files are deleted once the erasure commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("privacy_erase", args=[person.user.pk]), {"confirm": "erase"}
        )
    assert response.status_code == 302
    assert Erasure.objects.filter(account_id=person.user.pk).exists()
    person.archived_pdf = archived_pdf
    return person


def reader_urls(world, person, persona) -> list[str]:
    """Every matrix page the persona reads (200), and the pages of the person's records."""
    urls = {row.url(world) for row in MATRIX if row.get[persona] == OK}
    urls |= {
        world.action.get_absolute_url(),
        world.council_action.get_absolute_url(),
        person.indicator.get_absolute_url(),
        reverse("risk", args=[person.risk.pk]),
        reverse("risk_register", args=[world.action.theme.strategy.slug]),
        reverse("action_equality", args=[world.action.pk]),
        reverse("council_action_social_value", args=[world.council_action.pk]),
        reverse("cabinet_report"),
        reverse("cabinet_report_pdf"),
        reverse("export_csv"),
        reverse("export_xlsx"),
        reverse("dashboard_changes") + "?since=2000-01-01",
        reverse("report_archive"),
    }
    return sorted(urls)


@pytest.mark.parametrize("persona", ["admin", "cabinet"])
def test_no_page_or_download_names_them(client, world, erased, persona):
    signed = helpers.signed_in(client, world.personas[persona])
    found = {}
    for url in reader_urls(world, erased, persona):
        if "/privacy/people/" in url and url.endswith("/export/"):
            continue  # the export of someone else: tested below
        response = signed.get(url)
        if response.status_code != 200:
            continue
        if traces := traces_in(text_of(response)):
            found[url] = traces
    assert not found, f"the erased person is still named on: {found}"


def test_their_records_are_credited_to_the_organisation(client, world, erased):
    page = text_of(
        helpers.signed_in(client, world.personas["cabinet"]).get(world.action.get_absolute_url())
    )
    assert "Responsible Charity (former member)" in page
    assert "Partners met in June." in page  # the update itself is kept


def test_the_admin_pages_and_history_do_not_name_them(client, world, erased):
    signed = helpers.signed_in(client, world.personas["admin"])
    pages = [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[erased.user.pk]),
        reverse("admin:actions_progressupdate_history", args=[erased.update.pk]),
        reverse("admin:actions_progressupdate_change", args=[erased.update.pk]),
        reverse("admin:actions_councilinput_history", args=[erased.input.pk]),
        reverse("admin:discussion_comment_history", args=[erased.comment.pk]),
        reverse("admin:indicators_indicatorvalue_history", args=[erased.value.pk]),
        reverse("admin:actions_strategyaction_history", args=[world.action.pk]),
        reverse("admin:duties_equalityassessment_history", args=[erased.assessment.pk]),
        reverse("admin:duties_socialvalue_history", args=[erased.social_value.pk]),
        reverse("admin:risks_risk_change", args=[erased.risk.pk]),
        reverse("admin:risks_riskreview_changelist"),
        reverse("admin:admin_logentry_changelist")
        if "admin:admin_logentry_changelist" in _names()
        else reverse("admin:index"),
        reverse("admin:index"),
        reverse("privacy_people"),
        reverse("privacy_person", args=[erased.user.pk]),
    ]
    found = {}
    for url in pages:
        response = signed.get(url)
        assert response.status_code == 200, url
        if traces := traces_in(text_of(response)):
            found[url] = traces
    assert not found, found
    # Searching for them finds nobody (the page repeats only what was typed).
    search = text_of(signed.get(reverse("privacy_people"), {"q": "Quinckfoot"}))
    assert "Nobody matches" in search


def _names():
    from tests.test_permission_matrix import url_names

    return set(url_names())


def test_the_subject_access_export_after_erasure_does_not_name_them(client, world, erased):
    signed = helpers.signed_in(client, world.personas["admin"])
    response = signed.get(reverse("privacy_export", args=[erased.user.pk]))
    assert response.status_code == 200
    assert not traces_in(text_of(response))


def test_the_api_does_not_name_them(client, world, erased):
    token = api_token(world.personas["admin"])
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    endpoints = [
        "strategies",
        "themes",
        "actions",
        "council-actions",
        "progress-updates",
        "council-input",
        "milestones",
        "indicators",
        "indicator-values",
    ]
    urls = [f"/api/v1/{name}/" for name in endpoints] + [
        f"/api/v1/progress-updates/{erased.update.pk}/",
        f"/api/v1/council-input/{erased.input.pk}/",
        f"/api/v1/indicator-values/{erased.value.pk}/",
        f"/api/v1/milestones/{erased.milestone.pk}/",
        f"/api/v1/actions/{world.action.pk}/",
    ]
    found = {}
    for url in urls:
        response = client.get(url, **auth)
        assert response.status_code == 200, url
        if traces := traces_in(text_of(response)):
            found[url] = traces
    assert not found, found
    names = text_of(client.get(f"/api/v1/progress-updates/{erased.update.pk}/", **auth))
    assert "Responsible Charity (former member)" in names


def test_the_public_site_and_open_data_do_not_name_them(client, world, erased):
    from publication import services as publication

    strategy = world.action.theme.strategy
    publication.publish(strategy=strategy, by=world.personas["admin"])
    slug = strategy.slug
    urls = [
        reverse("public_strategy", args=[slug]),
        reverse("public_action", args=[slug, world.action.pk]),
        reverse("public_indicator", args=[slug, erased.indicator.pk]),
        *(
            reverse(name, args=[slug, dataset])
            for name in ("public_data_csv", "public_data_json")
            for dataset in ("actions", "progress-updates", "milestones", "indicator-values")
        ),
    ]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 200, url
        assert not traces_in(text_of(response)), url


def test_a_report_generated_after_the_erasure_does_not_name_them(world, erased):
    report = report_services.generate_cabinet_report(generated_by=world.personas["admin"])
    report_services.keep_report_pdf(report.pk)
    report.refresh_from_db()
    text = file_text(Path(settings.MEDIA_ROOT) / report.pdf.name)
    assert "Partners met in June." in text or "Budget agreed." in text or text
    assert not traces_in(text)


def test_the_report_cabinet_was_sent_is_kept_as_sent(world, erased):
    """The decision: a Cabinet report's PDF generated before the erasure is the record of the
    papers Cabinet was sent, kept unchanged (docs/decisions.md)."""
    report = CabinetReport.objects.get(pk=erased.archived.pk)
    assert report.pdf.name == erased.archived.pdf.name
    assert erased.archived_pdf.exists()


def test_no_kept_file_names_them_but_the_report_as_sent(world, erased):
    found = []
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file() and path != erased.archived_pdf and traces_in(file_text(path)):
            found.append(str(path.relative_to(settings.MEDIA_ROOT)))
    assert not found, found


def test_no_column_of_any_table_holds_them(world, erased):
    """Every column of every table, read raw, as text."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, cell in zip(columns, row, strict=True):
                    if cell is None:
                        continue
                    text = (
                        bytes(cell).decode("utf-8", "replace")
                        if isinstance(cell, (bytes, memoryview))
                        else str(cell)
                    )
                    if traces := traces_in(text):
                        found.append(f"{table}.{column}: {traces}")
    assert not found, found


def test_the_erasure_is_recorded_without_them(world, erased):
    erasure = Erasure.objects.get(account_id=erased.user.pk)
    assert erasure.erased_by == world.personas["admin"]
    assert erasure.erased_at <= timezone.now() + datetime.timedelta(seconds=1)
    for key in (
        "actions.ProgressUpdate.author",
        "actions.CouncilInput.author",
        "discussion.Comment.author",
        "indicators.IndicatorValue.author",
        "actions.Milestone.added_by",
        "evidence.EvidenceFile.uploaded_by",
        "knox.AuthToken.user",
        "monitoring.ReminderLog.recipient",
        "duties.EqualityAssessment.updated_by",
        "duties.SocialValue.updated_by",
        "risks.Risk.created_by",
        "risks.RiskReview.reviewed_by",
    ):
        assert erasure.counts.get(key), key
