"""The Import screen as an admin uses it: a partial tape needs the confirmation, a withdrawal takes it back,
a future month and a garbled file are refused with a message, and nothing is written by a refusal."""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from sqlalchemy import func, select

from data.db import make_engine, session_factory
from data.templates.tape import sample_frame
from data.models import AuditLog, Cooperative, ImportBatch, LoanMonth
from domain.scope import Scope
from tests.apptest_support import page, texts

OCT = dt.date(2026, 10, 1)


def _month_rows(url: str, cooperatives: set[str] | None = None) -> int:
    """Rows of OCT, of all cooperatives or of those codes."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as s:
            stmt = select(func.count()).select_from(LoanMonth).where(LoanMonth.month == OCT)
            if cooperatives is not None:
                stmt = stmt.join(Cooperative, Cooperative.id == LoanMonth.cooperative_id).where(
                    Cooperative.code.in_(cooperatives))
            return s.scalar(stmt)
    finally:
        engine.dispose()


def _codes(tape: bytes) -> set[str]:
    return set(pd.read_csv(io.BytesIO(tape), dtype=str)["cooperative_code"])


def _audit(url: str, action: str) -> int:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as s:
            return s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == action))
    finally:
        engine.dispose()


def _sample(url: str, limit: int) -> bytes:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as s:
            return sample_frame(s, OCT, limit=limit, scope=Scope.union()).to_csv(index=False).encode("utf-8")
    finally:
        engine.dispose()


def _upload(at, data: bytes, name: str = "tape.csv"):
    at.file_uploader[0].upload(name, data, "text/csv")
    return at.run()


def _click(at, label: str):
    return next(b for b in at.button if b.label == label).click().run()


def test_a_partial_tape_is_confirmed_imported_and_withdrawn_on_the_page(private_demo_url):
    before = _month_rows(private_demo_url)
    sample = _sample(private_demo_url, 50)
    others = before - _month_rows(private_demo_url, cooperatives=_codes(sample))
    at = _upload(page("admin", username="admin"), sample)
    at = _click(at, "Import")
    assert not at.exception
    shown = texts(at)
    assert "are not in the file: they will count as closed" in shown and "Not imported" in shown
    assert _month_rows(private_demo_url) == before
    confirm = next(c for c in at.checkbox if c.label.startswith("I have checked"))
    at = _click(confirm.check().run(), "Import")
    assert not at.exception
    assert any("Imported 50 rows for 2026-10" in s.value for s in at.success)
    assert _month_rows(private_demo_url) == others + 50  # other cooperatives' rows stay
    assert _audit(private_demo_url, "import.loan_tape") == 1

    reason = next(w for w in at.text_area if w.label == "Reason")
    reason.input("partial file sent by mistake")
    at = next(b for b in at.button if b.label == "Withdraw this import").click().run()
    assert not at.exception
    assert any("withdrawn" in s.value and f"{before - others:,} earlier rows" in s.value for s in at.success)
    assert _month_rows(private_demo_url) == before
    assert _audit(private_demo_url, "import.withdraw") == 1


def test_a_future_month_and_an_undecodable_file_are_refused_with_a_message(private_demo_url):
    before = _month_rows(private_demo_url)
    future = _sample(private_demo_url, 5).decode().replace("2026-10", "2030-01").encode()
    at = _upload(page("admin", username="admin"), future)
    at = _click(at, "Check the file")
    assert not at.exception
    assert any("2030-01 has not come yet" in e.value and "Nothing was written" in e.value for e in at.error)
    garbled = _sample(private_demo_url, 5).replace(b",", b",\x81 ", 1)
    at = _click(_upload(at, garbled, "other.csv"), "Import")
    assert not at.exception
    assert any("not clean UTF-8, GB18030/GBK or Windows-1252" in e.value for e in at.error)
    assert _month_rows(private_demo_url) == before
    engine = make_engine(private_demo_url)
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0
    engine.dispose()
