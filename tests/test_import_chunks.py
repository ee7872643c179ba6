"""The loan tape read, checked and written a chunk at a time: still all or nothing, whatever crosses a chunk.

Every test cuts the file into chunks of two rows (data.importer.tape.CHUNK_ROWS), so that rows 2-3 are the first
chunk and are written before rows 4-5 are read. Fixture (tests/test_importer.py ``book``): cooperatives C1 and C2,
officer A (C1), officer B (C2), loan K-OLD (C1) with a 2025-01 row.
"""
from __future__ import annotations


import pytest
from sqlalchemy import func, select

from data.db import session_factory
from data.importer import tape
from data.models import Borrower, ImportBatch, ImportSnapshot, Loan, LoanHistory, LoanMonth
from tests.test_importer import FEB, HEADER, book, counts, csv_bytes, rows, run  # noqa: F401 - fixture

EXTRA = HEADER + ["borrower_id", "refinances_contract"]


@pytest.fixture(autouse=True)
def two_row_chunks(monkeypatch):
    monkeypatch.setattr(tape, "CHUNK_ROWS", 2)


def row(ids: dict, contract: str, *, coop: str = "C1", outstanding: str = "1,000.00", borrower_id: str = "",
        refinances: str = "", month: str = "2025-02") -> list[str]:
    officer = ids["a"] if coop == "C1" else ids["b"]
    return [contract, coop, officer, f"Borrower {contract}", "household", "2024-06-01", "2026-06-01", "5,000.00",
            "6", month, outstanding, "0", "0", "normal", borrower_id, refinances]


def test_a_problem_in_a_later_chunk_leaves_nothing_of_the_chunks_written_before(book):
    engine, ids = book
    before = counts(engine)
    body = [row(ids, "K-A"), row(ids, "K-B"), row(ids, "K-C"), row(ids, "K-D", outstanding="-37.333,32")]
    result = run(engine, csv_bytes(EXTRA, body))
    assert not result.ok and not result.written and result.rows == 4
    assert list(zip(result.errors.row, result.errors.field, result.errors.value)) == [
        (5, "outstanding", "-37.333,32")]
    assert counts(engine) == before
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0
        assert s.scalar(select(func.count()).select_from(ImportSnapshot)) == 0


def test_a_row_rule_problem_shows_the_cell_as_written(book):
    engine, ids = book
    body = [row(ids, "K-A"), row(ids, "K-B"), row(ids, "K-C", outstanding="1.234,56")]
    body[2][11] = "2.000,00"  # overdue above the balance, written with a decimal comma
    result = run(engine, csv_bytes(EXTRA, body))
    assert list(zip(result.errors.row, result.errors.field, result.errors.value, result.errors.reason)) == [
        (4, "overdue", "2.000,00", "error.import.overdue_above_balance")]


def test_a_contract_refinanced_further_down_the_file_is_linked(book):
    engine, ids = book
    body = [row(ids, "K-A", refinances="K-D"), row(ids, "K-B"), row(ids, "K-C"), row(ids, "K-D"),
            row(ids, "K-OLD", refinances="K-E"), row(ids, "K-E")]
    result = run(engine, csv_bytes(EXTRA, body))
    assert result.ok and result.written, result.errors
    assert result.counts["loans_created"] == 5 and result.counts["loans_updated"] == 1
    with session_factory(engine)() as s:
        ids_of = dict(s.execute(select(Loan.contract_no, Loan.id)).all())
        links = dict(s.execute(select(Loan.contract_no, Loan.refinances_loan_id)).all())
    assert links["K-A"] == ids_of["K-D"] and links["K-OLD"] == ids_of["K-E"]
    assert links["K-B"] is None and links["K-D"] is None


def test_a_refinanced_contract_found_nowhere_in_the_file_is_a_problem(book):
    engine, ids = book
    before = counts(engine)
    body = [row(ids, "K-A", refinances="K-NOWHERE"), row(ids, "K-B"), row(ids, "K-C")]
    result = run(engine, csv_bytes(EXTRA, body))
    assert list(zip(result.errors.row, result.errors.field, result.errors.value, result.errors.reason)) == [
        (2, "refinances_contract", "K-NOWHERE", "error.import.unknown_refinanced_contract")]
    assert counts(engine) == before


