"""Input cleaning for documents uploaded for their text (one file or a zip)."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.services.case_content import DESCRIPTION_MAX
from cases.services.documents.kinds import (
    max_file_bytes,
    max_unpacked_bytes,
    max_upload_bytes,
    max_zip_members,
)


class DocumentUploadForm(forms.Form):
    file = forms.FileField(label=_("File or zip of files"))
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_MAX, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "PDF, Word (DOCX), e-mail (EML or MSG, with their attachments) or plain text, "
            "at most %(file)d MB each; or a zip of up to %(members)d of them, at most "
            "%(upload)d MB packed and %(unpacked)d MB unpacked. Kept exactly as sent, with "
            "their SHA-256; their text is read by a job."
        ) % {
            "file": max_file_bytes() // 2**20,
            "members": max_zip_members(),
            "upload": max_upload_bytes() // 2**20,
            "unpacked": max_unpacked_bytes() // 2**20,
        }
