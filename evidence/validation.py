"""Whether an uploaded file may be kept as evidence, judged by what is in it, not by its name.

`check_upload(upload)` returns a `Checked` file (its cleaned name, detected type and size) or
raises ValidationError with a message in plain English. Accepted: PDF; Word, Excel and
PowerPoint, both current (OOXML: .docx, .xlsx, .pptx) and legacy (OLE2: .doc, .xls, .ppt);
OpenDocument (.odt, .ods, .odp); and PNG, JPEG, GIF and WebP images. The name's extension must
agree with the content, so a program renamed report.pdf is refused.

The content is recognised with `filetype` (pure Python, reads the first bytes), not
python-magic, which needs the libmagic system library on every server and in CI. Formats
that are zip files (OOXML, OpenDocument) or OLE2 compound files are then opened to tell which
document they are and to refuse macros; zips are judged from their central directory, never
extracted, so a zip bomb is refused unopened. Images are opened with Pillow, so a damaged
one is refused; a PDF must start with %PDF- and end with %%EOF.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from PIL import Image, UnidentifiedImageError


@dataclass(frozen=True)
class Kind:
    """A kind of file we keep: what people call it and the extensions it may have (the
    first is given to a file whose name has none)."""

    label: str
    extensions: tuple[str, ...]


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOC, XLS, PPT = "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
PNG, JPEG, GIF, WEBP = "image/png", "image/jpeg", "image/gif", "image/webp"

KINDS = {
    PDF: Kind("PDF", ("pdf",)),
    DOCX: Kind("Word document", ("docx",)),
    XLSX: Kind("Excel spreadsheet", ("xlsx",)),
    PPTX: Kind("PowerPoint presentation", ("pptx",)),
    DOC: Kind("Word document", ("doc",)),
    XLS: Kind("Excel spreadsheet", ("xls",)),
    PPT: Kind("PowerPoint presentation", ("ppt",)),
    ODT: Kind("OpenDocument text", ("odt",)),
    ODS: Kind("OpenDocument spreadsheet", ("ods",)),
    ODP: Kind("OpenDocument presentation", ("odp",)),
    PNG: Kind("PNG image", ("png",)),
    JPEG: Kind("JPEG image", ("jpg", "jpeg")),
    GIF: Kind("GIF image", ("gif",)),
    WEBP: Kind("WebP image", ("webp",)),
}
#: What the file chooser offers (a convenience only: the content decides).
ACCEPT = ",".join(f".{ext}" for kind in KINDS.values() for ext in kind.extensions)

# Pillow's names for the image formats we keep.
IMAGE_FORMATS = {PNG: "PNG", JPEG: "JPEG", GIF: "GIF", WEBP: "WEBP"}
#: An image with more pixels than this is refused before it is decoded (a 10 MB file can
#: declare a picture that takes gigabytes of memory to open).
MAX_PIXELS = 50_000_000

# Zip files (OOXML, OpenDocument): limits read from the central directory, never extracting.
ZIP_MAX_MEMBERS = 2_000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
#: Uncompressed ÷ compressed, for the whole file: office documents are well under 30.
ZIP_MAX_RATIO = 100
#: The main part that makes an OOXML zip a Word, Excel or PowerPoint file.
OOXML_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}

OOXML_EXTENSIONS = {"docx", "xlsx", "pptx"}

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream an OLE2 compound file must hold to be each legacy document (names in UTF-16).
OLE2_STREAMS = {
    DOC: ("WordDocument",),
    XLS: ("Workbook", "Book"),
    PPT: ("PowerPoint Document",),
}
OLE2_MACROS = ("_VBA_PROJECT", "Macros")

#: The longest name a downloaded file is given, extension included.
NAME_MAX = 100

WRONG_TYPE = "The selected file must be a PDF, Word, Excel, PowerPoint or image file"
EMPTY = "The selected file is empty"
CORRUPT = (
    "The selected file could not be opened: it may be damaged. Open it, save it again and "
    "choose the new copy"
)
MACROS = (
    "The selected file contains macros. Save it as a document without macros (for example "
    ".docx, not .docm) and choose that"
)
UNPACKS_TOO_BIG = (
    "The selected file is too large once opened to be checked. Save a smaller copy and choose that"
)
IMAGE_TOO_BIG = "The selected image is too large to be checked. Save a smaller copy and choose that"


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def max_files() -> int:
    return settings.EVIDENCE_MAX_FILES


def size_text(size: int) -> str:
    """10 MB, 512 KB: the limit as people say it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"


def too_big_message() -> str:
    return f"The selected file must be smaller than {size_text(max_bytes())}"


def too_many_message(already: int = 0) -> str:
    most = max_files()
    if already:
        room = max(most - already, 0)
        return (
            f"An update can carry at most {most} files. It already has {already}, so choose "
            f"{room} or fewer"
        )
    return f"Choose {most} files or fewer"


@dataclass(frozen=True)
class Checked:
    """An upload found fit to keep: the file, its cleaned name, detected type and size."""

    upload: UploadedFile
    name: str
    content_type: str
    size: int


