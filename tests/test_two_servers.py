"""Two app servers on one PostgreSQL, with supervisors and directors on both recording and approving decisions
at once: every decision and audit row present exactly once, no approval lost or doubled.

The deployment of docs/operations.md runs several ``streamlit run app.py`` processes on one database and relies
on each command being one transaction with its audit row, and on status moves being a conditional UPDATE. This
test starts two real servers on a PostgreSQL database of its own (``<TEST_DATABASE_URL's database>_two_servers``,
dropped and re-created here, so the shared test database is never touched) and runs the scenario of
``scripts/two_servers.py`` in Chromium: supervisor (server A) and supervisor_c1 (server B) propose three warnings
each at the same time; director (A) and director2 (B) then press Approve on the same pending decision at the same
instant, twice, and decide the rest across servers at once (one rejection). The database is read back: each
reason stored exactly once and byte for byte, one ``decision.propose`` audit row per decision and one
``decision.approve`` / ``decision.reject`` row per decided one, by the user the page confirmed, never by the
proposer; in each contested pair one approval and one translated refusal ("someone else decided this decision a
moment ago" or "no longer pending"), never two approvals and never a traceback.

Needs PostgreSQL (TEST_DATABASE_URL) and Chromium; skips without them, but fails when NPL_REQUIRE_BROWSER is set
(CI), where both must be there.
"""
from __future__ import annotations

import asyncio
import os
from collections import Counter

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from data.db import make_engine
from scripts import two_servers
from tests.apptest_support import ROOT
from tests.browser_support import require_chromium, running_server

pytestmark = pytest.mark.browser
PROPOSALS = 3  # per supervisor
CONTESTED = 2  # decisions both directors approve at the same instant


@pytest.fixture(scope="module")
def shared_url() -> str:
    """A fresh PostgreSQL database with a small demo and a second director, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        if os.environ.get("NPL_REQUIRE_BROWSER"):
            pytest.fail("the two-server test needs PostgreSQL: set TEST_DATABASE_URL")
        pytest.skip("the two-server test needs PostgreSQL (TEST_DATABASE_URL)")
    require_chromium()
    parsed = make_url(base)
    url = parsed.set(database=f"{parsed.database}_two_servers").render_as_string(hide_password=False)
    # the sizes of the demo_db_url fixture (tests/conftest.py)
    two_servers.fresh_database(url, loans=1500, months=24, seed=11, cooperatives=4, officers=24)
    yield url
    maintenance = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    with maintenance.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    maintenance.dispose()


def test_two_servers_record_and_approve_decisions_at_once(shared_url):
    with running_server(shared_url) as server_a, running_server(shared_url) as server_b:
        report = asyncio.run(two_servers.scenario(
            (server_a, server_b), shared_url, proposals=PROPOSALS, contested=CONTESTED, timeout_s=90,
            shots=ROOT / "artifacts" / "screenshots"))
    print(two_servers.summary(report))
    assert report.ok, two_servers.summary(report)

    # every proposal the pages confirmed is stored exactly once, with the exact text typed
    confirmed = report.of("propose", "done")
    assert len(confirmed) == 2 * PROPOSALS
    assert {s.server for s in confirmed} == {"A", "B"}
    assert report.reasons_found == {s.reason: 1 for s in confirmed}
    assert sorted(d["reason"] for d in report.decisions.values()) == sorted(s.reason for s in confirmed)

    # the contested decisions: one approval and one clean refusal each, never two approvals
    assert len(report.contested) == CONTESTED
    for decision_id, pair in report.contested.items():
        assert sorted(s.result for s in pair) == ["done", "refused"], pair
        loser = next(s for s in pair if s.result == "refused")
        assert loser.refusal in two_servers.REFUSALS, loser.message
        assert "Nothing was written." in loser.message
        winner = next(s for s in pair if s.result == "done")
        assert report.decisions[decision_id]["decided_by"] == winner.username

    # the rest: decided across servers, one rejection; nothing left pending, nothing decided twice
    assert Counter(d["status"] for d in report.decisions.values()) == {"approved": 2 * PROPOSALS - 1,
                                                                        "rejected": 1}
    decided = Counter(s.decision_id for s in report.steps if s.action in ("approve", "reject") and s.result == "done")
    assert decided == {decision_id: 1 for decision_id in report.decisions}
    assert not [s for s in report.steps if s.result == "error"]

    # audit rows: exactly one propose, and exactly one approve or reject by the decider, per decision
    for decision_id, row in report.decisions.items():
        verb = {"approved": "approve", "rejected": "reject"}[row["status"]]
        assert report.audit[decision_id] == Counter({"decision.propose": 1, f"decision.{verb}": 1})
        assert report.audit_users[(decision_id, "decision.propose")] == [row["proposed_by"]]
        assert report.audit_users[(decision_id, f"decision.{verb}")] == [row["decided_by"]]
        assert row["decided_by"] not in (None, row["proposed_by"])
