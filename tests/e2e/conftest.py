"""Real Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.in_flight import wait_until_no_request_in_flight

if TYPE_CHECKING:
    from playwright.sync_api import Route

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.e2e

# The suite runs in two processes on two cores: a page can take longer than Playwright's
# 5 s to answer while the other process drives its own browser. Assertions wait up to
# 10 s, as actions already do (set_default_timeout in new_page); still no fixed sleep.
try:
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)
except ImportError:  # pragma: no cover - Playwright is a dev dependency of the suite
    pass


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium per test module.

    Playwright's sync API keeps an event loop in this thread while the browser lives;
    Django refuses database access beside a running loop unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set exactly as long as the browser lives,
    so the protection stays on for every other test and never leaks into a subprocess.
    """
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright)
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def _launch(sync_playwright) -> Iterator[object]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def is_policy_violation(text: str) -> bool:
    """Chromium's console message for something the Content-Security-Policy blocked."""
    return "Content Security Policy" in text or text.startswith("Refused to")


# An init script: collects each violation the page reports, from the first script on
# (read back as window.__cspViolations).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def _import_the_views() -> None:
    """Imports the URLconf, and with it every view, as the live server's first request
    would: tens of seconds on a loaded machine in a process that has not served a page
    yet (a browser test run on its own), in the time limit of the test's first page
    (its sign-in) otherwise. Nothing to do once a test before it has done so."""
    from django.urls import reverse

    reverse("portal:dashboard")


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport) -> a page in a fresh context (own cookies), closed after the test.
    Further keyword arguments go to the context (e.g. permissions, geolocation).

    Every browser test also checks the Content-Security-Policy: a script, style or image
    the policy blocked on any page of the test fails it."""
    contexts = []
    violations: list[str] = []

    def make(viewport: dict[str, int] = DESKTOP, locale: str = "en-GB", **options):
        context = browser.new_context(
            viewport=viewport, locale=locale, base_url=live_server.url, **options
        )
        context.set_default_timeout(10_000)
        context.on(
            "console",
            lambda message: (
                violations.append(f"{message.page and message.page.url}: {message.text}")
                if is_policy_violation(message.text)
                else None
            ),
        )
        contexts.append(context)
        return context.new_page()

    _import_the_views()
    yield make
    for context in contexts:
        context.close()
    # Before the test's tables are emptied: a request a page sent just before it closed.
    wait_until_no_request_in_flight()
    assert not violations, "Blocked by the Content-Security-Policy:\n" + "\n".join(violations)


KEPT = """async ([paths, language]) => {
    await navigator.serviceWorker.ready;
    const kept = async (path) => {
        const page = await caches.match(path);
        return Boolean(page) && (!language || (await page.text()).includes(`lang="${language}"`));
    };
    for (let tries = 0; tries < 200; tries++) {
        if ((await Promise.all(paths.map(kept))).every(Boolean)) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
}"""


def wait_for_kept_pages(page, paths: list[str], language: str = "") -> None:
    """Until the service worker keeps ``paths`` on the device (it fetches them when it
    installs, after the first signed-in page registered it), in ``language`` if given."""
    assert page.evaluate(KEPT, [paths, language]), f"not kept on the device: {paths}"


def connection_returns(page) -> None:
    """``set_offline(False)`` for the page and its service worker together.

    Playwright puts the pages of the context online first and its service workers after
    (each update awaited in turn): the page's "online" handler (the outbox) sends at once,
    before ``set_offline`` has returned, and the page the answer then opens (the violation's,
    through the worker) may be fetched by a worker still offline, which answers with the
    page kept for no connection. The page's requests wait until both are online."""
    held: list[Route] = []

    def hold(route: "Route") -> None:
        held.append(route)

    page.route("**/*", hold)
    try:
        page.context.set_offline(False)
    finally:
        page.unroute("**/*")
        for route in held:  # on to the test's own routes, if any, or the network
            route.fallback()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# leaflet.draw's polygon tool ignores a press that comes within 50 ms of the corner
# before (L.Draw.Polyline._enableNewMarkers) and the pages keep no handle on the tool.
# TRACK_DRAW_TOOL, run on the loaded page before the tool is switched on, notes each
# tool switched on as window.__drawTool, so that a test can wait on the tool's own state.
TRACK_DRAW_TOOL = """() => {
  const proto = L.Draw.Polyline.prototype;
  if (proto.__tracked) return;
  const addHooks = proto.addHooks;
  proto.addHooks = function () {
    window.__drawTool = this;
    return addHooks.apply(this, arguments);
  };
  proto.__tracked = true;
}"""
# The tool is on, has taken `corners` corners and takes the next click as a new one.
DRAW_TOOL_READY = """(corners) => {
  const tool = window.__drawTool;
  return Boolean(tool && tool.enabled()) && tool._markers.length === corners
    && !tool._disableMarkers;
}"""


def track_draw_tool(page) -> None:
    page.evaluate(TRACK_DRAW_TOOL)


def wait_for_draw_tool(page, corners: int) -> None:
    """Until leaflet.draw's tool has `corners` corners and takes a click as the next."""
    page.wait_for_function(DRAW_TOOL_READY, arg=corners)
