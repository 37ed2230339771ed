"""Hostile and broken files given to the import (issue 14): each is refused with a clear
message by the upload field, and nothing is written (no import kept, the plan as it was)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.roles import Role
from imports import reading
from imports.models import ImportRecord
from tests.factories import PartnerFactory, StrategyActionFactory, UserFactory
from tests.test_imports import plan_dump

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = "Strategy key,Theme number,Reference,Position,Strategy action\n"


@pytest.fixture
def importer(client, db):
    client.force_login(UserFactory(role=Role.FORUM_COORDINATOR, organisation=PartnerFactory()))
    StrategyActionFactory()
    return client


def refused(client, data: bytes, name="plan.xlsx", content_type=XLSX) -> str:
    """Upload the file; assert it was refused by the field, with nothing written; the message."""
    before = plan_dump()
    response = client.post(
        reverse("import_plan"), {"file": SimpleUploadedFile(name, data, content_type)}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_valid() or form.errors
    [message] = form.errors["file"]
    page = response.content.decode()
    assert "There is a problem" in page  # the GOV.UK error summary
    assert "govuk-file-upload--error" in page or message == reading.EMPTY
    assert ImportRecord.objects.count() == 0
    assert plan_dump() == before
    return message


def xlsx(rows, title="Strategy actions") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_pdf_named_as_a_workbook_is_the_wrong_type(importer):
    message = refused(importer, b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
    assert message == reading.WRONG_TYPE


def test_a_png_named_as_a_csv_is_the_wrong_type(importer):
    data = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert refused(importer, data, "plan.csv", "text/csv") == reading.WRONG_TYPE


def test_a_word_document_is_not_a_workbook(importer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert refused(importer, buffer.getvalue()) == reading.NOT_A_WORKBOOK


def test_an_old_excel_file_is_asked_for_as_xlsx(importer):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    assert refused(importer, data, "plan.xls") == reading.OLD_EXCEL


def test_an_empty_file(importer):
    assert refused(importer, b"") == reading.EMPTY


def test_a_csv_of_only_headings_has_no_rows(importer):
    assert refused(importer, HEADER.encode(), "plan.csv", "text/csv") == reading.NO_ROWS


def test_a_corrupt_workbook(importer):
    data = xlsx([["Strategy key"], ["a"]])
    assert refused(importer, data[: len(data) // 2]) == reading.CORRUPT
    assert refused(importer, b"PK\x03\x04" + b"not a zip at all" * 10) == reading.CORRUPT


def test_a_macro_enabled_workbook(importer):
    source = zipfile.ZipFile(io.BytesIO(xlsx([["Strategy key"], ["a"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            archive.writestr(entry, source.read(entry))
        archive.writestr("xl/vbaProject.bin", b"\x00" * 100)
    message = refused(importer, buffer.getvalue(), "plan.xlsm")
    assert "macros" in message
    assert ".xlsx, not .xlsm" in message


def test_a_workbook_with_a_formula(importer):
    data = xlsx([HEADER.strip().split(","), ["s", 1, "T1.1", 1, '=HYPERLINK("http://x")']])
    message = refused(importer, data)
    assert message == reading.formula_message("Strategy actions", "E2")


def test_a_csv_with_a_formula(importer):
    data = (HEADER + 's,1,T1.1,1,"=1+1"\n').encode()
    message = refused(importer, data, "plan.csv", "text/csv")
    assert "formula in row 2, column ‘Strategy action’" in message


def test_a_csv_not_in_utf8(importer):
    data = (HEADER + "s,1,T1.1,1,Café\n").encode("utf-16")
    assert refused(importer, data, "plan.csv", "text/csv") == reading.WRONG_TYPE  # NUL bytes
    data = (HEADER + "s,1,T1.1,1,Café\n").encode("latin-1")
    assert refused(importer, data, "plan.csv", "text/csv") == reading.NOT_UTF8


def test_more_than_50000_rows_read_in_the_background(importer, django_capture_on_commit_callbacks):
    row = "s,1,T1.1,1,An action\n"
    data = (HEADER + row * 50_000).encode()  # 50,001 rows with the headings
    before = plan_dump()
    with django_capture_on_commit_callbacks(execute=True):
        response = importer.post(
            reverse("import_plan"), {"file": SimpleUploadedFile("big.csv", data, "text/csv")}
        )
    record = ImportRecord.objects.get()
    assert response["Location"] == reverse("import_preview", args=[record.pk])
    assert record.state == ImportRecord.State.FAILED
    assert record.failure == reading.too_many_rows_message()
    assert "more than 50,000 rows" in record.failure
    assert not record.file  # the upload is not kept
    assert record.data == {}
    assert plan_dump() == before
    page = importer.get(response["Location"]).content.decode()
    assert "The file could not be imported" in page
    assert "more than 50,000 rows" in page
    assert "Confirm and import" not in page


def test_more_rows_than_the_cap_in_a_workbook(importer, settings):
    settings.IMPORT_MAX_ROWS = 10
    data = xlsx([HEADER.strip().split(",")] + [["s", 1, f"T1.{n}", n, "x"] for n in range(1, 11)])
    assert refused(importer, data) == reading.too_many_rows_message("Strategy actions")
    assert "sheet ‘Strategy actions’ of the selected file has more than 10 rows" in (
        reading.too_many_rows_message("Strategy actions")
    )


def test_a_file_over_the_size_limit(importer, settings):
    settings.IMPORT_MAX_BYTES = 1000
    data = (HEADER + "s,1,T1.1,1,An action\n" * 100).encode()
    assert refused(importer, data, "plan.csv", "text/csv") == reading.too_big_message()


def test_the_default_limit_is_50_mb_and_checked_before_reading(settings):
    assert settings.IMPORT_MAX_BYTES == 50 * 1024 * 1024

    class Huge:
        name = "huge.xlsx"
        size = 50 * 1024 * 1024 + 1

        def read(self, *args):
            raise AssertionError("read before its size was checked")

        seek = chunks = read

    with pytest.raises(reading.ValidationError) as refusal:
        reading.read_upload(Huge(), {"Strategy actions": ["Strategy key"]}, "Strategy actions")
    assert refusal.value.messages == ["The selected file must be smaller than 50 MB"]


def test_a_zip_bomb(importer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    message = refused(importer, buffer.getvalue())
    assert "too large once opened" in message


def test_a_huge_upload_is_not_kept_and_is_refused_for_its_size(importer, settings):
    settings.FILE_UPLOAD_MAX_BYTES = settings.IMPORT_MAX_BYTES = 200_000
    data = (HEADER + "s,1,T1.1,1,An action\n" * 20_000).encode()  # about 450 KB
    assert refused(importer, data, "plan.csv", "text/csv") == reading.too_big_message()


def test_the_upload_handler_keeps_nothing_past_the_limit(settings):
    from config.uploads import SizeLimitHandler, TooBig

    settings.FILE_UPLOAD_MAX_BYTES = 10
    handler = SizeLimitHandler()
    handler.new_file("file", "plan.csv", "text/csv", 30)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    assert handler.receive_data_chunk(b"678901", 5) is None
    assert handler.receive_data_chunk(b"more", 11) is None
    kept = handler.file_complete(15)
    assert isinstance(kept, TooBig)
    assert (kept.size, kept.read()) == (15, b"")
