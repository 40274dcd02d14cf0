"""`tutor serve` in a real browser: headless Chromium, driven through Playwright.

The page loads with the token, a click on Start starts the app, a key opens a
lesson; without the token the page is refused, a page from another origin cannot
open the app's WebSocket even with the token, and no request leaves the machine.

Needs the `browser` extra (Playwright) and a Chromium on PATH (Debian's `chromium`,
which .ci/run installs; `playwright install` is not used): skipped, with the
reason, without them. The terminal is drawn on a canvas, so the app's screen is
read from the WebSocket frames the page receives.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from e2e_support import wait_for

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("textual_serve") is None or importlib.util.find_spec("playwright") is None,
    reason="textual-serve or Playwright is not installed (pip install -e '.[serve,browser]')",
)

LESSON = """\
+++
id = "browser"
title = "A lesson in a browser"
requires = []
+++
Opened from a web page.
"""

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
# A hostile page, answered by the test itself (Playwright's routing: no network).
EVIL_PAGE = "http://evil.example/"


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("chromium not found (apt-get install chromium; .ci/run does it)")
    return path


@pytest.fixture
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    executable = chromium()
    with sync_playwright() as playwright:
        # As root, Chromium refuses to start with its sandbox on.
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=args)
        except Exception as error:  # a Chromium Playwright cannot drive: say which
            pytest.skip(f"{executable} did not start under Playwright: {str(error).splitlines()[0]}")
        try:
            yield launched
        finally:
            launched.close()


class Screen:
    """What the page's terminal received over its WebSocket, as text."""

    def __init__(self) -> None:
        self.received = ""

    def on_websocket(self, websocket) -> None:
        websocket.on("framereceived", self.on_frame)

    def on_frame(self, payload) -> None:
        if isinstance(payload, bytes):
            self.received += payload.decode("utf-8", errors="replace")

    def text(self) -> str:
        return ANSI.sub("", self.received)


def wait_in_browser(page, check, timeout: float, what: str, describe) -> None:
    """wait_for, letting Playwright deliver the page's events while it waits."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() >= deadline:
            raise AssertionError(f"after {timeout:g} s, still waiting for {what}\n{describe()}")
        page.wait_for_timeout(100)


def test_the_tutor_in_a_browser(browser, serve, tmp_path, monkeypatch):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-browser.md").write_text(LESSON, encoding="utf-8")
    monkeypatch.setenv("NN_TUTOR_LESSONS", str(lessons))
    served = serve()
    address = served.address()
    origin = f"http://127.0.0.1:{served.port}"
    token = address.split("token=")[1]

    context = browser.new_context()
    elsewhere: list[str] = []

    def refuse_other_hosts(route) -> None:
        if route.request.frame.page == page:  # (not the hostile page's own requests)
            elsewhere.append(route.request.url)
        route.abort()

    # Every request to another host is recorded (and never sent).
    context.route(lambda url: urlsplit(url).hostname not in LOCAL_HOSTS, refuse_other_hosts)
    page = context.new_page()
    screen = Screen()
    page.on("websocket", screen.on_websocket)

    def describe() -> str:
        return f"--- screen ---\n{screen.text()[-3000:]}\n--- server ---\n{served.describe()}"

    # Without the token: refused.
    wait_for(lambda: served.process.poll() is not None or "served at" in served.printed(), 30,
             "tutor serve to start", served.describe)
    response = page.goto(f"{origin}/")
    assert response.status == 403 and "token" in page.content()

    # With it: the splash page, with its Start button (delay=1 asks for the button).
    response = page.goto(address + "&delay=1")
    assert response.status == 200
    start = page.locator("#start")
    start.wait_for(state="visible", timeout=30_000)
    assert screen.received == ""  # nothing started yet
    start.click()
    wait_in_browser(page, lambda: "A lesson in a browser" in screen.text(), 60,
                    "the course map in the page", describe)

    # A key in the page reaches the app: Enter opens the lesson selected.
    page.focus(".xterm-helper-textarea")  # where xterm.js takes the keyboard
    seen, deadline = "", time.monotonic() + 20
    while seen != screen.received and time.monotonic() < deadline:
        seen = screen.received  # until the map is drawn and idle, ready for keys
        page.wait_for_timeout(500)
    page.keyboard.press("Enter")
    wait_in_browser(page, lambda: "Opened from a web page" in screen.text(), 30,
                    "the lesson in the page", describe)

    # A hostile page, in the same browser: its WebSocket to the tutor is refused,
    # with the token or without it (the tutor's cookie is not sent cross-site).
    evil = context.new_page()
    evil.route(EVIL_PAGE, lambda route: route.fulfill(content_type="text/html",
                                                        body="<p>a page</p>"))
    evil.goto(EVIL_PAGE)
    open_socket = """url => new Promise(done => {
        const socket = new WebSocket(url);
        socket.onopen = () => { socket.close(); done("open"); };
        socket.onerror = () => done("refused");
    })"""
    ws = f"ws://127.0.0.1:{served.port}/ws"
    assert evil.evaluate(open_socket, f"{ws}?token={token}&width=80&height=24") == "refused"
    assert evil.evaluate(open_socket, f"{ws}?width=80&height=24") == "refused"
    # While the page's own origin may (the check is the Origin, not the browser).
    assert page.evaluate(open_socket, f"{ws}?token={token}&width=80&height=24") == "open"

    assert elsewhere == [], f"requests to other hosts: {elsewhere}"
    context.close()