def check_upload(upload: UploadedFile) -> Checked:
    """The upload, judged: a `Checked` file, or ValidationError saying what is wrong."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(EMPTY, code="empty")
    if size > max_bytes():
        raise ValidationError(too_big_message(), code="too_big")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    content_type = _detect(upload, head, size)
    try:
        extension = _extension(upload.name or "", content_type)
        return Checked(
            upload=upload,
            name=clean_name(upload.name or "", extension),
            content_type=content_type,
            size=size,
        )
    finally:
        upload.seek(0)


def _detect(upload, head: bytes, size: int) -> str:
    """The file's type, read from its content; ValidationError if it is none we keep."""
    if head.startswith(b"PK\x03\x04"):
        return _zipped_document(upload)
    if head.startswith(OLE2_SIGNATURE):
        return _legacy_office(upload)
    guess = filetype.guess(head)
    mime = guess.mime if guess else ""
    if mime == PDF:
        _check_pdf(upload, size)
        return PDF
    if mime in IMAGE_FORMATS:
        _check_image(upload, mime)
        return mime
    raise ValidationError(WRONG_TYPE, code="wrong_type")


def _check_pdf(upload, size: int) -> None:
    upload.seek(max(size - 4096, 0))
    if b"%%EOF" not in upload.read():
        raise ValidationError(CORRUPT, code="corrupt")


def _check_image(upload, mime: str) -> None:
    """Opened with Pillow: the format must be what the first bytes said, and the whole
    picture must decode (a damaged one does not)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != IMAGE_FORMATS[mime]:
                    raise ValidationError(WRONG_TYPE, code="wrong_type")
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(IMAGE_TOO_BIG, code="image_too_big")
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(IMAGE_TOO_BIG, code="image_too_big") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValidationError(CORRUPT, code="corrupt") from error


def _zipped_document(upload) -> str:
    """A Word, Excel or PowerPoint (OOXML) or OpenDocument file, judged from the zip's
    central directory: refused as a zip bomb, as corrupt, or for carrying macros."""
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
            if "[Content_Types].xml" in names:
                return _ooxml(archive, names)
            if "mimetype" in names:
                return _opendocument(archive, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError) as error:
        raise ValidationError(CORRUPT, code="corrupt") from error
    if _named_extension(upload.name or "") in OOXML_EXTENSIONS:
        # Named as a Word, Excel or PowerPoint file, but without the part every one has.
        raise ValidationError(CORRUPT, code="corrupt")
    # A zip that is no document (an archive of anything): not a kind we keep.
    raise ValidationError(WRONG_TYPE, code="wrong_type")


def _ooxml(archive: zipfile.ZipFile, names: set[str]) -> str:
    lowered = {name.lower() for name in names}
    # The content types part is small; reading it is bounded by its declared size.
    content_types = archive.read("[Content_Types].xml")
    if any(name.endswith("vbaproject.bin") for name in lowered) or (
        b"macroenabled" in content_types.lower()
    ):
        raise ValidationError(MACROS, code="macros")
    found = [mime for part, mime in OOXML_MAIN_PARTS.items() if part in names]
    if len(found) != 1:
        raise ValidationError(CORRUPT, code="corrupt")
    return found[0]


def _opendocument(archive: zipfile.ZipFile, names: set[str]) -> str:
    mime = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
    if mime not in (ODT, ODS, ODP):
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    if "content.xml" not in names:
        raise ValidationError(CORRUPT, code="corrupt")
    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
        raise ValidationError(MACROS, code="macros")
    return mime


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _legacy_office(upload) -> str:
    """A Word 97–2003, Excel 97–2003 or PowerPoint 97–2003 file: an OLE2 compound file
    holding the stream that makes it one (an installer is OLE2 too, and refused)."""
    upload.seek(0)
    data = upload.read()
    if any(_utf16(stream) in data for stream in OLE2_MACROS):
        raise ValidationError(MACROS, code="macros")
    found = [
        mime
        for mime, streams in OLE2_STREAMS.items()
        if any(_utf16(stream) in data for stream in streams)
    ]
    if len(found) != 1:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    return found[0]


def _named_extension(name: str) -> str:
    """The extension a file's name gives it, lower case ("" for none)."""
    base = PurePosixPath(name.replace("\\", "/")).name
    return base.rsplit(".", 1)[1].lower() if "." in base else ""


def _extension(name: str, content_type: str) -> str:
    """The extension the file keeps: its own if it agrees with the content (or the type's
    usual one when it has none); a name that says another type is refused."""
    allowed = KINDS[content_type].extensions
    extension = _named_extension(name)
    if not extension:
        return allowed[0]
    if extension not in allowed:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    return extension


def clean_name(name: str, extension: str) -> str:
    """A name safe to give back in a download: no folders, only letters, digits, dashes,
    underscores and dots, at most NAME_MAX characters, ending in `extension`."""
    base = PurePosixPath(name.replace("\\", "/")).name
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"\s+", " ", stem).strip().lstrip(".")
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:
        stem = ""
    stem = stem.strip("._") or "evidence"
    return f"{stem[: NAME_MAX - len(extension) - 1]}.{extension}"


def shown_name(name: str) -> str:
    """An uploaded file's name, cleaned, with its own extension: for messages about it."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if "." not in base:
        return clean_name(base, "file")[: -len(".file")]
    extension = re.sub(r"[^A-Za-z0-9]", "", base.rsplit(".", 1)[1])[:10] or "file"
    return clean_name(base, extension.lower())
