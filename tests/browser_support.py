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


def sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Sign out").wait_for(timeout=60_000)
    settle(page)
