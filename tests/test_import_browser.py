"""The Import tab in Chromium on the real server: an admin imports a file of officers and a loan tape, and
the page says what was written. Also takes the screenshot of the Import tab used in docs/pages.md."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data.db import make_engine, session_factory
from data.models import ImportBatch, Officer
from tests.apptest_support import ROOT
from tests.browser_support import chromium, running_server, settle, sign_in

pytestmark = pytest.mark.browser
SHOTS = ROOT / "artifacts" / "screenshots"


def _count(url: str, model, *where) -> int:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as s:
            return s.scalar(select(func.count()).select_from(model).where(*where))
    finally:
        engine.dispose()


def _choose(page, label: str, option: str) -> None:
    page.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def test_an_admin_imports_officers_on_the_import_tab(private_demo_url, tmp_path):
    cooperative = "C01"
    officers = tmp_path / "officers.csv"
    officers.write_text(f"employee_no,name,cooperative_code,active\nE9001,Wang Xiuying,{cooperative},yes\n")
    with running_server(private_demo_url) as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1440, "height": 1100}).new_page()
        sign_in(page, url, "admin")
        page.locator("[data-testid='stSidebarNav']").get_by_text("Administration", exact=True).click()
        page.wait_for_url("**/admin*", timeout=60_000)
        settle(page)
        page.get_by_role("tab", name="Import records").click()
        settle(page)
        _choose(page, "What to import", "Loan officers")
        page.locator("input[type='file']").first.set_input_files(str(officers))
        settle(page)
        page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_text("Imported 1 row: 1 new, 0 updated.").wait_for(timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "admin-import.png"), full_page=True)
    assert _count(private_demo_url, Officer, Officer.employee_no == "E9001") == 1
    assert _count(private_demo_url, ImportBatch, ImportBatch.kind == "officers") == 1
