"""Starting the real server and Debian's Chromium for browser tests (Playwright, no browser download)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.apptest_support import DEMO_PASSWORDS, ROOT, TEST_COOKIE_KEY

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_chromium() -> None:
    """Fail in CI (NPL_REQUIRE_BROWSER set) rather than skip when Chromium is missing."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("NPL_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required for the browser tests (run scripts/test-setup.sh)")
        pytest.skip("Chromium not installed")


@contextmanager
def running_server(database_url: str) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port against the given database; yields its URL."""
    require_chromium()
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "NPL_COOKIE_KEY": TEST_COOKIE_KEY}
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
                                str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                                "--browser.gatherUsageStats", "false"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    require_chromium()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        try:
            yield instance
        finally:
            instance.close()


def settle(page) -> None:
    """Wait until Streamlit has finished running the script for this view."""
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => document.querySelector('[data-test-script-state]')?.getAttribute('data-test-script-state')"
        " === 'notRunning'", timeout=120_000)
    page.wait_for_timeout(500)


def choose_first_option(page, label: str, attempts: int = 5) -> None:
    """Open the select box labelled ``label`` and pick its first option.

    A click that lands while Streamlit redraws the widget is lost (the list never opens), so the click is retried
    until the options show, instead of waiting once for a list that will not come."""
    for _ in range(attempts):
        settle(page)
        page.get_by_label(label).click()
        try:
            page.get_by_role("option").first.wait_for(timeout=5_000)
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError; the list did not open, click again
            page.keyboard.press("Escape")
            continue
        page.get_by_role("option").first.click()
        return
    pytest.fail(f"the options of {label!r} never opened")


def sign_in(page, url: str, username: str, password: str | None = None) -> None:
    page.goto(url)
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password or DEMO_PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Sign out", exact=True).wait_for(timeout=60_000)
    settle(page)


def auth_cookie(context, *, timeout_s: float = 30) -> str:
    """The sign-in cookie's value once the browser has stored it (it is set by a component after sign-in)."""
    from components.auth import COOKIE_NAME

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for cookie in context.cookies():
            if cookie["name"] == COOKIE_NAME and cookie["value"]:
                return cookie["value"]
        time.sleep(0.25)
    pytest.fail("the sign-in cookie was never set")


def open_with_cookie(browser, url: str, value: str):
    """A fresh browser context (no session, as another computer) that presents ``value`` as the sign-in cookie
    and opens the app; returns (context, page) once the app has settled on the sign-in form or a signed-in page."""
    from components.auth import COOKIE_NAME

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": COOKIE_NAME, "value": value, "url": url}])
    page = context.new_page()
    page.goto(url)
    page.locator("input[aria-label='Username'], [data-testid='stSidebar'] button:has-text('Sign out')") \
        .first.wait_for(timeout=60_000)
    settle(page)
    return context, page


def signed_in(page) -> bool:
    """Whether the page shows the app (a Sign out button) rather than the sign-in form."""
    has_form = page.get_by_label("Username", exact=True).count() > 0
    has_sign_out = page.get_by_role("button", name="Sign out", exact=True).count() > 0
    assert has_form != has_sign_out, "exactly one of the sign-in form and the app is shown"
    return has_sign_out
