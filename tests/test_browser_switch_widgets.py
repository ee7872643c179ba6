"""The real server in Chromium: a select box whose options are translated shows its chosen option in the new
language after a language switch (the browser keeps a select box's choice as the text it showed; the switch makes
Streamlit send every kept choice again, labelled in the new language)."""
from __future__ import annotations

import pytest

from components.i18n import translate
from tests.browser_support import chromium, running_server, settle, sign_in
from tests.test_browser_languages import switch_language

pytestmark = pytest.mark.browser


def choose(page, box_label: str, option: str, attempts: int = 5) -> None:
    """Open the select box labelled ``box_label`` and pick ``option``, clicking again when a redraw ate the click."""
    for _ in range(attempts):
        settle(page)
        page.get_by_label(box_label, exact=True).click()
        try:
            page.get_by_role("option", name=option, exact=True).wait_for(timeout=5_000)
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: the list did not open, click again
            page.keyboard.press("Escape")
            continue
        page.get_by_role("option", name=option, exact=True).click()
        settle(page)
        return
    pytest.fail(f"the options of {box_label!r} never opened")


def test_a_chosen_option_follows_the_language_switch(demo_db_url):
    with running_server(demo_db_url) as url, chromium() as browser:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        sign_in(page, url, "director")
        page.locator("[data-testid='stSidebarNav']").get_by_text(translate("nav.assets", "en"), exact=True).click()
        page.wait_for_url("**/assets*", timeout=60_000)
        choose(page, translate("assets.filter.type", "en"), translate("asset_type.building", "en"))
        choose(page, translate("assets.filter.status", "en"), translate("assets.filter.any", "en"))
        current = "en"
        for lang in ("es", "zh", "en"):
            switch_language(page, current, lang)
            current = lang
            for box, shown in (("assets.filter.type", "asset_type.building"), ("assets.filter.status",
                                                                                "assets.filter.any")):
                value = page.get_by_label(translate(box, lang), exact=True).input_value()
                assert value == translate(shown, lang), (lang, box, value)
            assert page.locator("[data-testid='stException']").count() == 0
        context.close()
