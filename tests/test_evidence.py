"""Evidence files: checked from their content, kept under random names, downloaded only by those
who may see the record they belong to, and shown on the action pages in constant queries."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.permissions import can_download_evidence
from actions.models import CouncilInput, ProgressUpdate, ReviewState
from evidence import validation
from evidence.models import EvidenceFile
from evidence.services import attach_files
from tests import evidence_samples as samples
from tests.factories import EvidenceFileFactory, ProgressUpdateFactory
from tests.helpers import content, input_form, post_update, queries_for, record_input, update_form

NARRATIVE = "We met the statutory partners in June and agreed the terms."
WRONG_TYPE = "The selected file must be a PDF, Word, Excel, PowerPoint or image file"


def update_url(world):
    return reverse("action_update", args=[world.action.pk])


def post_with_files(client, world, *files, **overrides):
    data = update_form(world.action, narrative=NARRATIVE, **overrides)
    data["evidence_files"] = list(files)
    return client.post(update_url(world), data)


# --- Checking the content -----------------------------------------------------------------

GOOD = [
    ("minutes.pdf", samples.PDF, validation.PDF),
    ("minutes.docx", samples.ooxml("docx"), validation.DOCX),
    ("budget.xlsx", samples.ooxml("xlsx"), validation.XLSX),
    ("slides.pptx", samples.ooxml("pptx"), validation.PPTX),
    ("old minutes.doc", samples.legacy("WordDocument"), validation.DOC),
    ("old budget.xls", samples.legacy("Workbook"), validation.XLS),
    ("old slides.ppt", samples.legacy("PowerPoint Document"), validation.PPT),
    ("notes.odt", samples.odt(), validation.ODT),
    ("photo.png", samples.image("PNG"), validation.PNG),
    ("photo.JPEG", samples.image("JPEG"), validation.JPEG),
    ("chart.gif", samples.image("GIF"), validation.GIF),
    ("photo.webp", samples.image("WEBP"), validation.WEBP),
]


@pytest.mark.parametrize(("name", "data", "content_type"), GOOD, ids=[g[0] for g in GOOD])
def test_each_kind_we_keep_is_recognised_from_its_content(name, data, content_type):
    checked = validation.check_upload(samples.upload(name, data, content_type="text/plain"))
    assert checked.content_type == content_type
    assert checked.size == len(data)
    assert checked.name.rsplit(".", 1)[1] == name.rsplit(".", 1)[1].lower()


HOSTILE = [
    ("report.pdf", samples.EXECUTABLE, WRONG_TYPE),
    ("notes.txt", b"Just some words, not a document.\n", WRONG_TYPE),
    ("minutes.docx", samples.macro_docx(), "contains macros"),
    ("minutes.doc", samples.legacy("WordDocument", "_VBA_PROJECT"), "contains macros"),
    ("notes.odt", samples.odt({"Basic/Standard/Module1.xml": b"<x/>"}), "contains macros"),
    ("minutes.docx", samples.many_members_docx(validation.ZIP_MAX_MEMBERS), "too large once"),
    ("photo.png", samples.corrupt_png(), "may be damaged"),
    ("report.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\n", "may be damaged"),  # cut short: no %%EOF
    ("minutes.docx", samples.ooxml(main=False), "may be damaged"),
    ("minutes.docx", samples.ooxml(content_types=False), "may be damaged"),
    ("setup.doc", samples.legacy("SummaryInformation"), WRONG_TYPE),  # an installer is OLE2 too
    ("minutes.pdf", samples.ooxml("docx"), WRONG_TYPE),  # a real document, misnamed
    ("photo.gif", samples.image("PNG"), WRONG_TYPE),
]


@pytest.mark.parametrize(
    ("name", "data", "message"), HOSTILE, ids=[f"{i}-{h[0]}" for i, h in enumerate(HOSTILE)]
)
def test_hostile_and_broken_files_are_refused_with_a_plain_message(name, data, message):
    with pytest.raises(ValidationError) as refused:
        validation.check_upload(samples.upload(name, data, content_type="application/pdf"))
    assert message in refused.value.messages[0]


def test_a_zip_bomb_disguised_as_a_word_file_is_refused_unopened():
    bomb = samples.zip_bomb_docx(megabytes=40)
    assert len(bomb) < 100_000  # a few tens of KB that would unpack to 40 MB
    with pytest.raises(ValidationError, match="too large once opened"):
        validation.check_upload(samples.upload("minutes.docx", bomb))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="must be smaller than 1 KB"):
        validation.check_upload(samples.upload("big.pdf", samples.PDF + b" " * 2000))


@pytest.mark.parametrize(
    ("uploaded", "cleaned"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\sam\\My Report (final).PDF", "My_Report_final.pdf"),
        (".pdf", "evidence.pdf"),
        ("no extension", "no_extension.pdf"),
        ("<b>alert(1)</b>.pdf", "b.pdf"),
        ("<b>alert(1).pdf", "balert1.pdf"),
        ("a" * 300 + ".pdf", "a" * 96 + ".pdf"),
    ],
)
def test_names_are_cleaned_and_keep_the_detected_extension(uploaded, cleaned):
    checked = validation.check_upload(samples.upload(uploaded, samples.PDF))
    assert checked.name == cleaned
    assert len(checked.name) <= validation.NAME_MAX


# --- Uploading with an update ---------------------------------------------------------------


@pytest.fixture
def member(client, world, review_off):
    client.force_login(world.personas["forum_member"])
    return client


HOSTILE_UPLOADS = [
    ("report.pdf", samples.EXECUTABLE, WRONG_TYPE),
    ("minutes.docx", samples.zip_bomb_docx(megabytes=20), "too large once opened"),
    ("minutes.docx", samples.macro_docx(), "contains macros"),
    ("report.pdf", b"", "The selected file is empty"),
    ("photo.png", samples.corrupt_png(), "may be damaged"),
    ("notes.txt", b"Some notes\n", WRONG_TYPE),
]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    HOSTILE_UPLOADS,
    ids=["executable", "zip-bomb", "macros", "empty", "corrupt-png", "text"],
)
def test_a_refused_file_comes_back_with_its_message_and_the_update_kept(
    member, world, name, data, message
):
    response = post_with_files(member, world, samples.upload(name, data))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    # Next to the field and in the error summary, with the rest of the update as typed.
    assert page.count(message) >= 2
    assert 'href="#id_evidence_files"' in page
    assert "govuk-file-upload--error" in page
    assert NARRATIVE in page
    assert not ProgressUpdate.all_records.exists()
    assert not EvidenceFile.objects.exists()


def test_an_oversize_file_comes_back_with_its_message(member, world, settings):
    settings.EVIDENCE_MAX_BYTES = 2048
    response = post_with_files(member, world, samples.upload("big.pdf", samples.PDF + b"\n" * 3000))
    assert "The selected file must be smaller than 2 KB" in response.content.decode()
    assert not ProgressUpdate.all_records.exists()
    assert not EvidenceFile.objects.exists()


def test_one_bad_file_among_good_ones_is_named_and_none_is_kept(member, world):
    response = post_with_files(
        member,
        world,
        samples.upload("minutes.pdf", samples.PDF),
        samples.upload("setup.pdf", samples.EXECUTABLE),
    )
    assert f"{WRONG_TYPE} (setup.pdf)" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_more_files_than_allowed_are_refused(member, world, settings):
    settings.EVIDENCE_MAX_FILES = 2
    files = [samples.upload(f"minutes-{i}.pdf", samples.PDF) for i in range(3)]
    response = post_with_files(member, world, *files)
    assert "Choose 2 files or fewer" in response.content.decode()
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize(("name", "data", "content_type"), GOOD, ids=[g[0] for g in GOOD])
def test_a_good_file_is_kept_under_a_random_name(member, world, settings, name, data, content_type):
    response = post_with_files(member, world, samples.upload(name, data))
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    update = ProgressUpdate.objects.get()
    assert evidence.progress_update == update
    assert evidence.content_type == content_type
    assert evidence.size == len(data)
    assert evidence.uploaded_by == world.personas["forum_member"]
    assert re.fullmatch(r"evidence/\d{4}/[0-9a-f]{32}", evidence.file.name), evidence.file.name
    stored = settings.MEDIA_ROOT / evidence.file.name
    assert stored.read_bytes() == data
    assert evidence.history.get().history_user == world.personas["forum_member"]


def test_several_files_are_kept_with_the_update(member, world):
    post_with_files(
        member,
        world,
        samples.upload("minutes.pdf", samples.PDF),
        samples.upload("photo.jpg", samples.image("JPEG")),
    )
    update = ProgressUpdate.objects.get()
    assert [f.name for f in update.evidence_files.all()] == ["minutes.pdf", "photo.jpg"]


def test_files_on_a_draft_stay_with_it_when_it_is_submitted(client, world):
    client.force_login(world.personas["forum_member"])
    post_with_files(client, world, samples.upload("minutes.pdf", samples.PDF), save_draft="1")
    draft = ProgressUpdate.all_records.get()
    assert draft.review_state == ReviewState.DRAFT
    form = client.get(update_url(world)).content.decode()
    assert "Files already attached to your draft" in form
    assert "minutes.pdf" in form

    response = post_with_files(client, world, samples.upload("photo.png", samples.image("PNG")))
    assert response.status_code == 302
    submitted = ProgressUpdate.all_records.get()
    assert submitted.pk == draft.pk
    assert submitted.review_state == ReviewState.SUBMITTED
    assert sorted(f.name for f in submitted.evidence_files.all()) == ["minutes.pdf", "photo.png"]


def test_a_stale_update_keeps_no_file_and_asks_for_it_again(member, world, settings):
    data = update_form(world.action, narrative=NARRATIVE, percent_complete="60")
    post_update(world.action, world.personas["coordinator"])  # someone else's, first
    data["evidence_files"] = [samples.upload("minutes.pdf", samples.PDF)]
    response = member.post(update_url(world), data)
    assert response.status_code == 409
    assert NARRATIVE in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert not (settings.MEDIA_ROOT / "evidence").exists()


def test_a_draft_counts_its_files_towards_the_limit(client, world, settings):
    settings.EVIDENCE_MAX_FILES = 2
    client.force_login(world.personas["forum_member"])
    post_with_files(client, world, samples.upload("a.pdf", samples.PDF), save_draft="1")
    response = post_with_files(
        client, world, samples.upload("b.pdf", samples.PDF), samples.upload("c.pdf", samples.PDF)
    )
    assert "It already has 1, so choose 1 or fewer" in response.content.decode()
    assert EvidenceFile.objects.count() == 1


def test_council_input_carries_files(client, world, review_off):
    client.force_login(world.personas["officer"])
    data = input_form(world.council_action)
    data["evidence_files"] = [samples.upload("budget.xlsx", samples.ooxml("xlsx"))]
    response = client.post(reverse("council_action_input", args=[world.council_action.pk]), data)
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.council_input == CouncilInput.objects.get()
    assert evidence.kind_label == "Excel spreadsheet"
    page = client.get(world.council_action.get_absolute_url()).content.decode()
    assert reverse("evidence_file", args=[evidence.pk]) in page


def test_the_form_says_what_files_it_takes(member, world):
    page = member.get(update_url(world)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    field = re.search(r'<input[^>]*type="file"[^>]*>', page).group(0)
    assert "multiple" in field
    assert 'name="evidence_files"' in field
    assert "each smaller than 10 MB, up to 5 in all" in page
    assert "choose the files again" in page


# --- The service, the model ---------------------------------------------------------------


def test_a_command_can_attach_a_file_it_made(world):
    update = post_update(world.action, world.personas["forum_member"])
    (evidence,) = attach_files(
        record=update,
        files=[ContentFile(samples.image("PNG"), name="site visit.png")],
        uploaded_by=world.personas["coordinator"],
    )
    assert evidence.name == "site_visit.png"
    assert evidence.content_type == "image/png"
    assert evidence.uploaded_by == world.personas["coordinator"]


def test_the_service_refuses_a_bad_file_and_keeps_none(world):
    update = post_update(world.action, world.personas["forum_member"])
    with pytest.raises(ValidationError):
        attach_files(
            record=update,
            files=[ContentFile(samples.PDF, name="a.pdf"), ContentFile(b"MZ", name="b.pdf")],
            uploaded_by=update.author,
        )
    assert not EvidenceFile.objects.exists()


def test_the_service_refuses_more_than_the_limit(world, settings):
    settings.EVIDENCE_MAX_FILES = 1
    update = post_update(world.action, world.personas["forum_member"])
    EvidenceFileFactory(record=update)
    with pytest.raises(ValidationError, match="at most 1 files"):
        EvidenceFileFactory(record=update)


def test_a_failure_part_way_leaves_no_stored_copy(world, settings, monkeypatch):
    update = post_update(world.action, world.personas["forum_member"])

    def fail(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(EvidenceFile, "save", fail)
    with pytest.raises(RuntimeError):
        attach_files(
            record=update,
            files=[ContentFile(samples.PDF, name="a.pdf")],
            uploaded_by=update.author,
        )
    kept = settings.MEDIA_ROOT / "evidence"
    assert not kept.exists() or not any(p.is_file() for p in kept.rglob("*"))


def test_the_admin_lists_files_and_lets_a_file_be_made_public(admin_client, world):
    update = post_update(world.action, world.personas["forum_member"])
    evidence = EvidenceFileFactory(record=update, filename="minutes.pdf")
    changelist = admin_client.get(reverse("admin:evidence_evidencefile_changelist"))
    assert "minutes.pdf" in changelist.content.decode()
    assert admin_client.get(reverse("admin:evidence_evidencefile_add")).status_code == 403
    url = reverse("admin:evidence_evidencefile_change", args=[evidence.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"is_public": "on"}).status_code == 302
    evidence.refresh_from_db()
    assert evidence.is_public
    assert evidence.name == "minutes.pdf"  # read only: the rest is as uploaded


STORAGE_PROBE = (
    "import django; django.setup(); from django.core.files.storage import storages; "
    "s = storages['default']; "
    "print(type(s).__name__, getattr(s, 'bucket_name', ''), getattr(s, 'default_acl', ''), "
    "getattr(s, 'querystring_auth', ''), getattr(s, 'endpoint_url', ''))"
)


def _storage_with(**env_overrides):
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(DEBUG="true", ENV_FILE=os.devnull, DJANGO_SETTINGS_MODULE="config.settings")
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", STORAGE_PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_files_are_kept_on_disk_unless_a_bucket_is_named():
    assert _storage_with()[0] == "FileSystemStorage"
    backend, bucket, acl, signed, endpoint = _storage_with(
        AWS_STORAGE_BUCKET_NAME="tracker-files", AWS_S3_ENDPOINT_URL="https://s3.example.net"
    )
    assert (backend, bucket, acl, signed) == ("S3Storage", "tracker-files", "private", "False")
    assert endpoint == "https://s3.example.net"


def test_a_file_belongs_to_exactly_one_record(world):
    update = post_update(world.action, world.personas["forum_member"])
    council_input = record_input(world.council_action, world.personas["officer"])
    evidence = EvidenceFileFactory(record=update)
    evidence.council_input = council_input
    with pytest.raises(ValidationError, match="one progress update or one council input"):
        evidence.full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        EvidenceFile.objects.filter(pk=evidence.pk).update(council_input=council_input)
    with transaction.atomic(), pytest.raises(IntegrityError):
        EvidenceFile.objects.filter(pk=evidence.pk).update(progress_update=None)


def test_deleting_a_file_removes_its_stored_copy(
    world, settings, django_capture_on_commit_callbacks
):
    update = post_update(world.action, world.personas["forum_member"])
    evidence = EvidenceFileFactory(record=update)
    stored = settings.MEDIA_ROOT / evidence.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        evidence.delete()
    assert not stored.exists()


# --- Downloading ------------------------------------------------------------------------------


def test_a_download_is_an_attachment_that_is_not_sniffed_or_cached(client, world):
    update = post_update(world.action, world.personas["forum_member"])
    evidence = EvidenceFileFactory(record=update, filename="Minutes June.pdf")
    client.force_login(world.personas["cabinet"])
    response = client.get(reverse("evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Minutes_June.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert content(response) == b"%PDF-1.4\n%%EOF\n"


def test_a_file_missing_from_storage_is_not_found(client, world, settings):
    update = post_update(world.action, world.personas["forum_member"])
    evidence = EvidenceFileFactory(record=update)
    (settings.MEDIA_ROOT / evidence.file.name).unlink()
    client.force_login(world.personas["cabinet"])
    assert client.get(reverse("evidence_file", args=[evidence.pk])).status_code == 404


def test_who_may_download_follows_who_may_see_the_record(world):
    draft = post_update(world.action, world.personas["forum_member"], submit=False)
    evidence = EvidenceFileFactory(record=draft)
    people = world.personas
    assert can_download_evidence(people["forum_member"], evidence)
    assert not can_download_evidence(people["forum_other"], evidence)
    assert not can_download_evidence(people["cabinet"], evidence)
    assert not can_download_evidence(people["no_role"], evidence)


def test_files_are_not_served_from_the_media_path(client, world, settings):
    update = post_update(world.action, world.personas["forum_member"])
    evidence = EvidenceFileFactory(record=update)
    client.force_login(world.personas["admin"])
    assert client.get(f"/{settings.MEDIA_URL}{evidence.file.name}").status_code == 404


# --- Shown on the pages, in constant queries ---------------------------------------------------


def _updates_with_files(world, files_each: int, updates: int = 2):
    for _ in range(updates):
        update = post_update(world.action, world.personas["forum_member"])
        for i in range(files_each):
            EvidenceFileFactory(record=update, filename=f"file-{i}.pdf")


def test_the_action_page_lists_files_in_constant_queries(client, world, settings):
    settings.EVIDENCE_MAX_FILES = 20
    client.force_login(world.personas["cabinet"])
    url = world.action.get_absolute_url()
    _updates_with_files(world, files_each=1)
    few = len(queries_for(client, url))  # made, not kept: the files were just added
    _updates_with_files(world, files_each=9)  # 2 + 18 = 20 files
    assert EvidenceFile.objects.count() == 20
    assert len(queries_for(client, url)) == few
    page = client.get(url).content.decode()
    assert page.count('class="govuk-link" href="/evidence/') == 20


def test_the_council_action_page_lists_files_in_constant_queries(client, world):
    client.force_login(world.personas["cabinet"])
    url = world.council_action.get_absolute_url()
    for files in (1, 4):
        council_input = record_input(world.council_action, world.personas["officer"])
        for i in range(files):
            EvidenceFileFactory(record=council_input, filename=f"file-{i}.pdf")
        if files == 1:
            few = len(queries_for(client, url))
    assert len(queries_for(client, url)) == few


def test_a_new_file_shows_on_the_kept_action_page(client, world):
    update = post_update(world.action, world.personas["forum_member"])
    client.force_login(world.personas["cabinet"])
    url = world.action.get_absolute_url()
    assert "minutes.pdf" not in client.get(url).content.decode()
    EvidenceFileFactory(record=update, filename="minutes.pdf")
    assert "minutes.pdf" in client.get(url).content.decode()


def test_pending_records_and_the_review_page_list_their_files(client, world, settings):
    settings.EVIDENCE_MAX_FILES = 20
    submitted = post_update(world.action, world.personas["forum_member"], approved=False)
    EvidenceFileFactory(record=submitted, filename="draft-minutes.pdf")
    coordinator = client
    coordinator.force_login(world.personas["coordinator"])
    url = world.action.get_absolute_url()
    page = coordinator.get(url).content.decode()
    assert "draft-minutes.pdf" in page
    few = len(queries_for(coordinator, url))  # the page's content kept: pending made anew
    for i in range(10):
        EvidenceFileFactory(record=submitted, filename=f"more-{i}.pdf")
    coordinator.get(url)  # the new files moved the plan's generation on: keep it again
    assert len(queries_for(coordinator, url)) == few
    review = coordinator.get(reverse("review", args=["update", submitted.pk])).content.decode()
    assert "draft-minutes.pdf" in review
    assert reverse("evidence_file", args=[submitted.evidence_files.first().pk]) in review


def _draft_with(client, world, *names):
    client.force_login(world.personas["forum_member"])
    post_with_files(
        client, world, *(samples.upload(name, samples.PDF) for name in names), save_draft="1"
    )
    return ProgressUpdate.all_records.get()


def test_a_file_can_be_removed_from_a_draft_and_the_removal_is_recorded(
    client, world, django_capture_on_commit_callbacks
):
    draft = _draft_with(client, world, "minutes.pdf", "old-minutes.pdf")
    old = draft.evidence_files.get(name="old-minutes.pdf")
    stored = old.file.name
    form = client.get(update_url(world)).content.decode()
    remove_url = reverse("evidence_remove", args=[old.pk])
    assert f'action="{remove_url}"' in form
    assert 'Remove<span class="govuk-visually-hidden"> old-minutes.pdf</span>' in form

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url)

    assert response.status_code == 302
    assert response["Location"] == update_url(world)
    assert [f.name for f in draft.evidence_files.all()] == ["minutes.pdf"]
    assert not old.file.storage.exists(stored)
    removal = EvidenceFile.history.filter(id=old.pk).latest("history_date")
    assert removal.history_type == "-"
    assert removal.history_user == world.personas["forum_member"]
    page = client.get(response["Location"]).content.decode()
    assert "old-minutes.pdf was removed from your draft." in page


def test_a_submitted_updates_files_stay_with_it(client, world):
    draft = _draft_with(client, world, "minutes.pdf")
    evidence = draft.evidence_files.get()
    post_with_files(client, world)  # submit the draft
    assert ProgressUpdate.all_records.get().review_state == ReviewState.SUBMITTED
    response = client.post(reverse("evidence_remove", args=[evidence.pk]))
    assert response.status_code == 403
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()


def test_a_draft_submitted_while_its_file_is_being_removed_keeps_it(world):
    """The service locks the record and looks again: submitted meanwhile, nothing is removed."""
    from evidence import services as evidence_services

    record = ProgressUpdateFactory(
        strategy_action=world.action, author=world.personas["forum_member"], submit=False
    )
    evidence = EvidenceFileFactory(record=record)
    ProgressUpdate.all_records.filter(pk=record.pk).update(review_state=ReviewState.SUBMITTED)
    with pytest.raises(evidence_services.NoLongerDraft):
        evidence_services.remove_file(evidence=evidence, removed_by=world.personas["forum_member"])
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()
