"""Today in Debian's Chromium: every demo user lands on Today after signing in, follows one of its links and finds
the page filtered to exactly the rows the item counted (the table's row count equals the item's count)."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import settle, sign_in

pytestmark = pytest.mark.browser

#: for each demo user, the item link to follow (a part of its address) and the page it opens; items whose count
#: cannot fall to zero as the calendar moves on (pending decisions, overdue and idle assignments, sign-ins)
FOLLOW = {"director": ("section=queue", "decisions"), "supervisor": ("show=overdue", "officers"),
          "supervisor_c1": ("show=overdue", "officers"), "officer": ("show=idle", "my_record"),
          "auditor": ("audit?from=", "audit"), "admin": ("users=no_cooperative", "admin")}


@pytest.mark.parametrize("username", list(FOLLOW))
def test_today_is_the_first_page_and_its_link_opens_exactly_those_rows(server, browser, username):
    context = browser.new_context(viewport={"width": 1440, "height": 1400})
    page = context.new_page()
    sign_in(page, server, username)
    assert page.get_by_role("heading", name="Today").count() > 0, username
    assert page.locator("[data-testid='stException']").count() == 0
    part, target = FOLLOW[username]
    link = page.locator(f"a[href*='{part}']").first
    count = int(re.search(r"\((\d[\d,]*)\)", link.inner_text()).group(1).replace(",", ""))
    assert count > 0
    link.click()
    page.wait_for_url(f"**/{target}?*", timeout=60_000)
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0, username
    table = page.locator("[data-testid='stDataFrame'] [role='grid']").first
    table.wait_for(state="attached", timeout=60_000)  # the grid's accessible table is in the DOM, not shown
    assert int(table.get_attribute("aria-rowcount")) - 1 == count, (username, count)  # the header row aside
    if target in ("officers", "my_record", "admin"):
        assert page.get_by_text("Filtered from Today").count() > 0
    context.close()
