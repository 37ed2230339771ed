"""Small files of each kind, made in the test (good ones and hostile ones), for evidence tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/%s" ContentType="%s"/></Types>'
)
OOXML = {
    "docx": (
        "word/document.xml",
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


def ooxml(
    kind: str = "docx",
    *,
    extra: dict[str, bytes] | None = None,
    content_type: bytes | None = None,
    main: bool = True,
    content_types: bool = True,
) -> bytes:
    """A minimal Word, Excel or PowerPoint file (a zip), with `extra` members."""
    part, part_type = OOXML[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if content_types:
            archive.writestr(
                "[Content_Types].xml",
                CONTENT_TYPES % (part.encode(), content_type or part_type),
            )
        archive.writestr("_rels/.rels", b"<Relationships/>")
        if main:
            archive.writestr(part, b"<document>Minutes of the meeting</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def macro_docx() -> bytes:
    """A macro-enabled Word file (.docm) as Word writes it: a VBA project inside."""
    return ooxml(
        "docx",
        content_type=b"application/vnd.ms-word.document.macroEnabled.main+xml",
        extra={"word/vbaProject.bin": b"\xcc\x61" * 200},
    )


def zip_bomb_docx(megabytes: int = 40) -> bytes:
    """A Word file a few KB long that unpacks to `megabytes` of zeros (ratio near 1,000)."""
    zeros = b"\0" * (megabytes * 1024 * 1024)
    return ooxml("docx", extra={"word/media/image1.bin": zeros})


def many_members_docx(count: int) -> bytes:
    """A small Word file with `count` tiny members (a bomb of a different shape)."""
    return ooxml("docx", extra={f"word/parts/{i}.xml": b"<a/>" for i in range(count)})


def odt(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"<office:document-content/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def legacy(stream: str, *more: str) -> bytes:
    """An OLE2 compound file naming `stream` in its directory, as Office 97–2003 files do."""
    names = b"".join(name.encode("utf-16-le") + b"\0" * 8 for name in (stream, *more))
    return OLE2 + b"\0" * 1016 + names + b"\0" * 512


def image(fmt: str, size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 112, 184)).save(buffer, fmt)
    return buffer.getvalue()


def corrupt_png() -> bytes:
    """A PNG whose picture data is damaged (its checksum no longer agrees)."""
    data = bytearray(image("PNG", size=(64, 64)))
    start = data.index(b"IDAT") + 8
    for i in range(start, start + 16):
        data[i] ^= 0xFF
    return bytes(data)


#: A Windows program: the MZ header and the DOS stub every .exe starts with.
EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\0" * 48
    + (b"This program cannot be run in DOS mode.\r\r\n$" + b"\0" * 400)
)


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    """A file as the browser sends it (the type it claims is ignored by the service)."""
    return SimpleUploadedFile(name, data, content_type=content_type)
