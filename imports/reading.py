"""Reading an uploaded spreadsheet safely: what it is (by its content, never its name), whether
it is too big, empty, corrupt, a zip bomb or carries macros or formulas, and then its sheets'
rows, only the columns an import reads, as JSON-ready values.

Workbooks are read with openpyxl in read-only mode (a row at a time from the sheet's XML);
CSV files with the standard library. Each refusal is a ValidationError whose message says
what to do, in plain English; nothing is written anywhere before a file passes.

The zip checks mirror evidence/validation.py's (same limits and messages for macros and zip
bombs), for a workbook only: evidence takes many kinds of file and is checked against its own,
smaller, size limit.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from evidence.validation import (
    MACROS,
    OLE2_SIGNATURE,
    UNPACKS_TOO_BIG,
    ZIP_MAX_MEMBERS,
    ZIP_MAX_RATIO,
    ZIP_MAX_UNCOMPRESSED,
    size_text,
)

WRONG_TYPE = "The selected file must be an Excel workbook (.xlsx) or a CSV file"
OLD_EXCEL = (
    "The selected file is an old Excel 97-2003 workbook (.xls). Open it in Excel, save it as an "
    "Excel workbook (.xlsx) and choose that"
)
NOT_UTF8 = "The selected CSV file must be saved as UTF-8 (in Excel: CSV UTF-8)"
EMPTY = "The selected file is empty"
NO_ROWS = "The selected file has no rows to import below its column headings"
CORRUPT = (
    "The selected file could not be opened: it may be damaged. Open it, save it again and "
    "choose the new copy"
)
# The beginnings of files that are text, or nearly, but no CSV: a PDF, images, RTF, XML and
# web pages (anything else that is not text fails to decode, or has no column headings).
NOT_CSV = (
    b"%pdf",
    b"\x89png",
    b"gif8",
    b"\xff\xd8\xff",
    b"{\\rtf",
    b"<?xml",
    b"<!doctype",
    b"<html",
)
NOT_A_WORKBOOK = "The selected file is a zip file but not an Excel workbook (.xlsx)"


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.IMPORT_MAX_ROWS


def too_big_message() -> str:
    return f"The selected file must be smaller than {size_text(max_bytes())}"


def too_many_rows_message(sheet: str = "") -> str:
    where = f"sheet ‘{sheet}’ of the selected file" if sheet else "selected file"
    return (
        f"The {where} has more than {max_rows():,} rows. Split it into files of "
        f"{max_rows():,} rows or fewer and import each"
    )


#: The most sheets a workbook may have (the export has eleven).
MAX_SHEETS = 30
TOO_MANY_SHEETS = (
    f"The selected file has more than {MAX_SHEETS} sheets: keep only the sheets of the plan"
)


def formula_message(sheet: str, reference: str) -> str:
    return (
        f"The selected file has a formula in sheet ‘{sheet}’, cell {reference}. Replace formulas "
        "with their values (copy the cells, then paste values only) and choose the file again"
    )


@dataclass
class Sheet:
    """A sheet's rows as {column heading: value} with their row number in the file."""

    name: str
    headers: list[str]
    rows: list[tuple[int, dict]] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"headers": self.headers, "rows": self.rows}


@dataclass
class Upload:
    kind: str  # "xlsx" or "csv"
    sha256: str
    size: int
    sheets: dict[str, Sheet]

    def as_json(self) -> dict:
        return {name: sheet.as_json() for name, sheet in self.sheets.items()}


def check_upload(upload) -> tuple[str, str]:
    """The checks that read little of the file: its size (before reading it), whether it is
    empty, its type by its content, and for a workbook the zip's directory (zip bombs,
    macros). Returns (kind, sha256): kind "xlsx" or "csv". Raises ValidationError."""
    size = upload.size
    if size is None or size == 0:
        raise ValidationError(EMPTY, code="empty")
    if size > max_bytes():  # before reading a byte of it
        raise ValidationError(too_big_message(), code="too_big")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        _check_zip(upload)
        kind = "xlsx"
    elif head.startswith(OLE2_SIGNATURE):
        raise ValidationError(OLD_EXCEL, code="wrong_type")
    elif head.lstrip().lower().startswith(NOT_CSV):
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    else:
        kind = "csv"
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind, digest.hexdigest()


def read_upload(upload, columns: dict[str, list[str]], csv_sheet: str) -> Upload:
    """The sheets of `upload` named in `columns` (sheet: the headings an import reads), each
    row keeping only those columns. A CSV file is the one sheet `csv_sheet`.

    Raises ValidationError, with a message for the person, for a file that must not be read.
    """
    kind, sha256 = check_upload(upload)
    if kind == "xlsx":
        sheets = _read_workbook(upload, columns)
    else:
        sheets = _read_csv(upload, columns, csv_sheet)
    if not any(sheet.rows for sheet in sheets.values()):
        raise ValidationError(NO_ROWS, code="no_rows")
    return Upload(kind=kind, sha256=sha256, size=upload.size, sheets=sheets)


