"""The read summaries (data/summaries.py) equal the figures computed from the raw rows, to the cent, after
every kind of write: the action command and the disposal command, imports of assignments and actions and
their re-imports, tape imports, a re-imported tape, a withdrawn tape, and setting changes. On both engines.

The raw figures are computed here in Python from the base tables (collection_action, loan, loan_month), not
with the SQL the summaries are built from, so a wrong summary definition fails too.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import select

import pandas as pd

from data import actions, method_summary, methods, recoveries, settings as settings_store
from data.db import session_factory, transaction
from data.importer import system_actor
from data.importer.batches import withdraw
from data.importer.records import import_records
from data.importer.tape import import_tape
from data.models import (Assignment, CollectionAction, Cooperative, EvergreenPair, ImportBatch, Loan, LoanMonth,
                         MethodPeriod, MethodPeriodDays, RecoveryMonth, VintageCell)
from domain import method_figures as mf
from data.settings import get as get_settings
from domain.classes import NPL_CLASSES
from domain.months import month_end
from domain.scope import Actor, Scope
from domain.segments import NEW, OLD
from tests import factory

TODAY = dt.date(2026, 11, 30)
TAPE = "contract_no,cooperative_code,officer_employee_no,borrower_name,borrower_id,issue_date,maturity_date," \
       "principal,month,outstanding,overdue,days_past_due,loan_class\n"
ASSIGNMENTS = "id,contract_no,employee_no,assigned_on,target,deadline,outcome,closed_on\n"
ACTIONS = "id,contract_no,method,action_date,recovered,cost\n"


def _tape_line(contract: str, borrower: str, issued: str, principal: str, month: str, balance: str, dpd: int = 0,
               loan_class: str = "normal", officer: str = "E1") -> str:
    overdue = "10.00" if dpd else "0"
    return f"{contract},C01,{officer},Borrower {borrower},{borrower},{issued},2028-01-01,{principal},{month}," \
           f"{balance},{overdue},{dpd},{loan_class}\n"


# --- the raw figures --------------------------------------------------------------------------------------------
def raw_recovered(s) -> dict[int, int]:
    sums: dict[int, int] = defaultdict(int)
    for assignment_id, cents in s.execute(select(CollectionAction.assignment_id, CollectionAction.recovered_cents)):
        if assignment_id is not None:
            sums[assignment_id] += cents
    return {a: sums.get(a, 0) for a in s.scalars(select(Assignment.id))}


def raw_recovery_months(s) -> Counter:
    cells: Counter = Counter()
    for a in s.scalars(select(CollectionAction)):
        key = (a.action_date.replace(day=1), a.cooperative_id, a.officer_id, a.method)
        cells[key + ("recovered",)] += a.recovered_cents
        cells[key + ("cost",)] += a.cost_cents
        cells[key + ("actions",)] += 1
    return cells


def _months_by_loan(s) -> dict[int, list[tuple[dt.date, str, int]]]:
    months: dict[int, list] = defaultdict(list)
    for loan_id, month, loan_class, dpd in s.execute(select(LoanMonth.loan_id, LoanMonth.month, LoanMonth.loan_class,
                                                            LoanMonth.days_past_due)):
        months[loan_id].append((month, loan_class, dpd))
    return months


def raw_vintages(s) -> Counter:
    cutoff = get_settings(s).segment_cutoff
    months = _months_by_loan(s)
    cells: Counter = Counter()
    for ln in s.scalars(select(Loan)):
        npl = [m for m, c, _ in months.get(ln.id, []) if c in NPL_CLASSES]
        key = (ln.issue_date.replace(day=1), OLD if ln.issue_date < cutoff else NEW, ln.cooperative_id,
               min(npl) if npl else None)
        cells[key + ("count",)] += 1
        cells[key + ("principal",)] += ln.principal_cents
    return cells


def raw_pairs(s) -> set[tuple[int, int, dt.date, dt.date]]:
    window = get_settings(s).evergreen_window_days
    months = _months_by_loan(s)
    loans = list(s.scalars(select(Loan)))
    pairs = set()
    for old in loans:
        if not months.get(old.id):
            continue
        last, _, dpd = max(months[old.id])
        if dpd <= 0:
            continue
        for new in loans:
            if (new.borrower_id == old.borrower_id and new.id != old.id and old.issue_date <= new.issue_date
                    and abs((new.issue_date - month_end(last)).days) <= window):
                pairs.add((new.id, old.id, last, new.issue_date))
    return pairs


def check_summaries(engine) -> None:
    """Every summary equals its raw figure (and is not trivially empty where the raw one is not)."""
    with session_factory(engine)() as s:
        stored = {a.id: a.recovered_cents for a in s.scalars(select(Assignment))}
        assert stored == raw_recovered(s)
        months: Counter = Counter()
        for r in s.scalars(select(RecoveryMonth)):
            key = (r.month, r.cooperative_id, r.officer_id, r.method)
            months[key + ("recovered",)] += r.recovered_cents
            months[key + ("cost",)] += r.cost_cents
            months[key + ("actions",)] += r.actions
        assert months == raw_recovery_months(s)
        cells: Counter = Counter()
        for c in s.scalars(select(VintageCell)):
            key = (c.issue_month, c.segment, c.cooperative_id, c.first_npl_month)
            cells[key + ("count",)] += c.loan_count
            cells[key + ("principal",)] += c.principal_cents
        assert cells == raw_vintages(s)
        assert {tuple(row) for row in s.execute(select(EvergreenPair.new_loan_id, EvergreenPair.old_loan_id,
                                                       EvergreenPair.old_last_month,
                                                       EvergreenPair.new_issue_date))} == raw_pairs(s)
    check_method_summary(engine)


def _period_rows(s) -> tuple[Counter, Counter]:
    sums, days = Counter(), Counter()
    for r in s.scalars(select(MethodPeriod)):
        key = (r.first_month, r.last_month, r.cooperative_id, r.segment, r.method)
        for column in method_summary.PERIOD_SUMS:
            sums[key + (column,)] += getattr(r, column)
    for r in s.scalars(select(MethodPeriodDays)):
        days[(r.first_month, r.last_month, r.cooperative_id, r.segment, r.method, r.days)] += r.loans
    return {k: v for k, v in sums.items() if v}, {k: v for k, v in days.items() if v}


def check_method_summary(engine) -> None:
    """The methods page's figures from the summary (data.method_summary) equal those worked from the actions
    (data.methods.loans_worked, whose figures tests/test_methods_data.py checks by hand) for every period of
    whole months, the whole union and each cooperative, every segment."""
    with session_factory(engine)() as s:  # the default period's rows, kept by each write, equal a rebuild's
        kept = _period_rows(s)
        method_summary.rebuild_period(s)
        assert _period_rows(s) == kept
        if s.scalar(select(CollectionAction.id).limit(1)) is not None and s.scalar(select(LoanMonth.month).limit(1)):
            assert kept[0], "the default period has rows"
        s.rollback()
    with session_factory(engine)() as s:
        months = sorted({a.replace(day=1) for a in s.scalars(select(CollectionAction.action_date))}
                        | set(s.scalars(select(LoanMonth.month).distinct())))
        scopes = [Scope.union()] + [Scope.cooperative(c) for c in s.scalars(select(Cooperative.id))]
        for first, last in [(a, b) for a in months for b in months if a <= b]:
            for scope in scopes:
                for segment in (None, OLD, NEW):
                    period = dict(scope=scope, first_day=first, last_day=month_end(last), segment=segment)
                    got = methods.method_groups(s, **period)
                    want = mf.groups(methods.loans_worked(s, **period))
                    assert got.totals == want.totals, (period, got.totals, want.totals)
                    for name in ("table", "by_cooperative", "by_segment"):
                        pd.testing.assert_frame_equal(getattr(got, name).reset_index(drop=True),
                                                      getattr(want, name).reset_index(drop=True),
                                                      check_dtype=False, obj=f"{name} {period}")


def _import(engine, kind: str, text: str) -> None:
    with transaction(engine) as s:
        result = import_records(s, actor=system_actor(), kind=kind, data=text.encode(), filename=f"{kind}.csv",
                                today=TODAY)
        assert result.written, result.errors


def _tape(engine, text: str, month: dt.date) -> None:
    with transaction(engine) as s:
        result = import_tape(s, actor=system_actor(), data=text.encode(), filename="tape.csv", month=month,
                             allow_shrink=True, today=TODAY)
        assert result.ok and result.written, result.errors


def _recovered(engine, source_id: str) -> int:
    with session_factory(engine)() as s:
        return s.scalar(select(Assignment.recovered_cents).where(Assignment.source_id == source_id))


def test_summaries_equal_the_raw_figures_through_writes_imports_and_a_withdrawal(engine):
    aug, sep, oct_ = dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)
    _import(engine, "cooperatives", "cooperative_code,name\nC01,Qinghe\n")
    _import(engine, "officers", "employee_no,name,cooperative_code\nE1,Wang,C01\nE2,Li,C01\n")
    with transaction(engine) as s:
        settings_store.seed(s, get_settings(s).__class__(segment_cutoff=dt.date(2025, 6, 1),
                                                          evergreen_window_days=30))
    # August: K1 (borrower B1, overdue), K2 (B2), K5 (B2, old segment)
    _tape(engine, TAPE + _tape_line("K1", "B1", "2025-07-10", "5000.00", "2026-08", "4000.00", 40, "special_mention")
          + _tape_line("K2", "B2", "2025-08-20", "3000.00", "2026-08", "2500.00")
          + _tape_line("K5", "B2", "2025-03-01", "1000.00", "2026-08", "800.00", officer="E2"), aug)
    check_summaries(engine)

    _import(engine, "assignments", ASSIGNMENTS + "A1,K1,E1,2026-08-05,1000.00,2026-12-31,open,\n"
                                                 "A2,K2,E2,2026-07-01,500.00,2026-12-31,open,\n")
    _import(engine, "actions", ACTIONS + "X1,K1,direct,2026-08-20,100.00,5.00\nX2,K2,direct,2026-07-21,20.50,0\n"
                                         "X3,K2,village,2026-08-25,0,1.00\n")
    check_summaries(engine)
    assert _recovered(engine, "A1") == 10_000 and _recovered(engine, "A2") == 2_050

    with transaction(engine) as s:  # the action command, booked to K2's open assignment
        supervisor = Actor(user_id=None, username="supervisor", role="supervisor", scope=Scope.union())
        actions.record_action(s, actor=supervisor, contract_no="K2", method="direct", action_date=dt.date(2026, 9, 2),
                              recovered_cents=1_234, cost_cents=0, outcome="paid_partial", today=TODAY)
    check_summaries(engine)
    assert _recovered(engine, "A2") == 2_050 + 1_234

    # September: K1 repaid (gone) while overdue; K3 of the same borrower issued 10 days after August's end;
    # K2 becomes an NPL
    september = TAPE + _tape_line("K2", "B2", "2025-08-20", "3000.00", "2026-09", "2400.00", 100, "substandard") \
        + _tape_line("K3", "B1", "2026-09-10", "6000.00", "2026-09", "6000.00") \
        + _tape_line("K5", "B2", "2025-03-01", "1000.00", "2026-09", "700.00", officer="E2")
    _tape(engine, september, sep)
    check_summaries(engine)
    with session_factory(engine)() as s:
        assert len(s.scalars(select(EvergreenPair)).all()) == 1  # (K3, K1): not trivially empty

    # actions imported again: X1 changed, X2 moved to K2's second assignment, a new one on K3 (no assignment)
    _import(engine, "assignments", ASSIGNMENTS + "A2,K2,E2,2026-07-01,500.00,2026-12-31,missed,2026-09-05\n"
                                                 "A3,K2,E1,2026-09-06,800.00,2027-03-31,open,\n")
    _import(engine, "actions", ACTIONS + "X1,K1,direct,2026-08-20,150.00,5.00\nX2,K2,direct,2026-09-10,20.50,0\n"
                                         "X4,K3,direct,2026-09-20,7.00,0\n")
    check_summaries(engine)
    assert (_recovered(engine, "A1"), _recovered(engine, "A2"), _recovered(engine, "A3")) == (15_000, 1_234, 2_050)
    with session_factory(engine)() as s:  # X2 left July, a month nothing else touched: July is empty again
        july = dt.date(2026, 7, 1)
        assert recoveries.recovered_between(s, scope=Scope.union(), first_day=july, last_day=month_end(july)) == 0
        assert recoveries.recovered_between(s, scope=Scope.union(), first_day=aug, last_day=month_end(aug)) == 15_000
        assert recoveries.recovered_between(s, scope=Scope.union(), first_day=dt.date(2026, 8, 21),
                                            last_day=dt.date(2026, 9, 10)) == 1_234 + 2_050

    # September imported again with K3 moved into the old segment's window and K2 doubtful
    _tape(engine, september.replace("K3,C01,E1,Borrower B1,B1,2026-09-10", "K3,C01,E2,Borrower B1,B1,2026-09-25")
          .replace("100,substandard", "200,doubtful"), sep)
    check_summaries(engine)
    # and once more with K2 (worked by actions) issued before the cutoff: its actions move to the old segment
    _tape(engine, september.replace("K3,C01,E1,Borrower B1,B1,2026-09-10", "K3,C01,E2,Borrower B1,B1,2026-09-25")
          .replace("100,substandard", "200,doubtful").replace("B2,2025-08-20", "B2,2025-05-20"), sep)
    check_summaries(engine)
    with session_factory(engine)() as s:
        assert s.scalar(select(Loan.issue_date).where(Loan.contract_no == "K2")) == dt.date(2025, 5, 20)

    # October, with a new loan K4 of borrower B2, then withdrawn: K4 goes, the summaries follow
    _tape(engine, TAPE + _tape_line("K2", "B2", "2025-08-20", "3000.00", "2026-10", "2300.00", 130, "doubtful")
          + _tape_line("K3", "B1", "2026-09-25", "6000.00", "2026-10", "5900.00", 5, "normal", officer="E2")
          + _tape_line("K4", "B2", "2026-10-05", "900.00", "2026-10", "900.00"), oct_)
    check_summaries(engine)
    with transaction(engine) as s:
        batch = s.scalar(select(ImportBatch.id).where(ImportBatch.month == oct_))
        withdraw(s, actor=system_actor(), batch_id=batch, reason="wrong file")
    check_summaries(engine)
    with session_factory(engine)() as s:
        assert s.scalar(select(Loan.id).where(Loan.contract_no == "K4")) is None

    # settings: a wider window, then a later cutoff, through the audited command
    with transaction(engine) as s:
        settings_store.update(s, actor=system_actor(), changes={"evergreen_window_days": "60"})
    check_summaries(engine)
    with transaction(engine) as s:
        settings_store.update(s, actor=system_actor(), changes={"segment_cutoff": "2025-08-01"})
    check_summaries(engine)


def test_a_disposal_books_its_proceeds_to_the_assignment(engine):
    """data.asset_commands.record_disposal writes a collection action: its assignment's sum follows."""
    from data import asset_commands
    from data.models import ForeclosedAsset

    with transaction(engine) as s:
        coop = factory.cooperative(s, "D1")
        off = factory.officer(s, coop, "Zhao")
        ln = factory.loan(s, coop, off, dt.date(2025, 1, 1))
        factory.month_row(s, ln, dt.date(2026, 9, 1), 50_000, "loss", 400)
        assignment = factory.assignment(s, ln, off, dt.date(2026, 1, 1), 10_000, dt.date(2026, 12, 31))
        asset = ForeclosedAsset(loan_id=ln.id, cooperative_id=coop.id, asset_type="land", description="plot",
                                on_balance_sheet=True, acquired_on=dt.date(2026, 2, 1), book_value_cents=30_000,
                                status="pending", lease_income_cents=0)
        s.add(asset)
        s.flush()
        ids = asset.id, assignment.id
    with transaction(engine) as s:
        supervisor = Actor(user_id=None, username="supervisor", role="supervisor", scope=Scope.union())
        asset_commands.record_disposal(s, actor=supervisor, asset_id=ids[0], method="auction",
                                       disposed_on=dt.date(2026, 10, 1), proceeds_cents=12_345, today=TODAY)
    with session_factory(engine)() as s:
        assert s.get(Assignment, ids[1]).recovered_cents == 12_345
        assert raw_recovered(s) == {a.id: a.recovered_cents for a in s.scalars(select(Assignment))}


def test_the_method_figures_are_cached_under_the_tables_of_both_paths(engine):
    """method_groups reads the summary or the actions depending on its arguments; whichever its first call took,
    the store keys its results by the tables of both (data.versions.note_read), so no write is missed."""
    from data import versions

    with versions.recording_reads() as tables, session_factory(engine)() as s:
        methods.method_groups(s, scope=Scope.union(), first_day=dt.date(2026, 8, 1), last_day=dt.date(2026, 8, 31))
    assert {"collection_action", "assignment", "loan_month", "method_month", "method_recovery_days",
            "method_period", "method_period_days"} <= tables
