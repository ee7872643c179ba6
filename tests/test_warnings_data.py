"""Early-warning reads on hand-made loans; every expected list is worked out by hand in the comments.

Settings: cutoff 2025-01-01, thresholds 90 / 270 / 360 days, evergreening window 30 days.
The month viewed is June 2025 (M); May 2025 is the month before (P).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from data import aggregates, portfolio, warnings, watchlist
from data import settings as settings_store
from data.db import transaction
from data.models import Borrower, Loan, LoanMonth
from domain import warning_rules as rules
from domain.classes import Thresholds, floor_class
from domain.scope import Actor, Scope
from domain.settings import Settings
from tests import factory as f

D = dt.date
JAN, FEB, MAR, APR, MAY, JUN = (D(2025, m, 1) for m in range(1, 7))


@pytest.fixture
def book(engine):
    """Three officers in two cooperatives: A (Ana, Ben) and B (Cy).

    loan    coop/off  issued      May 2025                  June 2025 (M)              notes
    H1      A Ana     2023-03-01  normal 1000 dpd 60        normal 1000 dpd 90         exactly 90 days: floor SM
    H2      A Ana     2023-03-01  SM 2100 dpd 61            SM 2000 dpd 91             91 days: hidden NPL
    H3      A Ben     2023-03-01  normal 3000 dpd 241       normal 3000 dpd 271        floor doubtful: hidden
    H4      B Cy      2023-03-01  sub 600 dpd 370           sub 600 dpd 400            NPL already (under-classed)
    H5      B Cy      2023-03-01  normal 4050               normal 4000 dpd 0          restructured 04-15, sub in March
    H6      B Cy      2023-03-01  normal 900                normal 900                 restructured 04-15, never NPL
    H7      A Ben     2023-03-01  sub 720 dpd 95            SM 700 dpd 10              restructured 05-20, NPL after
    H9      B Cy      2023-03-01  normal 300                normal 300                 restructures 07-10, sub March
    H10     B Cy      2023-03-01  loss 200                  loss 200
    S1      A Ana     2023-03-01  normal 1500               SM 1500 dpd 15             worsened this month
    S2      B Cy      2025-06-03  -                         SM 500 dpd 5               new this month: not worsened
    N1      A Ben     2024-08-29  normal 800                normal 800 overdue 100     matures 2025-08-29 (60 days)
    N2      A Ben     2024-08-30  normal 850                normal 850 overdue 100     matures 2025-08-30 (61 days)
    N3      B Cy      2024-07-15  normal 650                normal 650, no overdue     matures 2025-07-15
    N4      B Cy      2023-03-01  normal 2500 dpd 70        sub 2500 dpd 100           left Normal this month
    Z_old   A Ana     2023-03-01  sub 1200 dpd 90           sub 1200 dpd 120           borrower Z, still open
    Z_new   A Ana     2025-06-10  -                         -                          borrower Z: old loan not repaid
    E_old1  A Ana     2023-01-10  Jan normal dpd 15, Feb SM 4900 dpd 45, then repaid: closing day 2025-02-28
    E_before A Ana    2025-02-10  borrower X, 18 days before the closing            3000  window
    E_same  A Ben     2025-02-28  borrower X, the closing day itself                5000  window (June normal 4800)
    E_edge  A Ana     2025-03-30  borrower X, 30 days after                         4000  window
    E_late  A Ana     2025-03-31  borrower X, 31 days after                         6000  not flagged
    Y_old   B Cy      2022-06-01  Jan-Mar normal dpd 0, then repaid (not overdue): closing 2025-03-31
    Y_new   B Cy      2025-04-05  borrower Y, 5 days after, but Y_old was not overdue 7000  not flagged
    Y_link  B Cy      2025-04-10  refinances Y_old by link                          2500  link (June normal 2400)
    Y_int   B Cy      2025-05-02  purpose interest_payment                          1500  interest
    Y_early B Cy      2024-12-15  refinances Y_old by link, issued before the period       not listed
    V1      A Ana     2025-01-15  10000: SM Mar, sub Apr (first NPL, mob 3), sub May, June doubtful 9000 dpd 280
    V2      B Cy      2025-02-20  6000: sub May (first NPL, mob 3), June loss 5500 dpd 370
    V3      A Ben     2025-04-01  4000: normal May, June sub 4000 dpd 0 (first NPL, mob 2)
    V4      B Cy      2025-01-05  5000: sub March 4900 dpd 100 (first NPL, mob 2), then repaid
    """
    with transaction(engine) as s:
        settings_store.seed(s, Settings(segment_cutoff=D(2025, 1, 1), evergreen_window_days=30))
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        ana, ben, cy = f.officer(s, a, "Ana"), f.officer(s, a, "Ben"), f.officer(s, b, "Cy")
        old = D(2023, 3, 1)
        loans: dict[str, Loan] = {}

        def add(name, coop, off, issued, principal=10_000, **kw):
            loans[name] = f.loan(s, coop, off, issued, principal, contract=name, **kw)
            return loans[name]

        def rows(name, entries):
            for month, (balance, cls, dpd, overdue) in entries.items():
                f.month_row(s, loans[name], month, balance, cls, dpd, overdue)

        def borrower_of(name):
            return s.get(Borrower, loans[name].borrower_id)

        add("H1", a, ana, old); rows("H1", {MAY: (1000, "normal", 60, 50), JUN: (1000, "normal", 90, 50)})
        add("H2", a, ana, old)
        rows("H2", {MAY: (2100, "special_mention", 61, 0), JUN: (2000, "special_mention", 91, 0)})
        add("H3", a, ben, old); rows("H3", {MAY: (3000, "normal", 241, 0), JUN: (3000, "normal", 271, 0)})
        add("H4", b, cy, old); rows("H4", {MAY: (600, "substandard", 370, 0), JUN: (600, "substandard", 400, 0)})
        add("H5", b, cy, old, restructured_on=D(2025, 4, 15))
        rows("H5", {MAR: (4200, "substandard", 100, 0), APR: (4100, "normal", 0, 0), MAY: (4050, "normal", 0, 0),
                    JUN: (4000, "normal", 0, 0)})
        add("H6", b, cy, old, restructured_on=D(2025, 4, 15))
        rows("H6", {MAR: (950, "normal", 0, 0), MAY: (900, "normal", 0, 0), JUN: (900, "normal", 0, 0)})
        add("H7", a, ben, old, restructured_on=D(2025, 5, 20))
        rows("H7", {APR: (750, "normal", 0, 0), MAY: (720, "substandard", 95, 0), JUN: (700, "special_mention", 10, 0)})
        add("H9", b, cy, old, restructured_on=D(2025, 7, 10))
        rows("H9", {MAR: (350, "substandard", 95, 0), MAY: (300, "normal", 0, 0), JUN: (300, "normal", 0, 0)})
        add("H10", b, cy, old); rows("H10", {MAY: (200, "loss", 0, 0), JUN: (200, "loss", 0, 0)})
        add("S1", a, ana, old); rows("S1", {MAY: (1500, "normal", 0, 0), JUN: (1500, "special_mention", 15, 0)})
        add("S2", b, cy, D(2025, 6, 3), 500); rows("S2", {JUN: (500, "special_mention", 5, 0)})
        add("N1", a, ben, D(2024, 8, 29), maturity=D(2025, 8, 29))
        rows("N1", {MAY: (800, "normal", 0, 0), JUN: (800, "normal", 0, 100)})
        add("N2", a, ben, D(2024, 8, 30), maturity=D(2025, 8, 30))
        rows("N2", {MAY: (850, "normal", 0, 0), JUN: (850, "normal", 0, 100)})
        add("N3", b, cy, D(2024, 7, 15), maturity=D(2025, 7, 15))
        rows("N3", {MAY: (650, "normal", 0, 0), JUN: (650, "normal", 0, 0)})
        add("N4", b, cy, old); rows("N4", {MAY: (2500, "normal", 70, 0), JUN: (2500, "substandard", 100, 0)})
        add("Z_old", a, ana, old)
        rows("Z_old", {MAY: (1200, "substandard", 90, 0), JUN: (1200, "substandard", 120, 0)})
        add("Z_new", a, ana, D(2025, 6, 10), 8000, borrower=borrower_of("Z_old"))
        add("E_old1", a, ana, D(2023, 1, 10), 5000)
        rows("E_old1", {JAN: (5000, "normal", 15, 0), FEB: (4900, "special_mention", 45, 0)})
        x = borrower_of("E_old1")
        add("E_before", a, ana, D(2025, 2, 10), 3000, borrower=x)
        add("E_same", a, ben, D(2025, 2, 28), 5000, borrower=x); rows("E_same", {JUN: (4800, "normal", 0, 0)})
        add("E_edge", a, ana, D(2025, 3, 30), 4000, borrower=x)
        add("E_late", a, ana, D(2025, 3, 31), 6000, borrower=x)
        add("Y_old", b, cy, D(2022, 6, 1), 2000)
        rows("Y_old", {m: (2000, "normal", 0, 0) for m in (JAN, FEB, MAR)})
        y = borrower_of("Y_old")
        add("Y_new", b, cy, D(2025, 4, 5), 7000, borrower=y)
        add("Y_link", b, cy, D(2025, 4, 10), 2500, borrower=y, refinances=loans["Y_old"].id)
        rows("Y_link", {APR: (2500, "normal", 0, 0), MAY: (2450, "normal", 0, 0), JUN: (2400, "normal", 0, 0)})
        add("Y_int", b, cy, D(2025, 5, 2), 1500, borrower=y, purpose="interest_payment")
        add("Y_early", b, cy, D(2024, 12, 15), 900, borrower=y, refinances=loans["Y_old"].id)
        add("V1", a, ana, D(2025, 1, 15), 10_000)
        rows("V1", {JAN: (10_000, "normal", 0, 0), FEB: (10_000, "normal", 0, 0), MAR: (9800, "special_mention", 40, 0),
                    APR: (9500, "substandard", 100, 0), MAY: (9200, "substandard", 130, 0),
                    JUN: (9000, "doubtful", 280, 0)})
        add("V2", b, cy, D(2025, 2, 20), 6000)
        rows("V2", {FEB: (6000, "normal", 0, 0), MAR: (6000, "normal", 0, 0), APR: (6000, "normal", 0, 0),
                    MAY: (5800, "substandard", 100, 0), JUN: (5500, "loss", 370, 0)})
        add("V3", a, ben, D(2025, 4, 1), 4000)
        rows("V3", {APR: (4000, "normal", 0, 0), MAY: (4000, "normal", 0, 0), JUN: (4000, "substandard", 0, 0)})
        add("V4", b, cy, D(2025, 1, 5), 5000)
        rows("V4", {JAN: (5000, "normal", 0, 0), FEB: (5000, "special_mention", 40, 0),
                    MAR: (4900, "substandard", 100, 0)})
        s.flush()
        aggregates.rebuild_all(s)
        ids = {"A": a.id, "B": b.id, "Ana": ana.id, "Ben": ben.id, "Cy": cy.id}
    return engine, ids


def read(engine, function, **kwargs):
    with transaction(engine) as s:
        return function(s, **kwargs)


UNION = Scope.union()


# --- Special Mention ---------------------------------------------------------------------------------------------
def test_special_mention_list_worsened_first(book):
    engine, _ = book
    table = read(engine, warnings.list_special_mention, scope=UNION, month=JUN)
    # June SM: S1 1500 (Normal in May: worsened), H2 2000 (SM in May), H7 700 (sub in May: improved), S2 500 (new)
    assert list(table.contract_no) == ["S1", "H2", "H7", "S2"]
    assert list(table.worsened) == [True, False, False, False]
    assert list(table.officer) == ["Ana", "Ana", "Ben", "Cy"]
    assert list(table.days_past_due) == [15, 91, 10, 5]
    assert list(table.previous_class.fillna("-")) == ["normal", "special_mention", "substandard", "-"]
    assert read(engine, warnings.get_special_mention_worsened, scope=UNION, month=JUN) == rules.Total(1, 1500)
    first_two = read(engine, warnings.list_special_mention, scope=UNION, month=JUN, limit=2)
    assert list(first_two.contract_no) == ["S1", "H2"]


def test_special_mention_trend_from_portfolio_month(book):
    engine, _ = book
    balances = read(engine, portfolio.balances_by_month, scope=UNION, first=JAN, last=JUN)
    trend = rules.class_trend(balances, "special_mention", [APR, MAY, JUN])
    # April: none; May: H2 2100; June: H2 2000 + H7 700 + S1 1500 + S2 500 = 4700
    assert trend.balance_cents.tolist() == [0, 2100, 4700]
    assert trend.loan_count.tolist() == [0, 1, 4]
    assert rules.change(trend, JUN) == 2600
    assert rules.change(trend, APR) is None


# --- Normal loans at risk ----------------------------------------------------------------------------------------
def test_normal_at_risk_ranked_by_balance(book):
    engine, _ = book
    table = read(engine, warnings.list_normal_at_risk, scope=UNION, month=JUN)
    # V3 4000 (left Normal), H3 3000 (271 dpd), N4 2500 (left Normal, 100 dpd), S1 1500 (left Normal, 15 dpd),
    # H1 1000 (90 dpd), N1 800 (matures in exactly 60 days with 100 overdue). Not: N2 (61 days), N3 (no
    # overdue), H5/H6/H9 (no arrears), S2 (new, not Normal), H2 (SM both months).
    assert list(table.contract_no) == ["V3", "H3", "N4", "S1", "H1", "N1"]
    assert list(table.days_past_due_flag) == [False, True, True, True, True, False]
    assert list(table.worsened_flag) == [True, False, True, True, False, False]
    assert list(table.maturity_flag) == [False, False, False, False, False, True]
    assert read(engine, warnings.get_normal_at_risk_total, scope=UNION, month=JUN) == rules.Total(6, 12_800)
    new_only = read(engine, warnings.list_normal_at_risk, scope=UNION, month=JUN, segment="new")
    assert list(new_only.contract_no) == ["V3"]


def test_normal_at_risk_sql_agrees_with_python_rule(book):
    engine, _ = book
    with transaction(engine) as s:
        loans = {ln.contract_no: ln for ln in s.scalars(select(Loan))}
        by_id = {ln.id: ln for ln in loans.values()}
        months = {(r.loan_id, r.month): r for r in s.scalars(select(LoanMonth).where(LoanMonth.month.in_([MAY, JUN])))}
        expected = set()
        for (loan_id, month), row in months.items():
            if month != JUN:
                continue
            before = months.get((loan_id, MAY))
            ln = by_id[loan_id]
            if rules.normal_risk_reasons(current_class=row.loan_class,
                                         previous_class=before.loan_class if before else None,
                                         days_past_due=row.days_past_due, overdue_cents=row.overdue_cents,
                                         maturity_date=ln.maturity_date, month=JUN):
                expected.add(ln.contract_no)
    got = set(read(engine, warnings.list_normal_at_risk, scope=UNION, month=JUN).contract_no)
    assert got == expected == {"V3", "H3", "N4", "S1", "H1", "N1"}


# --- Hidden NPLs -------------------------------------------------------------------------------------------------
def test_hidden_npls_list_and_by_officer(book):
    engine, ids = book
    table = read(engine, warnings.list_hidden_npls, scope=UNION, month=JUN)
    # H5 4000 restructured after being sub in March; H3 3000 at 271 days; H2 2000 at 91 days.
    # Not: H1 (exactly 90 days), H4 (already NPL), H6 (never NPL), H7 (NPL only after restructuring),
    # H9 (restructures in July), V1/V2/V3/N4 (recorded NPL).
    assert list(table.contract_no) == ["H5", "H3", "H2"]
    assert list(table.floor_class) == ["substandard", "doubtful", "substandard"]
    assert list(table.loan_class) == ["normal", "normal", "special_mention"]
    assert list(table.reason) == ["restructured", "days_past_due", "days_past_due"]
    by_officer = read(engine, warnings.list_hidden_npl_by_officer, scope=UNION, month=JUN)
    got = {(r.cooperative, r.officer, r.loan_class): (r.loan_count, r.balance_cents) for r in by_officer.itertuples()}
    assert got == {("Cooperative A", "Ana", "special_mention"): (1, 2000),
                   ("Cooperative A", "Ben", "normal"): (1, 3000), ("Cooperative B", "Cy", "normal"): (1, 4000)}
    rolled = rules.hidden_by_cooperative(by_officer)
    assert rolled.values.tolist() == [["Cooperative A", 2, 5000], ["Cooperative B", 1, 4000]]
    assert list(read(engine, warnings.list_hidden_npls, scope=Scope.cooperative(ids["B"]), month=JUN).contract_no) \
        == ["H5"]
    assert list(read(engine, warnings.list_hidden_npls, scope=Scope(officer_id=ids["Ana"]), month=JUN).contract_no) \
        == ["H2"]
    assert read(engine, warnings.list_hidden_npls, scope=UNION, month=JUN, segment="new").empty


def test_npl_ratio_if_hidden_npls_were_reclassified(book):
    engine, _ = book
    balances = read(engine, portfolio.balances_by_month, scope=UNION, first=MAY, last=JUN)
    # June NPL: H4 600 + H10 200 + N4 2500 + Z_old 1200 + V1 9000 + V2 5500 + V3 4000 = 23000
    # June gross: H 12700 + S 2000 + N 4800 + Z_old 1200 + E_same 4800 + Y_link 2400 + V 18500 = 46400
    assert rules.reclassified_npl_ratio(balances, JUN, 0) == pytest.approx(23_000 / 46_400)
    assert rules.reclassified_npl_ratio(balances, JUN, 9000) == pytest.approx(32_000 / 46_400)


@pytest.mark.parametrize("thresholds", [Thresholds(), Thresholds(60, 180, 300), Thresholds(10, 100, 270)])
def test_floor_in_sql_agrees_with_floor_class(book, thresholds):
    engine, _ = book
    with transaction(engine) as s:
        restructured = watchlist.restructured_npl_sql(JUN)
        stmt = (select(Loan.contract_no, LoanMonth.days_past_due,
                       watchlist.floor_class_sql(LoanMonth.days_past_due, thresholds),
                       watchlist.floor_class_sql(LoanMonth.days_past_due, thresholds, restructured))
                .join(Loan, Loan.id == LoanMonth.loan_id).where(LoanMonth.month == JUN))
        got = s.execute(stmt).all()
    assert len(got) == 21
    restructured_npls = {"H5"}  # worked out above: the only loan NPL at a month end before its restructuring
    for contract, dpd, plain, with_restructuring in got:
        assert plain == floor_class(dpd, thresholds), contract
        assert with_restructuring == floor_class(dpd, thresholds, restructured_npl=contract in restructured_npls), \
            contract


def test_hidden_npls_sql_agrees_with_python_mask(book):
    engine, _ = book
    with transaction(engine) as s:
        june = s.execute(select(Loan.contract_no, LoanMonth.loan_class, LoanMonth.days_past_due)
                         .join(Loan, Loan.id == LoanMonth.loan_id).where(LoanMonth.month == JUN)).all()
    frame = pd.DataFrame(june, columns=["contract_no", "loan_class", "days_past_due"])
    frame["restructured_npl"] = frame.contract_no == "H5"
    expected = set(frame.contract_no[rules.hidden_npl_mask(frame, Thresholds())])
    assert set(read(engine, warnings.list_hidden_npls, scope=UNION, month=JUN).contract_no) == expected


def test_hidden_npls_follow_the_threshold_setting(book):
    engine, _ = book
    with transaction(engine) as s:  # the admin's change rebuilds every month's watch list
        admin = Actor(f.user(s, "adm", "admin").id, "adm", "admin", Scope.union())
        settings_store.update(s, actor=admin, changes={"substandard_days": "60", "doubtful_days": "180",
                                                       "loss_days": "300"})
    # with 60 days: H1 (90 days) becomes hidden too; S1 (15) and H7 (10) do not
    table = read(engine, warnings.list_hidden_npls, scope=UNION, month=JUN)
    assert list(table.contract_no) == ["H5", "H3", "H2", "H1"]
    assert list(table.floor_class) == ["substandard", "doubtful", "substandard", "substandard"]


# --- Evergreening ------------------------------------------------------------------------------------------------
def test_evergreening_list(book):
    engine, _ = book
    table = read(engine, warnings.list_evergreening, scope=UNION, first=JAN, month=JUN)
    # issued 2025-01-01..06-30 and flagged, largest principal first:
    # E_same 5000 (closing day), E_edge 4000 (30 days after), E_before 3000 (18 days before), Y_link 2500 (link),
    # Y_int 1500 (interest). Not: E_late (31 days), Y_new (old not overdue), Z_new (old still open), Y_early.
    assert list(table.contract_no) == ["E_same", "E_edge", "E_before", "Y_link", "Y_int"]
    assert list(table.window_flag) == [True, True, True, False, False]
    assert list(table.link_flag) == [False, False, False, True, False]
    assert list(table.interest_flag) == [False, False, False, False, True]
    assert list(table.old_contract.fillna("-")) == ["E_old1", "E_old1", "E_old1", "Y_old", "-"]
    assert list(table.balance_cents) == [4800, 0, 0, 2400, 0]
    march_on = read(engine, warnings.list_evergreening, scope=UNION, first=MAR, month=JUN)
    assert list(march_on.contract_no) == ["E_edge", "Y_link", "Y_int"]


def test_evergreening_by_officer(book):
    engine, ids = book
    table = read(engine, warnings.list_evergreening_by_officer, scope=UNION, first=JAN, month=JUN)
    # Ana: E_edge 4000 + E_before 3000; Ben: E_same 5000 (balance 4800); Cy: Y_link 2500 (2400) + Y_int 1500
    assert table[["officer", "loan_count", "principal_cents", "balance_cents", "link_count", "window_count",
                  "interest_count"]].values.tolist() == [["Ana", 2, 7000, 0, 0, 2, 0], ["Ben", 1, 5000, 4800, 0, 1, 0],
                                                         ["Cy", 2, 4000, 2400, 1, 0, 1]]
    only_b = read(engine, warnings.list_evergreening_by_officer, scope=Scope.cooperative(ids["B"]), first=JAN,
                  month=JUN)
    assert list(only_b.officer) == ["Cy"]


def test_evergreening_sql_agrees_with_python_rules(book):
    engine, _ = book
    with transaction(engine) as s:
        loans = list(s.scalars(select(Loan)))
        last = dict(s.execute(select(LoanMonth.loan_id, LoanMonth.month).order_by(LoanMonth.month)).all())
        rows = {(r.loan_id, r.month): r for r in s.scalars(select(LoanMonth))}
    closings: dict[int, list[tuple[int, dt.date, dt.date]]] = {}
    for ln in loans:
        if ln.id in last and last[ln.id] < JUN and rows[(ln.id, last[ln.id])].days_past_due > 0:
            closings.setdefault(ln.borrower_id, []).append((ln.id, ln.issue_date, rules.closing_day(last[ln.id])))
    expected = set()
    for ln in loans:
        if not JAN <= ln.issue_date <= D(2025, 6, 30):
            continue
        days = [day for old_id, issued, day in closings.get(ln.borrower_id, [])
                if old_id != ln.id and issued <= ln.issue_date]
        if rules.evergreen_rules(refinances_loan_id=ln.refinances_loan_id, purpose=ln.purpose, issue_date=ln.issue_date,
                                 overdue_closings=days, window_days=30):
            expected.add(ln.contract_no)
    got = set(read(engine, warnings.list_evergreening, scope=UNION, first=JAN, month=JUN).contract_no)
    assert got == expected == {"E_same", "E_edge", "E_before", "Y_link", "Y_int"}


def test_evergreening_window_follows_the_setting(book):
    engine, _ = book
    with transaction(engine) as s:
        settings_store.seed(s, Settings(segment_cutoff=D(2025, 1, 1), evergreen_window_days=31))
    table = read(engine, warnings.list_evergreening, scope=UNION, first=JAN, month=JUN)
    assert "E_late" in set(table.contract_no)  # 31 days after the closing: inside a 31-day window


# --- New-NPL flow ------------------------------------------------------------------------------------------------
def test_new_npl_by_officer(book):
    engine, ids = book
    table = read(engine, warnings.list_new_npl_by_officer, scope=UNION, month=JUN)
    # new segment in June: Ana V1 9000 doubtful; Cy V2 5500 loss + Y_link 2400 + S2 500; Ben V3 4000 sub + E_same 4800
    assert table[["officer", "npl_count", "npl_cents", "gross_cents"]].values.tolist() == [
        ["Ana", 1, 9000, 9000], ["Cy", 1, 5500, 8400], ["Ben", 1, 4000, 8800]]
    only_a = read(engine, warnings.list_new_npl_by_officer, scope=Scope.cooperative(ids["A"]), month=JUN)
    assert list(only_a.officer) == ["Ana", "Ben"]


def test_vintage_rows_and_curves(book):
    engine, _ = book
    rows = read(engine, warnings.list_vintage_rows, scope=UNION, month=JUN)
    got = {(r.issue_year, r.issue_month, None if pd.isna(r.npl_mob) else int(r.npl_mob)):
           (r.loan_count, r.principal_cents) for r in rows.itertuples()}
    # Jan: V1 (first NPL April: mob 3), V4 (March: mob 2); Feb: V2 (May: mob 3), E_before, E_same;
    # Mar: E_edge, E_late; Apr: V3 (June: mob 2), Y_new, Y_link; May: Y_int; Jun: Z_new, S2
    assert got == {(2025, 1, 3): (1, 10_000), (2025, 1, 2): (1, 5000), (2025, 2, 3): (1, 6000),
                   (2025, 2, None): (2, 8000), (2025, 3, None): (2, 10_000), (2025, 4, 2): (1, 4000),
                   (2025, 4, None): (2, 9500), (2025, 5, None): (1, 1500), (2025, 6, None): (2, 8500)}
    by_quarter = rules.vintage_by_quarter(rows)
    # Q1 issued 39000 of which V1 + V4 + V2 = 21000 became NPL; Q2 issued 23500, V3 4000
    columns = ["quarter", "loans_issued", "principal_cents", "npl_loans", "npl_principal_cents"]
    assert by_quarter[columns].values.tolist() == [["2025-Q1", 7, 39_000, 3, 21_000], ["2025-Q2", 6, 23_500, 1, 4000]]
    curves = rules.vintage_curves(rows, JUN)
    q1 = curves[curves.quarter == "2025-Q1"]
    # Q1's last issue month (March) has 3 months on book by June: points 0..3
    assert q1.months_on_book.tolist() == [0, 1, 2, 3]
    assert q1.npl_principal_cents.tolist() == [0, 0, 5000, 21_000]
    assert q1.npl_share.tolist() == pytest.approx([0, 0, 5000 / 39_000, 21_000 / 39_000])
    assert curves[curves.quarter == "2025-Q2"].months_on_book.tolist() == [0]
