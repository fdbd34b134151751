"""The text of a document, by its type: PDF (pypdf), Word (python-docx), e-mail (the
standard e-mail parser for EML, extract-msg for Outlook's MSG), plain text (its encoding
detected by charset-normalizer). An e-mail gives its headers and body as text and its
attachments as files, each to become a document of its own.

A file that cannot be read raises DocumentUnreadableError with the reason a person reads.
"""

import email
import email.message
import email.policy
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from html import unescape
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from cases.services.documents import kinds


class DocumentUnreadableError(Exception):
    pass


@dataclass
class ReadResult:
    text: str
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.IGNORECASE | re.DOTALL)


def _html_text(html: str) -> str:
    return unescape(_TAGS.sub(" ", html))


def _bounded(parts: list[str]) -> str:
    return "\n".join(part for part in parts if part)


def _headed(headers: list[str], body: str) -> str:
    """An e-mail's headers, a blank line, its body: the blank line ends the headers'
    last line as a sentence, which a body's first line would else be joined to
    (cases/lib/document_entities.py joins wrapped lines)."""
    return _bounded(headers) + "\n\n" + body if headers and body else _bounded([*headers, body])


def _pdf(content: bytes) -> ReadResult:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    limit = kinds.max_text_chars()
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentUnreadableError(_("The PDF is protected by a password."))
        parts: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > limit:
                break
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise DocumentUnreadableError(
            _("The PDF could not be read: %(reason)s") % {"reason": str(error)[:200]}
        ) from error
    return ReadResult(_bounded(parts))


def _docx(content: bytes) -> ReadResult:
    import docx

    # A Word document is a zip: held to the limits of an uploaded zip before it is opened.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > kinds.max_unpacked_bytes() or unpacked > kinds.max_ratio() * len(content):
        raise DocumentUnreadableError(_("The Word document unpacks to too much; it is refused."))
    try:
        document = docx.Document(io.BytesIO(content))
    except (ValueError, KeyError, zipfile.BadZipFile) as error:
        raise DocumentUnreadableError(
            _("The Word document could not be read: %(reason)s") % {"reason": str(error)[:200]}
        ) from error
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return ReadResult(_bounded(parts))


def _header_lines(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"{name}: {value}" for name, value in pairs if value]


def _eml(content: bytes) -> ReadResult:
    message = email.message_from_bytes(content, policy=email.policy.default)
    if not isinstance(message, EmailMessage):  # pragma: no cover - the default policy's class
        raise DocumentUnreadableError(_("The e-mail could not be read."))
    headers = _header_lines(
        [(name, str(message.get(name, ""))) for name in ("From", "To", "Cc", "Date", "Subject")]
    )
    body = ""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is not None:
        try:
            text = part.get_content()
        except (LookupError, ValueError):
            text = part.get_payload(decode=True).decode("utf-8", "replace")  # type: ignore[union-attr]  # a leaf part
        body = _html_text(text) if part.get_content_type() == "text/html" else text
    attachments: list[tuple[str, bytes]] = []
    for attachment in message.iter_attachments():
        data: Any = attachment.get_payload(decode=True)
        if attachment.get_content_type() == "message/rfc822":
            inner = attachment.get_payload()
            first = inner[0] if isinstance(inner, list) and inner else None
            data = first.as_bytes() if isinstance(first, email.message.Message) else None
        if isinstance(data, bytes) and data:
            attachments.append((attachment.get_filename() or "attachment", data))
    return ReadResult(_headed(headers, body), attachments)


def _msg(content: bytes) -> ReadResult:
    import extract_msg

    try:
        message: Any = extract_msg.openMsg(content)
    except Exception as error:  # extract-msg raises many kinds for a broken file
        raise DocumentUnreadableError(
            _("The Outlook message could not be read: %(reason)s") % {"reason": str(error)[:200]}
        ) from error
    try:
        headers = _header_lines(
            [
                ("From", message.sender or ""),
                ("To", message.to or ""),
                ("Cc", message.cc or ""),
                ("Date", str(message.date or "")),
                ("Subject", message.subject or ""),
            ]
        )
        body = message.body or ""
        if not body and getattr(message, "htmlBody", None):
            body = _html_text(message.htmlBody.decode("utf-8", "replace"))
        attachments: list[tuple[str, bytes]] = []
        for attachment in message.attachments:
            data = getattr(attachment, "data", None)
            name = attachment.longFilename or attachment.shortFilename or "attachment"
            if isinstance(data, bytes) and data:
                attachments.append((name, data))
    finally:
        message.close()
    return ReadResult(_headed(headers, body), attachments)


def _plain(content: bytes) -> ReadResult:
    # The imports' detection, which asks the region's encodings first: Lithuanian text in
    # Windows-1257 also reads as other code pages, and an unrestricted guess picks wrong.
    from cases.services.imports.encoding import detect_encoding

    with tempfile.NamedTemporaryFile(suffix=".txt") as sample:
        sample.write(content[: kinds.max_text_chars() * 4])
        sample.flush()
        encoding = detect_encoding(Path(sample.name))
    text = content.decode(encoding, errors="replace")
    return ReadResult(text.lstrip("\ufeff"))


_READERS = {
    kinds.PDF: _pdf,
    kinds.DOCX: _docx,
    kinds.EML: _eml,
    kinds.MSG: _msg,
    kinds.TEXT: _plain,
}


def document_read(content: bytes, content_type: str) -> ReadResult:
    """The text (not yet bounded) and attachments of a file of ``content_type``."""
    reader = _READERS.get(content_type)
    if reader is None:
        raise DocumentUnreadableError(_("Text is not extracted from this type of file."))
    try:
        return reader(content)
    except DocumentUnreadableError:
        raise
    except Exception as error:
        # A broken file may fail deep inside a parser in any way; it is this document
        # that cannot be read, not the job that reads the case's others.
        raise DocumentUnreadableError(
            _("The file could not be read: %(reason)s") % {"reason": str(error)[:200]}
        ) from error
