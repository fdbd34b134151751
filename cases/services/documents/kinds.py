"""What a file is, by its content: the kinds of document whose text is extracted, and
the limits every upload and attachment is held to (settings DOCUMENT_*, read when used
so that tests may lower them)."""

import email.parser
import io
import re
import zipfile
from typing import Final

import olefile
from django.conf import settings

PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EML: Final = "message/rfc822"
MSG: Final = "application/vnd.ms-outlook"
TEXT: Final = "text/plain"
ZIP: Final = "application/zip"
OFFICE: Final = "application/x-office-document"  # a spreadsheet or slides: no text read
JPEG: Final = "image/jpeg"
PNG: Final = "image/png"

# Types whose text is extracted; images are kept (an e-mail's attached photo) unread.
READABLE: Final = frozenset({PDF, DOCX, EML, MSG, TEXT})
SUFFIXES: Final = {PDF: ".pdf", DOCX: ".docx", EML: ".eml", MSG: ".msg", TEXT: ".txt"}

_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9\-]{0,60}:[ \t]")
_MAIL_HEADERS: Final = {"from", "to", "subject", "date", "message-id", "received"}


def max_file_bytes() -> int:
    return int(settings.CASE_DOCUMENT_MAX_BYTES)


def max_upload_bytes() -> int:
    return int(settings.DOCUMENT_UPLOAD_MAX_BYTES)


def max_zip_members() -> int:
    return int(settings.DOCUMENT_ZIP_MAX_MEMBERS)


def max_unpacked_bytes() -> int:
    return int(settings.DOCUMENT_ZIP_MAX_UNPACKED_BYTES)


def max_ratio() -> int:
    return int(settings.DOCUMENT_ZIP_MAX_RATIO)


def max_text_chars() -> int:
    return int(settings.DOCUMENT_TEXT_MAX_CHARS)


def max_attachments() -> int:
    return int(settings.DOCUMENT_MAX_ATTACHMENTS)


def _zip_kind(content: bytes) -> str:
    """DOCX, another office document (a spreadsheet, an OpenDocument file: a zip, but not
    one of files to unpack) or ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return ZIP
    if "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names or "mimetype" in names:
        return OFFICE
    return ZIP


def _is_msg(content: bytes) -> bool:
    try:
        with olefile.OleFileIO(io.BytesIO(content)) as ole:
            return bool(ole.exists("__properties_version1.0"))
    except OSError:
        return False


def _is_mail(content: bytes) -> bool:
    head = content[:16384]
    if not _HEADER_LINE.match(head):
        return False
    headers = email.parser.BytesHeaderParser().parsebytes(head)
    present = {name.lower() for name in headers}
    return "from" in present and len(present & _MAIL_HEADERS) >= 2


def _is_text(content: bytes) -> bool:
    if b"\x00" in content[:65536] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    from charset_normalizer import from_bytes

    return from_bytes(content[:65536]).best() is not None


def content_type_of(content: bytes) -> str | None:
    """The type ``content`` is, read from its bytes (never its name); None when it is
    none of the kinds a case keeps. A zip that is not a Word document is ZIP."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"PK\x03\x04") or content.startswith(b"PK\x05\x06"):
        return _zip_kind(content)
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return MSG if _is_msg(content) else None
    if _is_mail(content):
        return EML
    if _is_text(content):
        return TEXT
    return None


_UNSAFE = re.compile(r"[^\w.\- ()\[\]]+", re.UNICODE)


def safe_name(name: str, content_type: str = "") -> str:
    """The last part of a path someone else wrote (a zip member, an attachment), with
    unsafe characters replaced; never empty, never a folder, never hidden."""
    last = re.split(r"[\\/]", name or "")[-1]
    cleaned = _UNSAFE.sub("_", last).strip(" .")
    if not cleaned:
        cleaned = "document" + SUFFIXES.get(content_type, "")
    return cleaned[:200]