def _check_zip(upload) -> None:
    """An Excel workbook without macros, judged from the zip's central directory alone (no
    member is unpacked): refused as a zip bomb, as corrupt, as another kind of zip, or for
    carrying macros (.xlsm, vbaProject.bin)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise ValidationError(UNPACKS_TOO_BIG, code="zip_bomb")
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members)
            if unpacked > ZIP_MAX_UNCOMPRESSED or unpacked > ZIP_MAX_RATIO * max(packed, 1):
                raise ValidationError(UNPACKS_TOO_BIG, code="zip_bomb")
            names = {member.filename for member in members}
            lowered = {name.lower() for name in names}
            if "[Content_Types].xml" not in names:
                raise ValidationError(NOT_A_WORKBOOK, code="wrong_type")
            # Bounded: its size is in the central directory, within the limits above.
            content_types = archive.read("[Content_Types].xml").lower()
            if any(name.endswith("vbaproject.bin") for name in lowered) or (
                b"macroenabled" in content_types
            ):
                raise ValidationError(
                    MACROS.replace(".docx, not .docm", ".xlsx, not .xlsm"), code="macros"
                )
            if "xl/workbook.xml" not in names:
                raise ValidationError(NOT_A_WORKBOOK, code="wrong_type")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError) as error:
        raise ValidationError(CORRUPT, code="corrupt") from error


def _value(value):
    """A cell's value as JSON: text stripped of the quote the export puts before text a
    spreadsheet would take for a formula, dates as ISO dates, numbers as text when not whole."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.startswith("'") and value[1:2] in ("=", "+", "-", "@", "\t", "\r"):
            value = value[1:]
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if not value.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if not value.is_integer() else int(value)
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


class _Rows:
    """Counts a sheet's rows, refusing the file past the cap (per sheet: the export of a
    large plan has more rows over all its sheets than in any one; with at most MAX_SHEETS
    sheets, the whole stays bounded)."""

    def __init__(self, sheet: str = ""):
        self.sheet = sheet
        self.count = 0

    def add(self) -> None:
        self.count += 1
        if self.count > max_rows():
            raise ValidationError(too_many_rows_message(self.sheet), code="too_many_rows")


def _read_workbook(upload, columns: dict[str, list[str]]) -> dict[str, Sheet]:
    try:
        workbook = load_workbook(upload, read_only=True, data_only=False, keep_links=False)
    except ValidationError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file; all mean that
        raise ValidationError(CORRUPT, code="corrupt") from error
    sheets: dict[str, Sheet] = {}
    try:
        if len(workbook.worksheets) > MAX_SHEETS:
            raise ValidationError(TOO_MANY_SHEETS, code="too_many_sheets")
        for worksheet in workbook.worksheets:
            counter = _Rows(worksheet.title)
            wanted = columns.get(worksheet.title.strip())
            if wanted is None:
                # Sheets an import does not read (the indicators' figures, say) are still
                # checked for formulas, and count towards the cap on rows.
                for row in worksheet.iter_rows():
                    counter.add()
                    _no_formula(worksheet.title, row)
                continue
            sheet = None
            for number, row in enumerate(worksheet.iter_rows(), 1):
                counter.add()
                _no_formula(worksheet.title, row)
                values = [cell.value for cell in row]
                if sheet is None:
                    headers = [str(v).strip() if v is not None else "" for v in values]
                    sheet = Sheet(name=worksheet.title.strip(), headers=headers)
                    positions = {h: i for i, h in reversed(list(enumerate(headers))) if h}
                    keep = [(h, positions[h]) for h in wanted if h in positions]
                    continue
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                sheet.rows.append(
                    (
                        number,
                        {h: _value(values[i]) if i < len(values) else None for h, i in keep},
                    )
                )
            if sheet is not None:
                sheets[sheet.name] = sheet
    except ValidationError:
        raise
    except Exception as error:  # a damaged sheet, found only when read
        raise ValidationError(CORRUPT, code="corrupt") from error
    finally:
        workbook.close()
    return sheets


def _no_formula(title: str, row) -> None:
    for cell in row:
        if getattr(cell, "data_type", None) == "f":
            raise ValidationError(formula_message(title, cell.coordinate), code="formula")


def _read_csv(upload, columns: dict[str, list[str]], name: str) -> dict[str, Sheet]:
    data = upload.read()
    if b"\x00" in data:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(NOT_UTF8, code="not_utf8") from error
    if not text.strip():
        raise ValidationError(EMPTY, code="empty")
    counter = _Rows()
    wanted = columns[name]
    sheet = None
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
            counter.add()
            if sheet is None:
                headers = [v.strip() for v in values]
                if not set(headers) & set(wanted):
                    raise ValidationError(
                        "The first row of the selected CSV file must be its column headings, "
                        f"such as {', '.join(wanted[:3])}",
                        code="no_headers",
                    )
                sheet = Sheet(name=name, headers=headers)
                positions = {h: i for i, h in reversed(list(enumerate(headers))) if h}
                keep = [(h, positions[h]) for h in wanted if h in positions]
                continue
            if not any(v.strip() for v in values):
                continue
            for index, value in enumerate(values):
                if value.startswith("="):
                    column = headers[index] if index < len(headers) else f"column {index + 1}"
                    raise ValidationError(
                        f"The selected file has a formula in row {number}, column ‘{column}’. "
                        "Replace formulas with their values and choose the file again",
                        code="formula",
                    )
            sheet.rows.append(
                (number, {h: _value(values[i]) if i < len(values) else None for h, i in keep})
            )
    except csv.Error as error:
        raise ValidationError(CORRUPT, code="corrupt") from error
    return {name: sheet} if sheet is not None else {}
