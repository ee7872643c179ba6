"""Four eyes in a real browser: a supervisor proposes a decision from the accountability-gap link, a director
approves that very decision from the queue, and the database holds one decision and its two audit rows."""
from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from data.db import make_engine, transaction
from data.models import AppUser, Assignment, AuditLog, Decision
from tests.browser_support import chromium, running_server, settle, sign_in

pytestmark = pytest.mark.browser
REASON = "Browser test: deadline missed on <b>two</b> loans'; DROP TABLE decision;--"


@pytest.fixture(scope="module")
def private_url(demo_db_url, tmp_path_factory):
    path = tmp_path_factory.mktemp("browser-decisions") / "demo.db"
    shutil.copy(demo_db_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


def test_supervisor_proposes_and_director_approves(private_url):
    engine = make_engine(private_url)
    with transaction(engine) as s:
        scope_coop = s.scalar(select(AppUser.cooperative_id).where(AppUser.username == "supervisor_c1"))
        target = s.execute(select(Assignment.officer_id, Assignment.id)
                           .where(Assignment.cooperative_id == scope_coop, Assignment.outcome == "missed")
                           .order_by(Assignment.id).limit(1)).one()
        before = set(s.scalars(select(Decision.id)))
    with running_server(private_url) as url, chromium() as browser:
        supervisor = browser.new_context(viewport={"width": 1440, "height": 1400}).new_page()
        sign_in(supervisor, url, "supervisor_c1")
        supervisor.goto(f"{url}/decisions?propose=1&officer={target.officer_id}&assignments={target.id}")
        settle(supervisor)
        supervisor.get_by_label("Reason", exact=True).fill(REASON)
        supervisor.get_by_role("button", name="Propose", exact=True).click()
        supervisor.get_by_text("Proposal recorded as pending").wait_for(timeout=60_000)

        with transaction(engine) as s:
            new = [d for d in s.scalars(select(Decision)) if d.id not in before]
        assert len(new) == 1 and new[0].status == "pending" and new[0].reason == REASON
        decision_id = new[0].id

        director = browser.new_context(viewport={"width": 1440, "height": 1400}).new_page()
        sign_in(director, url, "director")
        director.goto(f"{url}/decisions")
        settle(director)
        director.get_by_label("Decision to decide").click()
        director.get_by_role("option", name=f"#{decision_id} ·").first.click()
        settle(director)
        director.get_by_role("textbox", name="Comment (required)").fill("Approved in the browser test")
        director.get_by_role("button", name="Approve", exact=True).click()
        director.get_by_text("Decision approved.").wait_for(timeout=60_000)

    with transaction(engine) as s:
        decision = s.get(Decision, decision_id)
        director_id = s.scalar(select(AppUser.id).where(AppUser.username == "director"))
        assert (decision.status, decision.decided_by_id) == ("approved", director_id)
        assert decision.decided_by_id != decision.proposed_by_id
        actions = list(s.scalars(select(AuditLog.action).where(AuditLog.entity == "decision",
                                                                 AuditLog.entity_id == str(decision_id))))
        assert sorted(actions) == ["decision.approve", "decision.propose"]
    engine.dispose()