def test_a_contract_repeated_in_another_chunk_is_a_duplicate(book):
    engine, ids = book
    before = counts(engine)
    result = run(engine, csv_bytes(EXTRA, [row(ids, "K-A"), row(ids, "K-B"), row(ids, "K-C"), row(ids, "K-A")]))
    assert list(zip(result.errors.row, result.errors.reason)) == [(5, "error.import.duplicate_contract")]
    assert counts(engine) == before


def test_a_borrower_id_names_one_borrower_across_chunks(book):
    engine, ids = book
    before = counts(engine)
    body = [row(ids, "K-A", borrower_id="P1"), row(ids, "K-B"), row(ids, "K-C", borrower_id="P1"),
            row(ids, "K-D", coop="C2", borrower_id="P1")]
    result = run(engine, csv_bytes(EXTRA, body), allow_shrink=True)  # K-OLD (January) left out
    assert result.ok and result.written
    # P1 in C1 is one person (K-A, K-C); P1 in C2 is another; K-B has its own
    assert result.counts["borrowers_created"] == 3
    with session_factory(engine)() as s:
        owner = dict(s.execute(select(Loan.contract_no, Loan.borrower_id)).all())
        assert owner["K-A"] == owner["K-C"] != owner["K-D"]
        assert s.scalar(select(func.count()).select_from(Borrower)) == before["borrower"] + 3


def test_a_file_whose_first_rows_state_no_month_takes_the_first_month_stated(book):
    engine, ids = book
    body = [row(ids, "K-A", month=""), row(ids, "K-B", month=""), row(ids, "K-C", month=""),
            row(ids, "K-D"), row(ids, "K-E", month="2025-03")]
    result = run(engine, csv_bytes(EXTRA, body), month=None)
    assert result.month == FEB
    assert list(zip(result.errors.row, result.errors.reason)) == [(6, "error.import.month_not_single")]
    fixed = run(engine, csv_bytes(EXTRA, body[:4]), month=None, allow_shrink=True)
    assert fixed.ok and fixed.written and fixed.counts["rows"] == 4


def test_a_reimport_across_chunks_counts_the_loans_left_out_against_the_month_it_replaces(book):
    engine, ids = book
    body = [row(ids, "K-A"), row(ids, "K-B"), row(ids, "K-C"), row(ids, "K-D"), row(ids, "K-E", coop="C2")]
    assert run(engine, csv_bytes(EXTRA, body), allow_shrink=True).written
    # again with C1's K-C and K-D left out (2 of C1's 4 loans: 50 %); C2's K-E is not in this file and stays
    shrunk = [body[0], body[1]]
    refused = run(engine, csv_bytes(EXTRA, shrunk))
    assert refused.needs_confirmation and not refused.written
    assert (refused.shrink.reference_month, refused.shrink.loans_before, refused.shrink.loans_missing) == (FEB, 4, 2)
    assert refused.shrink.balance_missing_cents == 200_000
    with session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(LoanMonth).where(LoanMonth.month == FEB)) == 5
    done = run(engine, csv_bytes(EXTRA, shrunk), allow_shrink=True)
    assert done.written and done.counts["month_rows_replaced"] == 4
    with session_factory(engine)() as s:
        feb = set(s.scalars(select(Loan.contract_no).join(LoanMonth, LoanMonth.loan_id == Loan.id)
                            .where(LoanMonth.month == FEB)))
        assert feb == {"K-A", "K-B", "K-E"}
        last = dict(s.execute(select(Loan.contract_no, LoanHistory.last_month)
                              .join(LoanHistory, LoanHistory.loan_id == Loan.id)).all())
        assert last["K-A"] == last["K-E"] == FEB and "K-C" not in last  # no month left: no history
