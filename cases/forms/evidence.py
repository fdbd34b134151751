"""The evidence upload form of the violation page."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.forms.writes import ClientKeyForm


class EvidenceForm(ClientKeyForm):
    file = forms.FileField(
        label=_("Photo or document"),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,application/pdf", "capture": "environment"}
        ),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    # The description first: with the script, a photo is sent as soon as it is picked.
    field_order = ["description", "file"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Ids of their own: the goods line form on the same page has a "description" too.
        kwargs.setdefault("auto_id", "id_evidence_%s")
        super().__init__(*args, **kwargs)
        # The limit said before the upload, and checked by the browser first
        # (violation_detail.js): a 30 MB photo is refused at once, not after a slow
        # upload. The server's check (cases.services.evidence) stays.
        limit_mb = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        field = self.fields["file"]
        field.help_text = gettext("JPEG, PNG or PDF, at most %(limit)d MB.") % {"limit": limit_mb}
        field.widget.attrs.update(
            {
                "data-max-bytes": str(settings.EVIDENCE_MAX_BYTES),
                "data-text-too-large": gettext("%(name)s is larger than %(limit)d MB.")
                % {"name": "%(name)s", "limit": limit_mb},
            }
        )
