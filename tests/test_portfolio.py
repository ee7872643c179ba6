"""Portfolio reads on a hand-made fixture; every expected number is worked out in the comments."""
from __future__ import annotations

import datetime as dt

import pytest

from data import aggregates, portfolio, recoveries
from data import settings as settings_store
from data.db import transaction
from domain import figures
from domain.scope import Scope
from domain.settings import Settings
from tests import factory as f

M1, M2, M3 = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)


@pytest.fixture
def book(engine):
    """Two cooperatives, six loans, three months; cutoff 2025-01-01.

    month      L1 (A, old)   L2 (A, old)  L3 (B, old)  L4 (B, old)  L5 (A, new)  L6 (B, new)
    2025-01    sub  1000     nor  2000    dbt  500     sm   300     -            nor  600
    2025-02    loss  800     nor  1900    nor  400     -            nor  700     sub  600
    2025-03    loss  800     nor  1800    -            -            nor  650     dbt  600
    """
    with transaction(engine) as s:
        settings_store.seed(s, Settings(segment_cutoff=dt.date(2025, 1, 1)))
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        oa, ob = f.officer(s, a, "Ana"), f.officer(s, b, "Bo")
        l1 = f.loan(s, a, oa, dt.date(2023, 5, 1), contract="L1")
        l2 = f.loan(s, a, oa, dt.date(2024, 6, 1), contract="L2")
        l3 = f.loan(s, b, ob, dt.date(2022, 1, 1), contract="L3")
        l4 = f.loan(s, b, ob, dt.date(2024, 12, 31), contract="L4")
        l5 = f.loan(s, a, oa, dt.date(2025, 2, 10), contract="L5")
        l6 = f.loan(s, b, ob, dt.date(2025, 1, 1), contract="L6")  # on the cutoff day: new
        rows = {M1: [(l1, 1000, "substandard"), (l2, 2000, "normal"), (l3, 500, "doubtful"),
                     (l4, 300, "special_mention"), (l6, 600, "normal")],
                M2: [(l1, 800, "loss"), (l2, 1900, "normal"), (l3, 400, "normal"), (l5, 700, "normal"),
                     (l6, 600, "substandard")],
                M3: [(l1, 800, "loss"), (l2, 1800, "normal"), (l5, 650, "normal"), (l6, 600, "doubtful")]}
        for month, entries in rows.items():
            for ln, balance, cls in entries:
                f.month_row(s, ln, month, balance, cls)
        s.flush()
        f.assignment(s, l1, oa, dt.date(2025, 1, 20), 500, dt.date(2025, 6, 30))
        f.action(s, l1, oa, dt.date(2025, 2, 5), 200)
        f.action(s, l3, ob, dt.date(2025, 2, 28), 100, method="village")
        f.action(s, l3, ob, dt.date(2025, 3, 1), 400)
        aggregates.rebuild_all(s)
    return engine, {"A": a.id, "B": b.id}


def read(engine, function, **kwargs):
    with transaction(engine) as s:
        return function(s, **kwargs)


def test_npl_figures_by_month(book):
    engine, _ = book
    frame = read(engine, portfolio.balances_by_month, scope=Scope.union(), first=M1, last=M3)
    # Jan: L1 1000 + L3 500; Feb: L1 800 + L6 600; Mar: L1 800 + L6 600
    assert [figures.npl_balance(frame, m) for m in (M1, M2, M3)] == [1500, 1400, 1400]
    assert [figures.gross_balance(frame, m) for m in (M1, M2, M3)] == [4400, 4400, 3850]
    assert figures.npl_count(frame, M2) == 2
    snap = figures.snapshot(frame, M2)
    assert (snap.old_npl_cents, snap.new_npl_cents) == (800, 600)
    assert snap.npl_ratio == pytest.approx(1400 / 4400)


def test_scope_limits_to_one_cooperative(book):
    engine, ids = book
    frame = read(engine, portfolio.balances_by_month, scope=Scope.cooperative(ids["A"]), first=M1, last=M3)
    assert figures.npl_balance(frame, M2) == 800  # L1 only
    assert figures.gross_balance(frame, M2) == 800 + 1900 + 700
    nothing = read(engine, portfolio.balances_by_month, scope=Scope(cooperative_ids=frozenset()), first=M1, last=M3)
    assert nothing.empty


