"""The real server in Chromium: the language switch offers English, Spanish and Simplified Chinese, and every page
opens in each of them without an error, titled in that language. One sign-in per role; director, officer and admin
between them open every page."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from components.i18n import LANGUAGES, translate
from domain.roles import pages_for
from tests.apptest_support import ROOT
from tests.browser_support import settle, sign_in

pytestmark = pytest.mark.browser
SHOTS = ROOT / "artifacts" / "screenshots"
#: demo user -> role; together they are allowed every page
USERS = {"director": "director", "officer": "officer", "admin": "admin"}


def test_the_users_below_open_every_page():
    assert set().union(*(pages_for(role) for role in USERS.values())) == {
        "today", "overview", "officers", "my_record", "methods", "assets", "early_warning", "decisions", "audit", "admin"}


def switch_language(page, current: str, wanted: str) -> None:
    """Choose ``wanted`` in the sidebar's language box, which is labelled in the ``current`` language."""
    box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
        has=page.get_by_text(translate("frame.language", current), exact=True))  # not the digest's language
    box.click()
    page.get_by_role("option", name=LANGUAGES[wanted], exact=True).click()
    settle(page)


@pytest.mark.parametrize("username", list(USERS))
def test_every_page_opens_in_every_language(server, browser, username):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    sign_in(page, server, username)
    allowed = pages_for(USERS[username])
    sidebar = page.locator("[data-testid='stSidebarNav']")
    current = "en"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "es", "en"):
        switch_language(page, current, lang)
        current = lang
        for key in allowed:
            title = translate(f"nav.{key}", lang)
            if len(allowed) > 1:
                sidebar.get_by_text(title, exact=True).first.click()
                if key == allowed[0]:  # the default page lives at the root address
                    page.wait_for_url(lambda address: urlparse(address).path in ("", "/"), timeout=60_000)
                else:
                    page.wait_for_url(f"**/{key}*", timeout=60_000)
            settle(page)
            assert page.locator("[data-testid='stException']").count() == 0, f"{username} sees an error: {key} {lang}"
            assert page.get_by_role("heading", name=title).count() > 0, (username, key, lang)
            if username == "director" and key == "overview":  # a kept filter choice is shown in the new language
                cooperative = page.locator("[data-testid='stSidebar']").get_by_label(
                    translate("filter.cooperative", lang), exact=True)
                assert cooperative.input_value() == translate("filter.all_cooperatives", lang), lang
            if lang == "zh" and username == "director" and key == "overview":
                assert page.get_by_text("不良贷款余额", exact=False).count() > 0
                page.screenshot(path=str(SHOTS / "overview-zh.png"), full_page=True)
    context.close()
