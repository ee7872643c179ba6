"""The real server in Debian's Chromium: every demo user signs in through the form and opens every page
their role allows, with no error shown. Also takes the screenshots used in the docs (artifacts/screenshots)."""
from __future__ import annotations

import pytest

from domain.roles import pages_for
from tests.apptest_support import ROOT
from tests.browser_support import settle, sign_in

pytestmark = pytest.mark.browser
SHOTS = ROOT / "artifacts" / "screenshots"
NAV_TITLES = {"today": "Today", "overview": "NPL overview", "officers": "Officers", "my_record": "My assignments",
              "methods": "Collection methods", "assets": "Foreclosed assets", "early_warning": "Early warning",
              "decisions": "Reviews & decisions", "audit": "Audit trail", "admin": "Administration"}
ROLE_OF = {"director": "director", "supervisor": "supervisor", "supervisor_c1": "supervisor", "officer": "officer",
           "auditor": "auditor", "admin": "admin"}


@pytest.mark.parametrize("username", list(ROLE_OF))
def test_every_allowed_page_opens_without_error(server, browser, username):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    sign_in(page, server, username)
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
        settle(page)
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
    assert page.get_by_text("Sign out", exact=True).count() == 0
    page.close()


def test_anonymous_visitor_opening_a_page_url_sees_only_the_login(server, browser):
    page = browser.new_page()
    for path in ("overview", "admin", "audit", "officers"):
        page.goto(f"{server}/{path}")
        page.get_by_label("Username", exact=True).wait_for(timeout=30_000)
        settle(page)
        assert page.get_by_text("NPL balance").count() == 0
        assert page.locator("[data-testid='stMetric']").count() == 0
    page.close()