def test_segment_filter(book):
    engine, _ = book
    new = read(engine, portfolio.balances_by_month, scope=Scope.union(), first=M1, last=M3, segment="new")
    assert figures.npl_balance(new, M2) == 600 and figures.gross_balance(new, M2) == 1300


def test_migration_consecutive_months(book):
    engine, _ = book
    moves = read(engine, portfolio.migration, scope=Scope.union(), from_month=M1, to_month=M2)
    got = {(r.from_class, r.to_class): (r.balance_cents, r.loan_count) for r in moves.itertuples()}
    assert got == {("substandard", "loss"): (1000, 1), ("normal", "normal"): (2000, 1),
                   ("doubtful", "normal"): (500, 1), ("special_mention", "closed"): (300, 1),
                   ("new", "normal"): (700, 1), ("normal", "substandard"): (600, 1)}
    assert figures.cure_share(moves) == pytest.approx(500 / 1500)
    assert figures.normal_downgrade_share(moves) == pytest.approx(600 / 2600)


def test_migration_across_a_gap_uses_same_definition(book):
    engine, ids = book
    moves = read(engine, portfolio.migration, scope=Scope.union(), from_month=M1, to_month=M3)
    got = {(r.from_class, r.to_class): (r.balance_cents, r.loan_count) for r in moves.itertuples()}
    assert got == {("substandard", "loss"): (1000, 1), ("normal", "normal"): (2000, 1),
                   ("doubtful", "closed"): (500, 1), ("special_mention", "closed"): (300, 1),
                   ("normal", "doubtful"): (600, 1), ("new", "normal"): (650, 1)}
    only_b = read(engine, portfolio.migration, scope=Scope.cooperative(ids["B"]), from_month=M1, to_month=M3)
    assert int(only_b.balance_cents.sum()) == 500 + 300 + 600


def test_consecutive_matrix_from_table_equals_direct_query(book):
    engine, _ = book
    table = read(engine, portfolio.migration, scope=Scope.union(), from_month=M2, to_month=M3)
    with transaction(engine) as s:
        direct = s.execute(aggregates.transition_select(M2, M3, dt.date(2025, 1, 1))).all()
    summed: dict[tuple[str, str], int] = {}
    for row in direct:  # the direct rows are split by cooperative and segment
        summed[(row[3], row[4])] = summed.get((row[3], row[4]), 0) + row[5]
    assert {(r.from_class, r.to_class): r.balance_cents for r in table.itertuples()} == summed


def test_migration_refuses_officer_scope_and_reversed_months(book):
    engine, _ = book
    with pytest.raises(PermissionError):
        read(engine, portfolio.migration, scope=Scope(officer_id=1), from_month=M1, to_month=M2)
    with pytest.raises(ValueError):
        read(engine, portfolio.migration, scope=Scope.union(), from_month=M2, to_month=M1)


def test_largest_npls_with_responsible_officer(book):
    engine, ids = book
    table = read(engine, portfolio.largest_npls, scope=Scope.union(), month=M2)
    assert list(table.contract_no) == ["L1", "L6"]
    assert list(table.balance_cents) == [800, 600]
    assert list(table.responsible_officer.fillna("-")) == ["Ana", "-"]
    assert list(table.segment) == ["old", "new"]
    assert read(engine, portfolio.count_npls, scope=Scope.union(), month=M2) == 2
    only_b = read(engine, portfolio.largest_npls, scope=Scope.cooperative(ids["B"]), month=M2, limit=5)
    assert list(only_b.contract_no) == ["L6"]


def test_npl_by_cooperative(book):
    engine, ids = book
    table = read(engine, portfolio.npl_by_cooperative, scope=Scope.union(), months=[M1, M2])
    got = {(r.month, r.cooperative_id): (r.npl_cents, r.gross_cents) for r in table.itertuples()}
    assert got[(M1, ids["A"])] == (1000, 3000)
    assert got[(M2, ids["B"])] == (600, 1000)


