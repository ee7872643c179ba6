"""Future months are refused, and an import can be withdrawn: the month comes back exactly as it was.

Found by the outside test: a 3-row tape for 2030-01 was accepted and made every overview read "NPL ratio 100 %",
and nothing could take a month back.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from data.db import session_factory, transaction
from data.errors import ValidationError
from data.importer import ImportFileError, withdraw
from data.importer.batches import list_
from data.importer import system_actor
from data.models import AuditLog, Borrower, ClassTransition, Loan, LoanHistory, LoanMonth, PortfolioMonth, WatchMonth
from tests.security.import_book import (NOV, OCT, TODAY, build, month_rows, names, row, run, scoped_admin,
                                         tape)

SUMMARIES = (PortfolioMonth, ClassTransition, WatchMonth, LoanHistory)


def state(engine) -> dict:
    """Everything an import may change (ids included: a withdrawal restores rows, it does not renumber loans)."""
    with session_factory(engine)() as s:
        out = {}
        for model in (Loan, Borrower, LoanMonth, *SUMMARIES):
            columns = list(model.__table__.columns)
            out[model.__tablename__] = sorted(tuple(r) for r in s.execute(select(*columns)).all())
        return out


def _withdraw(engine, batch_id: int, actor=None, reason: str = "wrong file"):
    with transaction(engine) as s:
        return withdraw(s, actor=actor or system_actor(), batch_id=batch_id, reason=reason)


@pytest.mark.parametrize("month, column", [(dt.date(2030, 1, 1), False), (dt.date(2026, 12, 1), False),
                                           (dt.date(2030, 1, 1), True)])
def test_a_tape_for_a_future_month_is_refused_and_writes_nothing(engine, month, column):
    ids = build(engine)
    before = state(engine)
    header_month = ["month"] if column else []
    body = [[*row(ids, "C1", n), *([month.strftime("%Y-%m")] if column else [])] for n in range(1, 4)]
    from tests.security.import_book import HEADER
    with pytest.raises(ImportFileError) as refused:
        run(engine, tape(body, header=[*HEADER, *header_month]), month=None if column else month)
    assert refused.value.key == "error.import.future_month"
    assert refused.value.params == {"month": month.strftime("%Y-%m"), "current": "2026-11"}
    assert state(engine) == before


def test_the_current_month_is_accepted(engine):
    ids = build(engine)
    assert run(engine, tape([row(ids, "C1", n) for n in range(1, 6)]), month=NOV, today=TODAY).written


def test_withdrawing_a_reimport_restores_the_month_names_and_summaries_exactly(engine):
    ids = build(engine)
    before = state(engine)
    body = [row(ids, "C1", n, outstanding="1.00", name=f"Wrong {n}") for n in range(1, 6)]
    body[4][0] = "C1-NEW"  # a contract the book does not have: created, then removed by the withdrawal
    result = run(engine, tape(body), allow_shrink=True)
    assert result.written and result.counts["loans_created"] == 1
    assert month_rows(engine, OCT)["C1-1"] == (100, "normal") and names(engine)["C1-2"] == "Wrong 2"
    assert state(engine) != before
    counts = _withdraw(engine, result.batch_id)
    assert counts["month_rows_removed"] == 5 and counts["month_rows_restored"] == 5
    assert counts["borrowers_restored"] == 4 and counts["loans_removed"] == 1 and counts["borrowers_removed"] == 1
    assert state(engine) == before
    with session_factory(engine)() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "import.withdraw")).one()
        assert audit.entity_id == str(result.batch_id) and json.loads(audit.after)["reason"] == "wrong file"


def test_withdrawing_the_first_import_of_a_new_month_removes_the_month(engine):
    ids = build(engine)
    before = state(engine)
    result = run(engine, tape([row(ids, "C2", n) for n in range(1, 6)]), month=NOV)
    assert result.written and len(month_rows(engine, NOV)) == 5
    _withdraw(engine, result.batch_id)
    assert month_rows(engine, NOV) == {}
    assert state(engine) == before


def test_imports_are_withdrawn_newest_first(engine):
    ids = build(engine)
    first = run(engine, tape([row(ids, "C1", n, outstanding="10.00") for n in range(1, 6)]))
    second = run(engine, tape([row(ids, "C1", n, outstanding="20.00") for n in range(1, 6)]))
    with pytest.raises(ValidationError) as refused:
        _withdraw(engine, first.batch_id)
    assert refused.value.key == "error.import.later_import" and refused.value.params == {"later": second.batch_id}
    with session_factory(engine)() as s:
        listed = list_(s, actor=system_actor()).set_index("id")["can_withdraw"].to_dict()
    assert listed == {second.batch_id: True, first.batch_id: False}
    _withdraw(engine, second.batch_id)
    assert month_rows(engine, OCT)["C1-1"] == (1_000, "normal")
    _withdraw(engine, first.batch_id)
    assert month_rows(engine, OCT)["C1-1"] == (100_000, "normal")
    with pytest.raises(ValidationError) as again:
        _withdraw(engine, first.batch_id)
    assert again.value.key == "error.import.already_withdrawn"


def test_a_scoped_admin_cannot_withdraw_another_cooperatives_import_nor_learn_it_exists(engine):
    ids = build(engine)
    result = run(engine, tape([row(ids, "C2", n) for n in range(1, 6)]))
    admin_c1 = scoped_admin(ids["C1"][0])
    with pytest.raises(ValidationError) as refused:
        _withdraw(engine, result.batch_id, actor=admin_c1)
    with pytest.raises(ValidationError) as missing:
        _withdraw(engine, 999_999, actor=admin_c1)
    assert refused.value.key == missing.value.key == "error.import.unknown_batch"
    with session_factory(engine)() as s:
        assert list_(s, actor=admin_c1).empty
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "import.withdraw")) == 0


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501, "bad\x00"])
def test_a_withdrawal_needs_a_reason(engine, reason):
    ids = build(engine)
    result = run(engine, tape([row(ids, "C1", n) for n in range(1, 6)]))
    with pytest.raises(ValidationError) as refused:
        _withdraw(engine, result.batch_id, reason=reason)
    assert refused.value.key == "error.import.withdraw_reason"
