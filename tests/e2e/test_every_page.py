"""Every page of the portal, as each role that may open it, at 360 px in English and in
Lithuanian: nothing wider than the phone, also with its folded filters ("Filters (n)")
open; no list card longer than three lines; no English left on a Lithuanian page; no
script error; a screenshot of each at 360 px and at 1280 px is kept in
artifacts/screenshots. The pages come from the access table (tests/portal/test_url_access.py),
so a page added later is checked without anyone adding it here.

The same visit checks the page under the Content-Security-Policy (what
tests/e2e/test_content_security_policy.py did in a sweep of its own): it answers with
a policy, and reports no violation (a blocked script, style, image or request) while it
loads at 360 px, draws what its own requests brought and is widened to 1280 px; in
English the API's documentation is checked under the policy too."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from tests.access_policy import ALL_ROLES
from tests.conftest import login_verified
from tests.e2e.conftest import RECORD_VIOLATIONS, is_policy_violation, screenshot
from tests.e2e.in_flight import wait_until_no_request_in_flight
from tests.portal.test_url_access import EXPECTED, objects  # noqa: F401 (a fixture)

NARROW_PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}

# Pages that are not the portal's own: the API's documentation (a third-party viewer).
NOT_OURS = {"api-docs"}

# English function words: in a Lithuanian page's labels, buttons and help, one of these
# means a string that was never translated (or never marked for translation).
ENGLISH_WORDS = re.compile(
    r"\b(the|and|with|your|you|this|from|are|not|for|of|to|is|or)\b", re.IGNORECASE
)

# The interface's own words on the page, as opposed to the records it shows.
CHROME_TEXTS = """() => {
  const visible = (node) => node.getClientRects().length > 0;
  const texts = [];
  const selector = "label, button, th, legend, summary, nav a, h1, .help, .callout, "
    + ".page-intro, .empty, option";
  document.querySelectorAll(selector).forEach((node) => {
    if (!visible(node) && node.tagName !== "OPTION") return;
    texts.push(node.innerText || node.textContent || "");
  });
  document.querySelectorAll("[placeholder], [aria-label], [title]").forEach((node) => {
    ["placeholder", "aria-label", "title"].forEach((name) => {
      const value = node.getAttribute(name);
      if (value) texts.push(value);
    });
  });
  return texts.map((text) => text.replace(/\\s+/g, " ").trim()).filter(Boolean);
}"""

OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  document.querySelectorAll("body *").forEach((node) => {
    const box = node.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && getComputedStyle(node).position !== "fixed") {
      let inScroller = false;
      for (let up = node.parentElement; up; up = up.parentElement) {
        const overflowX = getComputedStyle(up).overflowX;
        if (overflowX === "auto" || overflowX === "scroll" || overflowX === "hidden") {
          inScroller = true;
          break;
        }
      }
      const classes = typeof node.className === "string" ? node.className.trim() : "";
      const dotted = classes ? "." + classes.split(/\\s+/).join(".") : "";
      const name = node.tagName.toLowerCase() + dotted;
      if (!inScroller) wide.push(name + " → " + Math.round(box.right) + " px");
    }
  });
  return {scrollWidth: document.documentElement.scrollWidth, width: width, wide: wide.slice(0, 5)};
}"""


# A list's row on a phone (table.data.cards) is a compact card: title and status, facts,
# meta; never more than three lines of text (its action buttons apart), or 25 rows are a
# long scroll again.
CARD_LINES_AT_MOST = 3
CARD_LINES = """(limit) => {
  const long = [];
  document.querySelectorAll("table.data.cards > tbody > tr").forEach((row, index) => {
    if (index >= 25 || row.querySelector("td.empty") || !row.getClientRects().length) return;
    const boxes = [];
    const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // The card's own buttons (.cell--action: acknowledge, send a task) are its last
      // line by design; the three lines are those of the text.
      const parent = node.parentElement;
      if (!node.textContent.trim() || parent.closest(".visually-hidden, .cell--action")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const box of range.getClientRects()) {
        if (box.width >= 1 && box.height >= 1) boxes.push({ top: box.top, bottom: box.bottom });
      }
    }
    // Boxes of one line overlap in height (a badge beside a title): a box whose middle
    // is below the line's bottom starts the next line.
    boxes.sort((a, b) => a.top - b.top);
    let lines = 0;
    let bottom = -Infinity;
    boxes.forEach((box) => {
      if ((box.top + box.bottom) / 2 > bottom) {
        lines += 1;
        bottom = box.bottom;
      } else {
        bottom = Math.max(bottom, box.bottom);
      }
    });
    if (lines > limit) {
      const title = (row.querySelector(".cell--title") || row).innerText
        .replace(/\\s+/g, " ")
        .trim();
      long.push(`row ${index + 1} "${title.slice(0, 40)}": ${lines} lines`);
    }
  });
  return long.slice(0, 3);
}"""

# Answers once the browser has drawn twice: what the page's last answers brought is drawn.
TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"

# Opens every folded filter card (templates/_filters.html) on the page.
OPEN_FILTERS = """() => {
  const folds = Array.from(document.querySelectorAll("details.filters-fold:not([open])"));
  folds.forEach((fold) => fold.querySelector("summary").click());
  return folds.length;
}"""


