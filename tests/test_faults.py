"""Failure injection: a write that fails halfway leaves nothing behind; a missing database gives a clear message.

Why: a decision approval or a recovery is money and accountability; if the audit append (or the flush)
fails after the main row was changed, the transaction must roll back the change too, so the trail and the
facts never disagree. And an app server that starts while PostgreSQL is down must say so in the user's
language, not show a traceback, and work again as soon as the database is back.

Fixture (hand-made): cooperative A, officer Ana, loan LA (substandard, balance 100,000 cents) with an open
assignment of Ana; users sup_a (supervisor A), dir_a (director A); one pending decision proposed by sup_a.
"""
from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import data.actions
import data.decisions
import data.reviews
from components.i18n import translate
from data import actions, decisions, reviews
from data.db import transaction
from data.models import Base, Decision
from data.users import actor_of
from tests import factory as f
from tests.apptest_support import app, point_app_at, texts

TODAY = dt.date.today()
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nope"


class Injected(RuntimeError):
    """The fault a test injects; anything else escaping would be a different failure."""


@pytest.fixture
def world(engine):
    with transaction(engine) as s:
        a = f.cooperative(s, "A")
        ana = f.officer(s, a, "Ana")
        la = f.loan(s, a, ana, dt.date(2023, 1, 1), contract="LA")
        f.month_row(s, la, dt.date(2025, 6, 1), 100_000, "substandard", dpd=120)
        f.assignment(s, la, ana, dt.date(2025, 1, 1), 500, dt.date(2025, 12, 31))
        sup, director = f.user(s, "sup_a", "supervisor", cooperative_id=a.id), f.user(s, "dir_a", "director",
                                                                                        cooperative_id=a.id)
        pending = decisions.propose(s, actor=actor_of(sup), officer_id=ana.id, kind="warning", reason="late",
                                    effective_on=TODAY)
    return engine, {"sup": actor_of(sup), "dir": actor_of(director)}, {"ana": ana.id, "pending": pending.id}


def all_counts(engine) -> dict[str, int]:
    with transaction(engine) as s:
        return {t.name: int(s.scalar(select(func.count()).select_from(t))) for t in Base.metadata.sorted_tables}


def failing_record(*_args, **_kwargs):
    raise Injected("audit store failed")


def test_failed_audit_during_approval_leaves_the_decision_pending(world, monkeypatch):
    engine, actors, ids = world
    before = all_counts(engine)
    monkeypatch.setattr(data.decisions, "record", failing_record)  # after the conditional UPDATE ran
    with pytest.raises(Injected):
        with transaction(engine) as s:
            decisions.approve(s, actor=actors["dir"], decision_id=ids["pending"], comment="ok")
    assert all_counts(engine) == before
    with Session(engine) as s:
        row = s.get(Decision, ids["pending"])
        assert (row.status, row.decided_by_id, row.decided_at, row.decision_comment) == ("pending", None, None, None)
    monkeypatch.undo()
    with transaction(engine) as s:  # and the decision can still be approved afterwards, exactly once
        decisions.approve(s, actor=actors["dir"], decision_id=ids["pending"], comment="ok")
    after = all_counts(engine)
    assert after["audit_log"] == before["audit_log"] + 1 and after["decision"] == before["decision"]


def test_failed_flush_during_proposal_leaves_nothing(world, monkeypatch):
    engine, actors, ids = world
    before = all_counts(engine)
    real_flush = Session.flush

    def flush_then_fail(self, *args, **kwargs):
        real_flush(self, *args, **kwargs)  # the decision row reached the database inside the transaction
        raise Injected("connection lost after flush")

    monkeypatch.setattr(Session, "flush", flush_then_fail)
    with pytest.raises(Injected):
        with transaction(engine) as s:
            decisions.propose(s, actor=actors["sup"], officer_id=ids["ana"], kind="warning", reason="again",
                              effective_on=TODAY)
    monkeypatch.undo()
    assert all_counts(engine) == before


def test_failed_audit_during_action_recording_leaves_nothing(world, monkeypatch):
    engine, actors, _ = world
    before = all_counts(engine)
    monkeypatch.setattr(data.actions, "record", failing_record)  # after the action row was flushed
    with pytest.raises(Injected):
        with transaction(engine) as s:
            actions.record_action(s, actor=actors["sup"], contract_no="LA", method="direct", action_date=TODAY,
                                  recovered_cents=1_000, cost_cents=50, outcome="paid_partial", note="cash")
    assert all_counts(engine) == before


def test_failed_audit_during_review_leaves_nothing(world, monkeypatch):
    engine, actors, ids = world
    before = all_counts(engine)
    monkeypatch.setattr(data.reviews, "record", failing_record)
    with pytest.raises(Injected):
        with transaction(engine) as s:
            reviews.create(s, actor=actors["sup"], officer_id=ids["ana"], period_start=dt.date(2025, 1, 1),
                           period_end=dt.date(2025, 3, 31), rating="good", findings="fine")
    assert all_counts(engine) == before


# ------------------------------------------------------------------------------------------------ database down
@pytest.fixture
def unreachable_database(demo_db_url):
    """Point the app at a port nothing listens on; point it back at the demo database afterwards."""
    point_app_at(UNREACHABLE)
    yield
    point_app_at(demo_db_url)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_unreachable_database_at_start_shows_the_message(unreachable_database, lang):
    at = app()
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    shown = texts(at)
    expected = translate("app.db_error", lang)
    assert expected in [e.value for e in at.error], shown
    assert "Traceback" not in shown and "OperationalError" not in shown and "psycopg" not in shown
    assert not at.text_input, "no sign-in form while the database is down"


def test_app_recovers_when_the_database_returns(unreachable_database, demo_db_url):
    down = app().run()
    assert translate("app.db_error", "en") in [e.value for e in down.error]
    os.environ["DATABASE_URL"] = demo_db_url  # the database is back; no cache is cleared by hand
    up = app().run()
    assert not up.exception
    assert translate("app.db_error", "en") not in [e.value for e in up.error]
    assert up.text_input, "the sign-in form is shown again"
