"""The device's key on each small form of the violation page."""

import uuid
from typing import Any

from django import forms


class ClientKeyForm(forms.Form):
    """A form whose write is done once (cases.services.writes): a key drawn when the form
    is shown, sent back hidden; a second tap, a reload of the answer or the offline
    outbox re-sending it carry the same key, and the server adds nothing twice. A form
    shown again with its errors keeps its key (the refused write left no record)."""

    client_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("client_key", uuid.uuid4())