def page_names(role: str) -> list[str]:
    """The HTML pages ``role`` may open with a GET: those of the access table, minus
    the API (JSON), file downloads and fragments (told apart by what they answer)."""
    return sorted(
        name
        for name, rule in EXPECTED.items()
        if role in rule.roles
        and rule.method == "get"
        and not name.startswith("api")
        and name not in NOT_OURS
    )


def english_msgids() -> set[str]:
    """Every English string of the catalogue that Lithuanian says differently."""
    catalogue = trans_real.translation("lt")._catalog  # type: ignore[attr-defined]
    return {
        msgid
        for msgid, msgstr in catalogue.items()
        if isinstance(msgid, str)
        and msgid
        and msgstr != msgid
        and re.search("[A-Za-z]{3}", msgid)
        and "\x04" not in msgid
    }


def is_html_page(client: Client, url: str) -> bool:
    response = client.get(url)
    return (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and b"<html" in response.content[:500]
    )


def untranslated(texts: list[str], msgids: set[str]) -> list[str]:
    return sorted({text for text in texts if text in msgids or ENGLISH_WORDS.search(text)})


def _problems_of_page(page: Any, url: str, language: str, msgids: set[str]) -> list[str]:
    problems: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    problems.extend(_answer_problems(page.goto(url), url, language))
    page.wait_for_load_state("load")
    size = page.evaluate(OVERFLOW)
    if size["scrollWidth"] > size["width"]:
        problems.append(f"{url} [{language}] is {size['scrollWidth']} px wide: {size['wide']}")
    long_cards = page.evaluate(CARD_LINES, CARD_LINES_AT_MOST)
    if long_cards:
        problems.append(f"{url} [{language}] has list cards over three lines: {long_cards}")
    if page.evaluate(OPEN_FILTERS):
        size = page.evaluate(OVERFLOW)
        if size["scrollWidth"] > size["width"]:
            problems.append(
                f"{url} [{language}] with its filters open is {size['scrollWidth']} px wide: "
                f"{size['wide']}"
            )
    if language == "lt":
        english = untranslated(page.evaluate(CHROME_TEXTS), msgids)
        if english:
            problems.append(f"{url} [lt] has English: {english[:6]}")
    problems.extend(f"{url} [{language}] script error: {error}" for error in errors)
    return problems


def _answer_problems(response: Any, url: str, language: str) -> list[str]:
    if response is None or response.status >= 400:
        return [f"{url} [{language}] answered {response and response.status}"]
    if not response.headers.get("content-security-policy"):
        return [f"{url} [{language}] has no Content-Security-Policy"]
    return []


def _policy_problems(page: Any, url: str, language: str, console: list[str]) -> list[str]:
    """What the page reported blocked by the policy (its securitypolicyviolation events
    and Chromium's console), read once the live server answers none of its requests and
    the browser has drawn what they brought. (The new_page fixture also fails the test
    on any such console message seen later.)"""
    wait_until_no_request_in_flight()
    page.evaluate(TWO_FRAMES)
    reported = [*page.evaluate("window.__cspViolations"), *console]
    console.clear()
    return [f"{url} [{language}] blocked by the policy: {item}" for item in reported]


def _api_docs_problems(page: Any, records: dict[str, Any], console: list[str]) -> list[str]:
    """The API's documentation (not ours, so not held to the phone) under the policy,
    at 1280 px once its viewer has fetched the schema and drawn it."""
    url = reverse("api-docs", kwargs=EXPECTED["api-docs"].kwargs(records))
    console.clear()
    page.set_viewport_size(DESKTOP)
    problems = _answer_problems(page.goto(url, wait_until="networkidle"), url, "en")
    return problems + _policy_problems(page, url, "en", console)


def _pages(role: str, records: dict[str, Any], client: Client) -> Iterator[tuple[str, str]]:
    for name in page_names(role):
        url = reverse(name, kwargs=EXPECTED[name].kwargs(records))
        if is_html_page(client, url):
            yield name, url


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "lt"])
@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_every_page_fits_a_phone_speaks_the_language_and_keeps_the_policy(
    new_page,
    live_server,
    objects,  # noqa: F811
    personas,
    role,
    language,
):
    client = login_verified(Client(), personas[role])
    page = new_page(NARROW_PHONE, locale="lt-LT" if language == "lt" else "en-GB")
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    page.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if is_policy_violation(m.text) else None)
    with translation.override("lt"):
        msgids = english_msgids()
    problems: list[str] = []
    checked = []
    for name, url in _pages(role, objects, client):
        checked.append(name)
        console.clear()
        problems.extend(_problems_of_page(page, url, language, msgids))
        slug = name.replace(":", "-")
        screenshot(page, f"every-page-{role}-{language}-{slug}")
        # The same page on a desktop, kept beside it for whoever looks at the pages.
        page.set_viewport_size(DESKTOP)
        screenshot(page, f"every-page-{role}-{language}-{slug}-desktop")
        problems.extend(_policy_problems(page, url, language, console))
        page.set_viewport_size(NARROW_PHONE)
    if language == "en" and role in EXPECTED["api-docs"].roles:
        problems.extend(_api_docs_problems(page, objects, console))
    assert len(checked) >= 5, f"only {checked} checked for {role}"
    assert not problems, "\n".join(problems)
