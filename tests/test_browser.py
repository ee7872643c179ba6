"""The real server in Debian's Chromium: every demo user signs in through the form and opens every page
their role allows, with no error shown. Also takes the screenshots used in the docs (artifacts/screenshots)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from domain.roles import pages_for
from tests.apptest_support import DEMO_PASSWORDS, ROOT, TEST_COOKIE_KEY

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "artifacts" / "screenshots"
NAV_TITLES = {"overview": "NPL overview", "officers": "Officers", "my_record": "My assignments",
              "methods": "Collection methods", "assets": "Foreclosed assets", "early_warning": "Early warning",
              "decisions": "Reviews & decisions", "audit": "Audit trail", "admin": "Administration"}
ROLE_OF = {"director": "director", "supervisor": "supervisor", "supervisor_c1": "supervisor", "officer": "officer",
           "auditor": "auditor", "admin": "admin"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db_url):
    if not Path(CHROMIUM).exists():
        if os.environ.get("NPL_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required for the browser tests (run scripts/test-setup.sh)")
        pytest.skip("Chromium not installed")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": demo_db_url, "NPL_COOKIE_KEY": TEST_COOKIE_KEY}
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
                                str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the server did not start")
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        yield instance
        instance.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script for this view."""
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => document.querySelector('[data-test-script-state]')?.getAttribute('data-test-script-state')"
        " === 'notRunning'", timeout=120_000)
    page.wait_for_timeout(500)


def _sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Sign out").wait_for(timeout=60_000)
    _settle(page)


@pytest.mark.parametrize("username", list(ROLE_OF))
def test_every_allowed_page_opens_without_error(server, browser, username):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    _sign_in(page, server, username)
    allowed = pages_for(ROLE_OF[username])
    sidebar = page.locator("[data-testid='stSidebarNav']")
    single = len(allowed) == 1  # Streamlit shows no menu for a single page: it simply opens
    for key, title in NAV_TITLES.items():
        assert (sidebar.get_by_text(title, exact=True).count() > 0) == (key in allowed and not single), (username, key)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for key in allowed:
        if not single:
            sidebar.get_by_text(NAV_TITLES[key], exact=True).first.click()
        if key != allowed[0]:
            page.wait_for_url(f"**/{key}*", timeout=60_000)
        _settle(page)
        assert page.locator("[data-testid='stException']").count() == 0, f"{username} sees an error on {key}"
        assert page.get_by_role("heading", name=NAV_TITLES[key]).count() > 0, (username, key)
        if username in ("director", "officer", "admin"):
            page.screenshot(path=str(SHOTS / f"{key}.png"), full_page=True)
    context.close()


def test_wrong_password_is_refused(server, browser):
    page = browser.new_page()
    page.goto(server)
    page.get_by_label("Username", exact=True).fill("director")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Username or password is incorrect").wait_for(timeout=30_000)
    assert page.get_by_text("Sign out").count() == 0
    page.close()


def test_anonymous_visitor_opening_a_page_url_sees_only_the_login(server, browser):
    page = browser.new_page()
    for path in ("overview", "admin", "audit", "officers"):
        page.goto(f"{server}/{path}")
        page.get_by_label("Username", exact=True).wait_for(timeout=30_000)
        _settle(page)
        assert page.get_by_text("NPL balance").count() == 0
        assert page.locator("[data-testid='stMetric']").count() == 0
    page.close()
