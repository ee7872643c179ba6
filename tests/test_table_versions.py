"""Per-table versions and the read cache keyed by them (data/versions.py, components/store.py).

What must hold: a commit moves the versions of exactly the tables it wrote rows of (a rollback, a read or an
UPDATE that matched nothing moves none); a cached read is served until a table it read moves, wherever the
write was made (this app server, another one, the import command); a sign-in leaves every other cached read
in place; and on the decisions page a decision decided on another server is seen at the next run, while a
director who presses Approve at that very moment is told it is no longer pending (the click is not lost).
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from components import store
from data import bulk, decisions, portfolio, users
from data.db import make_engine, session_factory, transaction
from data.models import Cooperative, Decision, LoanMonth, Officer, PortfolioMonth
from data.versions import ANY_TABLE, current, tables_in
from domain.scope import Scope
from tests import factory
from tests.apptest_support import page


def versions_of(engine) -> dict[str, int]:
    with session_factory(engine)() as s:
        return current(s)


# ------------------------------------------------------------------------------------------- data level
def test_a_commit_moves_the_versions_of_the_tables_it_wrote_and_nothing_else(engine):
    assert versions_of(engine) == {}
    with transaction(engine) as s:
        coop = factory.cooperative(s, "C1")
        factory.officer(s, coop, "Ana")
    assert versions_of(engine) == {"cooperative": 1, "officer": 1}

    with transaction(engine) as s:  # a change of one row of one table
        s.scalars(select(Cooperative)).one().name = "Renamed"
    assert versions_of(engine) == {"cooperative": 2, "officer": 1}

    with transaction(engine) as s:  # reads and an UPDATE that matches no row write nothing
        s.scalars(select(Officer)).all()
        s.execute(update(Officer).where(Officer.name == "nobody").values(name="x"))
    assert versions_of(engine) == {"cooperative": 2, "officer": 1}

    with pytest.raises(RuntimeError), transaction(engine) as s:  # rolled back: its writes never happened
        s.scalars(select(Cooperative)).one().name = "Lost"
        s.flush()
        raise RuntimeError("refused")
    assert versions_of(engine) == {"cooperative": 2, "officer": 1}
    with transaction(engine) as s:  # and the notes of the rolled-back transaction do not leak into the next one
        factory.officer(s, s.scalars(select(Cooperative)).one(), "Ben")
    assert versions_of(engine) == {"cooperative": 2, "officer": 2}


def test_rows_written_past_sqlalchemy_move_the_version(engine):
    rows = [{"code": f"K{i:04d}", "name": f"Coop {i}", "active": True} for i in range(bulk.COPY_MIN_ROWS)]
    with transaction(engine) as s:  # COPY on PostgreSQL, the driver's executemany on SQLite
        bulk.insert_rows(s, Cooperative.__table__, rows)
    assert versions_of(engine) == {"cooperative": 1}
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Cooperative)) == bulk.COPY_MIN_ROWS


def test_the_tables_a_statement_reads():
    inner = select(LoanMonth.loan_id).where(LoanMonth.loan_class == "loss").subquery()
    stmt = (select(PortfolioMonth.month, Cooperative.name).join(Cooperative)
            .where(PortfolioMonth.cooperative_id.in_(select(Officer.cooperative_id).where(
                Officer.id.in_(select(inner.c.loan_id))))))
    assert tables_in(stmt) == {"portfolio_month", "cooperative", "officer", "loan_month"}
    from sqlalchemy import text
    assert tables_in(text("SELECT 1")) == {ANY_TABLE}


# ------------------------------------------------------------------------------------------ cache level
UNION = Scope.union()


def _served_from_cache(monkeypatch, module, name: str, **arguments):
    """Read through the cache with the function replaced by one that fails: only a cached result passes."""
    original = getattr(module, name)

    def not_cached(*_args, **_kwargs):
        raise AssertionError(f"{name} was read again")
    monkeypatch.setattr(module, name, not_cached)
    try:
        return store.read(original, **arguments)
    finally:
        monkeypatch.setattr(module, name, original)


def _balances(months: list[dt.date]) -> dict:
    return dict(scope=UNION, first=months[0], last=months[-1])


def test_a_sign_in_leaves_another_sessions_cached_read_in_place(private_demo_url, monkeypatch):
    months = store.read(portfolio.list_months)
    shown = store.read(portfolio.balances_by_month, **_balances(months))
    engine = make_engine(private_demo_url)
    before = versions_of(engine)

    assert store.bookkeep(users.record_login, username="supervisor")  # what the sign-in form does
    moved = {name for name, version in versions_of(engine).items() if before.get(name) != version}
    assert moved == {"user_session", "audit_log"}  # the failure count was already 0: app_user unchanged
    again = _served_from_cache(monkeypatch, portfolio, "balances_by_month", **_balances(months))
    assert again.equals(shown)
    engine.dispose()


def test_a_write_reads_again_only_what_it_changed(private_demo_url, monkeypatch):
    months = store.read(portfolio.list_months)
    store.read(portfolio.balances_by_month, **_balances(months))
    counts = store.read(decisions.status_counts, scope=UNION)
    engine = make_engine(private_demo_url)
    with session_factory(engine)() as s:
        supervisor = users.actor_of(users.get_by_username(s, username="supervisor"))
        officer_id = s.scalar(select(Officer.id).where(Officer.active.is_(True)).order_by(Officer.id).limit(1))

    store.write(decisions.propose, actor=supervisor, officer_id=officer_id, kind="warning", reason="late",
                effective_on=dt.date(2026, 10, 1))
    after = store.read(decisions.status_counts, scope=UNION)
    pending = lambda frame: int(frame[frame.status == "pending"]["count"].sum())  # noqa: E731
    assert pending(after) == pending(counts) + 1
    _served_from_cache(monkeypatch, portfolio, "balances_by_month", **_balances(months))  # charts stay cached
    engine.dispose()


def test_a_write_by_another_process_is_seen_at_the_next_read(private_demo_url):
    """What another app server or ``scripts/import_data.py`` does: its own engine, its own transaction."""
    counts = store.read(decisions.status_counts, scope=UNION)
    engine = make_engine(private_demo_url)
    with transaction(engine) as s:
        director = users.actor_of(users.get_by_username(s, username="director"))
        decision_id = s.scalar(select(Decision.id).where(Decision.status == "pending").order_by(Decision.id))
        decisions.approve(s, actor=director, decision_id=decision_id, comment="elsewhere")
    after = store.read(decisions.status_counts, scope=UNION)
    pending = lambda frame: int(frame[frame.status == "pending"]["count"].sum())  # noqa: E731
    assert pending(after) == pending(counts) - 1
    engine.dispose()


# ------------------------------------------------------------------------------ two servers, one page
def _approve_elsewhere(url: str, decision_id: int) -> None:
    """The same director approving on another app server (another process: only the database is shared)."""
    engine = make_engine(url)
    with transaction(engine) as s:
        director = users.actor_of(users.get_by_username(s, username="director"))
        decisions.approve(s, actor=director, decision_id=decision_id, comment="on server A")
    engine.dispose()


def _queue_options(at) -> list[str]:
    """The approval queue's choices; none when the queue shows its 'nothing waiting' note instead."""
    return next((box.options for box in at.selectbox if box.key == "queue.decision"), [])


