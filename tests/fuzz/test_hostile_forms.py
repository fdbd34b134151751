"""The main pages' forms with every hostile value of tests/hostile.py: each form found
on the page (its fields read from the HTML, as a browser would) is posted with the
value in all its fields. Never a server error; the answer is the form again with its
messages or a redirect after a cleaned save, and the page never echoes markup unescaped.
Each post runs in a savepoint rolled back after it."""

from html.parser import HTMLParser
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import reverse

from cases.models import Violation
from portal.models import User
from tests.conftest import login_verified
from tests.fuzz.world import FuzzWorld
from tests.hostile import HOSTILE, HOSTILE_TEXT

SKIPPED_ACTIONS = ("/i18n/setlang/", "/accounts/logout/")
SCRIPT = HOSTILE_TEXT["html-script"]


class FormsOnPage(HTMLParser):
    """The POST forms of a page: their action and the names of their fields."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[tuple[str, list[str]]] = []
        self._fields: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self.forms.append((attributes.get("action") or self.page_url, []))
            self._fields = self.forms[-1][1]
        elif tag in ("input", "select", "textarea") and self._fields is not None:
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken" and attributes.get("type") != "file":
                self._fields.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None


# The pages whose forms are posted, and who posts them.
def pages(draft: Violation) -> list[tuple[str, str]]:
    return [
        ("officer", reverse("cases:violation-create")),
        ("officer", reverse("cases:violation-edit", kwargs={"pk": draft.pk})),
        ("officer", reverse("cases:violation-detail", kwargs={"pk": draft.pk})),
        ("dispatcher", reverse("dispatch:notice-create")),
        ("dispatcher", reverse("dispatch:zone-create")),
        ("dispatcher", reverse("dispatch:shift-create")),
        ("admin", reverse("dispatch:unit-create")),
        ("admin", reverse("portal:user-create")),
        ("admin", reverse("portal:unit-create")),
    ]


def _as_form_value(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def test_every_hostile_value_in_the_main_page_forms(fuzz_world: FuzzWorld) -> None:
    draft = Violation.objects.filter(status="draft").order_by("pk").first()
    assert draft is not None
    posted = 0
    for username, url in pages(draft):
        client = login_verified(Client(), User.objects.get(username=username))
        page = client.get(url)
        assert page.status_code == 200, url
        parser = FormsOnPage(url)
        parser.feed(page.content.decode())
        forms = [(a, f) for a, f in parser.forms if f and not a.startswith(SKIPPED_ACTIONS)]
        assert forms, f"no form on {url}"
        for action, fields in forms:
            for name, value in HOSTILE.items():
                data = dict.fromkeys(fields, _as_form_value(value))
                with transaction.atomic():
                    response = client.post(action, data)
                    transaction.set_rollback(True)
                posted += 1
                where = f"{action} with {name}"
                assert response.status_code in (200, 302, 400, 403, 404), where
                assert SCRIPT.encode() not in response.content, where
    print(f"hostile forms: {posted} posts")
    assert posted > 0
