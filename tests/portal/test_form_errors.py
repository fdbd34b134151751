"""Every form of the portal answers bad input the same way: a summary at the top that
links to each field in error, the message at the field, and what was typed kept.

The pages come from the access table (tests/portal/test_url_access.py): each page a role
may open is requested as that role, and each form on it that posts back to the page is
sent with its fields emptied but one, which carries a marker. A form added later is
checked without being named here."""

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse

from tests.portal.test_url_access import (  # noqa: F401 (fixtures: the table's world)
    EXPECTED,
    _audit_anchors_in_a_temporary_folder,
    _media_in_a_temporary_folder,
    world,
    world_folder,
)

# Not a valid code, call sign or number either: the form cannot accept it as it is.
MARKER = "Kept typed 7!"
TEXT_TYPES = {"text", "search", "email", "url", "tel", ""}
# Forms whose every field may be empty: sending them empty is no error to show.
NOTHING_REQUIRED = {"dispatch:track-replay", "dispatch:my-unit"}
# Forms of one free-text field, which the marker answers well (the purpose asked before a
# dossier): their refusal of bad input is tested in their own files.
MARKER_IS_AN_ANSWER = {
    "entities:entity-detail",
    # The receiving agency is the case extract's one required field: any text names it.
    "investigations:case-extract",
}
# At least these pages have a form with fields checked here (the enumeration must not
# find nothing and pass).
KNOWN_FORM_PAGES = {
    "portal:login",
    "portal:password-change",
    "portal:two-factor-setup",
    "portal:user-create",
    "portal:user-detail",
    "portal:unit-create",
    "portal:unit-edit",
    "cases:violation-create",
    "cases:violation-edit",
    "cases:category-edit",
    "dispatch:zone-create",
    "dispatch:zone-edit",
    "dispatch:shift-create",
    "dispatch:shift-edit",
    "dispatch:unit-create",
    "dispatch:unit-edit",
    "dispatch:notice-create",
}


class _Page(HTMLParser):
    """The ids on a page, its POST forms with their controls, and the error summary."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.forms: list[dict[str, Any]] = []
        self.summary_links: list[str] = []
        self.values: dict[str, list[str]] = {}
        self._form: dict[str, Any] | None = None
        self._in_summary = 0
        self._textarea: str | None = None
        self._hidden_fieldsets: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.ids.add(a["id"])
        if "data-error-summary" in a:
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self.summary_links.append(a.get("href", ""))
        if tag == "form":
            self._form = {
                "method": a.get("method", "get").lower(),
                "action": a.get("action", ""),
                "controls": [],
            }
            self.forms.append(self._form)
        if tag == "fieldset":
            self._hidden_fieldsets.append("hidden" in a)
        if tag in ("input", "select", "textarea") and a.get("name"):
            control = {"tag": tag, **a}
            if any(self._hidden_fieldsets):
                control["hidden"] = ""
            if self._form is not None:
                self._form["controls"].append(control)
            if tag == "input":
                self.values.setdefault(a["name"], []).append(a.get("value", ""))
            if tag == "textarea":
                self._textarea = a["name"]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values.setdefault(self._textarea, []).append(data.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        if tag == "fieldset" and self._hidden_fieldsets:
            self._hidden_fieldsets.pop()
        if tag == "textarea":
            self._textarea = None
        if self._in_summary and tag == "div":
            self._in_summary -= 1


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _visible(control: dict[str, str]) -> bool:
    return control.get("type", "") not in ("hidden", "submit", "button") and (
        "hidden" not in control
    )


def _bad_input(form: dict[str, Any]) -> tuple[dict[str, str], str | None]:
    """Hidden fields as drawn, every visible field empty, but the first free-text field,
    which carries the marker."""
    data: dict[str, str] = {}
    marked = None
    for control in form["controls"]:
        name = control["name"]
        if not _visible(control):
            data[name] = control.get("value", "")
        elif control["tag"] == "textarea" or (
            control["tag"] == "input" and control.get("type", "") in TEXT_TYPES
        ):
            if marked is None and "readonly" not in control and "disabled" not in control:
                data[name], marked = MARKER, name
            else:
                data[name] = ""
        elif control["tag"] == "select" or control.get("type") not in ("checkbox", "radio"):
            data[name] = ""
    return data, marked


def _form_pages() -> list[tuple[str, str]]:
    pages = []
    for name, rule in sorted(EXPECTED.items()):
        if name.startswith("api") or rule.method != "get" or not rule.roles:
            continue
        role = sorted(rule.roles)[0]
        pages.append((name, "anonymous" if rule.public else role))
    return pages


@pytest.mark.parametrize(("name", "role"), _form_pages())
def test_a_form_sent_with_bad_input_shows_a_summary_linked_to_its_fields_and_keeps_input(
    name,
    role,
    world,  # noqa: F811 (the fixture imported above)
    db,
    client_for,
    client,
):
    rule = EXPECTED[name]
    url = reverse(name, kwargs=rule.kwargs(world.objects))
    browser = client if role == "anonymous" else client_for(world.personas[role])
    shown = browser.get(url)
    if shown.status_code != 200 or "text/html" not in shown.get("Content-Type", ""):
        # A file, a redirect or an action: no page to fill in, and none of the known ones.
        assert name not in KNOWN_FORM_PAGES, f"{name}: answered {shown.status_code}"
        return
    forms = [
        form
        for form in _parse(shown.content.decode()).forms
        if form["method"] == "post"
        and form["action"] in ("", url)
        and any(_visible(control) for control in form["controls"])
    ]
    if not forms:
        # A page with no form posting back to it (a list, a detail) has nothing to check,
        # but a page known to hold one must show it.
        assert name not in KNOWN_FORM_PAGES, f"{name}: its form was not found"
        return
    for form in forms:
        data, marked = _bad_input(form)
        answer = browser.post(url, data)
        if name in NOTHING_REQUIRED | MARKER_IS_AN_ANSWER and answer.status_code == 302:
            continue
        assert answer.status_code in (200, 400), f"{name}: {answer.status_code}"
        page = _parse(answer.content.decode())
        assert page.summary_links or b"data-error-summary" in answer.content, (
            f"{name}: no error summary"
        )
        for href in page.summary_links:
            assert href.startswith("#"), f"{name}: the summary links {href}"
            assert href[1:] in page.ids, f"{name}: {href} is no element of the page"
        if marked:
            assert MARKER in page.values.get(marked, []), f"{name}: {marked} lost what was typed"


def test_the_known_form_pages_are_in_the_access_table():
    assert {name for name, _role in _form_pages()} >= KNOWN_FORM_PAGES


def test_the_summary_names_the_field_and_the_message_at_the_field_stays(
    client_for,
    world,  # noqa: F811 (the fixture imported above)
    db,
):
    answer = client_for(world.personas["administrator"]).post(
        reverse("portal:unit-create"), {"code": "", "name": MARKER}
    )
    page = _parse(answer.content.decode())
    assert page.summary_links == ["#id_code", "#id_kind"]
    body = answer.content.decode()
    # Two fields, each message in the summary and at its field.
    assert body.count("This field is required.") == 4
    assert f'value="{MARKER}"' in body