def test_recovered_between_is_inclusive_and_scoped(book):
    engine, ids = book
    feb = dict(first_day=dt.date(2025, 2, 1), last_day=dt.date(2025, 2, 28))
    assert read(engine, recoveries.recovered_between, scope=Scope.union(), **feb) == 300
    assert read(engine, recoveries.recovered_between, scope=Scope.cooperative(ids["A"]), **feb) == 200
    assert read(engine, recoveries.recovered_between, scope=Scope.union(), first_day=dt.date(2025, 3, 1),
                last_day=dt.date(2025, 3, 31)) == 400


def test_rebuild_after_a_change_updates_only_that_month_and_next(book):
    engine, _ = book
    from data.models import LoanMonth
    with transaction(engine) as s:
        row = s.get(LoanMonth, (1, M2))
        row.outstanding_cents = 50
        assert aggregates.rebuild_months(s, [M2]) == 2  # February and March (its transitions)
    frame = read(engine, portfolio.balances_by_month, scope=Scope.union(), first=M2, last=M2)
    assert figures.npl_balance(frame, M2) == 650


def _history(engine) -> dict[str, tuple]:
    from sqlalchemy import select

    from data.models import Loan, LoanHistory
    with transaction(engine) as s:
        rows = s.execute(select(Loan.contract_no, LoanHistory.first_month, LoanHistory.last_month,
                                LoanHistory.last_days_past_due, LoanHistory.first_npl_month)
                         .join(LoanHistory, LoanHistory.loan_id == Loan.id)).all()
    return {contract: tuple(rest) for contract, *rest in rows}


def test_loan_history_summarises_each_loan(book):
    engine, _ = book
    # from the table in the fixture's docstring (every row has 0 days past due)
    history = _history(engine)
    assert history == {"L1": (M1, M3, 0, M1), "L2": (M1, M3, 0, None), "L3": (M1, M2, 0, M1),
                       "L4": (M1, M1, 0, None), "L5": (M2, M3, 0, None), "L6": (M1, M3, 0, M2)}


def test_loan_history_after_a_month_is_replaced_equals_a_full_rebuild(book):
    """An import replaces a month's rows: loans dropped from it, new ones, changed classes."""
    engine, _ = book
    from sqlalchemy import delete, select

    from data.models import Loan, LoanMonth
    with transaction(engine) as s:
        ids = dict(s.execute(select(Loan.contract_no, Loan.id)).all())
        s.execute(delete(LoanMonth).where(LoanMonth.month == M3, LoanMonth.loan_id.in_([ids["L1"], ids["L6"]])))
        row = s.get(LoanMonth, (ids["L5"], M3))
        row.loan_class, row.days_past_due = "substandard", 95
        f.month_row(s, s.get(Loan, ids["L3"]), M3, 300, "normal", dpd=10)
        s.flush()
        assert aggregates.rebuild_months(s, [M3]) == 1  # no April: March alone
    incremental = _history(engine)
    assert incremental == {"L1": (M1, M2, 0, M1), "L2": (M1, M3, 0, None), "L3": (M1, M3, 10, M1),
                           "L4": (M1, M1, 0, None), "L5": (M2, M3, 95, M3), "L6": (M1, M2, 0, M2)}
    with transaction(engine) as s:
        assert aggregates.rebuild_loan_history(s) == 6
    assert _history(engine) == incremental


def test_recovered_between_follows_the_segment(book):
    """Feb: L1 (old) 200 and L3 (old) 100; a recovery of 50 on L6 (issued on the cutoff day: new) is added."""
    engine, ids = book
    with transaction(engine) as s:
        from data.models import Loan, Officer
        l6 = s.query(Loan).filter_by(contract_no="L6").one()
        f.action(s, l6, s.get(Officer, l6.officer_id), dt.date(2025, 2, 10), 50)
    feb = dict(first_day=dt.date(2025, 2, 1), last_day=dt.date(2025, 2, 28))
    assert read(engine, recoveries.recovered_between, scope=Scope.union(), **feb) == 350
    assert read(engine, recoveries.recovered_between, scope=Scope.union(), segment="old", **feb) == 300
    assert read(engine, recoveries.recovered_between, scope=Scope.union(), segment="new", **feb) == 50
    assert read(engine, recoveries.recovered_between, scope=Scope.cooperative(ids["A"]), segment="new", **feb) == 0
    assert read(engine, recoveries.recovered_between, scope=Scope.cooperative(ids["B"]), segment="new", **feb) == 50
