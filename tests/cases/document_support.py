"""Real files for the document tests, made here: a PDF (WeasyPrint, as the case reports
make theirs), a Word document (python-docx), an e-mail with an attachment (the standard
library), and zips of them."""

import io
import zipfile
from email.message import EmailMessage
from html import escape

from django.core.files.uploadedfile import SimpleUploadedFile

PHONE_SENTENCE = "The driver answered on +370 612 34567 after the crossing."


def pdf_bytes(*paragraphs: str) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def eml_bytes(body: str, attachments: list[tuple[str, bytes, str]] | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "Rimas Informantas <rimas@example.lt>"
    message["To"] = "analitikai@muitine.example"
    message["Subject"] = "Krovinys per Medininkus"
    message["Date"] = "Tue, 03 Mar 2026 10:15:00 +0200"
    message.set_content(body)
    for name, content, content_type in attachments or []:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload_of(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
