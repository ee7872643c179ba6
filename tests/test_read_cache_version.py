"""Cached reads follow the database's data version: a change made elsewhere (another app server, the import
command) is seen without waiting for the cache to expire, and a sign-in does not make anyone's pages cold."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from data import portfolio
from data.aggregates import rebuild_months
from data.audit import data_version, record
from data.db import make_engine, session_factory, transaction
from data.models import LoanMonth
from components import store

NEW_MONTH = dt.date(2026, 11, 1)


def _another_process_writes(url: str, *, action: str) -> None:
    """What the import command does from its own process: rows and an audit row in one transaction."""
    engine = make_engine(url)
    try:
        with transaction(engine) as s:
            row = s.scalars(select(LoanMonth).where(LoanMonth.month == dt.date(2026, 10, 1)).limit(1)).one()
            if action != "auth.login":
                s.add(LoanMonth(loan_id=row.loan_id, month=NEW_MONTH, cooperative_id=row.cooperative_id,
                                outstanding_cents=1, overdue_cents=0, days_past_due=0, loan_class="normal"))
                s.flush()
                rebuild_months(s, [NEW_MONTH])
            record(s, actor=None, action=action, entity="loan_month", entity_id="2026-11-01")
    finally:
        engine.dispose()


def test_a_write_elsewhere_is_seen_and_a_sign_in_changes_nothing(private_demo_url):
    store._data_version.clear()
    months = store.read(portfolio.list_months)
    assert NEW_MONTH not in months
    engine = make_engine(private_demo_url)
    with session_factory(engine)() as s:
        before = data_version(s)

    _another_process_writes(private_demo_url, action="auth.login")  # bookkeeping: not a change of data
    with session_factory(engine)() as s:
        assert data_version(s) == before

    _another_process_writes(private_demo_url, action="import.loan_tape")
    with session_factory(engine)() as s:
        assert data_version(s) > before
    assert NEW_MONTH not in store.read(portfolio.list_months)  # within the version's few seconds: still cached
    store._data_version.clear()  # the version's short TTL has passed
    assert NEW_MONTH in store.read(portfolio.list_months)
    engine.dispose()
