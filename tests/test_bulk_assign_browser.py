"""Bulk assignment in a real browser: a supervisor opens the preview on the officers page, chooses an officer for
one cooperative's old stock, confirms, and the KPI of NPLs with no named person drops to what is left: the NPLs
of the other cooperatives that only a chosen officer could take. Also saves the screenshot used in docs/pages.md."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from data import officers
from data.models import Assignment, AuditLog
from data.db import make_engine, transaction
from domain.scope import Scope
from tests.apptest_support import read_demo
from tests.browser_support import chromium, choose_first_option, running_server, settle, sign_in
from tests.test_browser import SHOTS
from tests.test_officers_page import LATEST, free_npls

pytestmark = pytest.mark.browser
KPI = "NPLs with no named person"


@pytest.fixture
def private_url(demo_db_url, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    free_npls(url)
    return url


def kpi_value(page) -> str:
    card = page.locator("[data-testid='stMetric']").filter(has_text=KPI)
    return card.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_supervisor_assigns_in_bulk_and_the_kpi_drops(private_url):
    unowned = read_demo(private_url, officers.list_assignable_npls, scope=Scope.union(), month=LATEST, limit=None)
    first_coop = int(unowned[(unowned.segment == "old") | ~unowned.originator_active].cooperative_id.min())
    first_name = str(unowned.loc[unowned.cooperative_id == first_coop, "cooperative"].iloc[0])
    # left unowned: rows of other cooperatives that are old stock or whose granting officer left
    left = unowned[(unowned.cooperative_id != first_coop) & ((unowned.segment == "old") | ~unowned.originator_active)]
    assigned = len(unowned) - len(left)
    engine = make_engine(private_url)
    with transaction(engine) as s:
        before = (s.scalar(select(func.count()).select_from(Assignment)),
                  s.scalar(select(func.count()).select_from(AuditLog)
                           .where(AuditLog.action == "assignment.create_many")))
    with running_server(private_url) as url, chromium() as browser:
        page = browser.new_context(viewport={"width": 1440, "height": 1400}).new_page()
        sign_in(page, url, "supervisor")
        page.goto(f"{url}/officers")
        settle(page)
        assert kpi_value(page) == f"{len(unowned):,}"
        page.get_by_text("Assign them in bulk", exact=True).click()
        settle(page)
        choose_first_option(page, f"Officer for {first_name}")
        settle(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.get_by_text("Assign them in bulk", exact=True).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "officers_bulk_assign.png"), full_page=True)
        page.get_by_role("button", name=f"Confirm: assign {assigned} NPLs").click()
        page.get_by_text(f"{assigned} NPLs assigned in one batch").wait_for(timeout=60_000)
        settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert kpi_value(page) == f"{len(left):,}"
    with transaction(engine) as s:
        after = (s.scalar(select(func.count()).select_from(Assignment)),
                 s.scalar(select(func.count()).select_from(AuditLog)
                           .where(AuditLog.action == "assignment.create_many")))
        audit = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    engine.dispose()
    assert after == (before[0] + assigned, before[1] + 1)  # the rows, and one audit row for the batch
    assert (audit.action, audit.username) == ("assignment.create_many", "supervisor")
    assert read_demo(private_url, officers.unowned_npl_totals, scope=Scope.union(), month=LATEST)[0] == len(left)