def _pending_kpi(at) -> str:
    return next(m.value for m in at.metric if m.label == "Pending decisions")


def test_a_decision_approved_on_another_server_leaves_the_queue_at_the_next_run(private_demo_url):
    at = page("decisions", username="director")
    chosen = at.selectbox(key="queue.decision").value
    pending = int(_pending_kpi(at).replace(",", ""))
    _approve_elsewhere(private_demo_url, chosen)
    at.run()
    assert not at.exception
    assert all(not o.startswith(f"#{chosen} ") for o in _queue_options(at))
    assert int(_pending_kpi(at).replace(",", "")) == pending - 1


def test_approve_pressed_as_another_server_approves_is_refused_not_lost(private_demo_url):
    at = page("decisions", username="director")
    chosen = at.selectbox(key="queue.decision").value
    at.text_area(key=f"queue.comment.{chosen}").input("on server B")
    _approve_elsewhere(private_demo_url, chosen)  # between this page's last run and the click
    at.button(key=f"queue.approve.{chosen}").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Could not save: this decision is no longer pending (already approved, rejected or revoked). "
        "Nothing was written."]
    engine = make_engine(private_demo_url)
    with session_factory(engine)() as s:
        assert s.get(Decision, chosen).decision_comment == "on server A"
    engine.dispose()
    at.run()  # the next run: the decision has left the queue
    assert all(not o.startswith(f"#{chosen} ") for o in _queue_options(at))
