"""Collection-method, legal and village reads on a hand-made fixture; every number worked out in comments."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data import methods
from data import settings as settings_store
from data.db import transaction
from data.models import Borrower, LegalCase
from domain import method_figures as mf
from domain.methods import METHODS
from domain.scope import Scope
from domain.settings import Settings
from tests import factory as f

D = dt.date
PERIOD = dict(first_day=D(2025, 2, 1), last_day=D(2025, 3, 31))


def _case(s, ln, filed, claim, stage, *, judgment=None, enforcement=None, closed=None, costs=0, recovered=0):
    s.add(LegalCase(loan_id=ln.id, cooperative_id=ln.cooperative_id, court="County court", filed_on=filed,
                    claim_cents=claim, stage=stage, judgment_on=judgment, enforcement_on=enforcement,
                    closed_on=closed, costs_cents=costs, recovered_cents=recovered))


@pytest.fixture
def book(engine):
    """Two cooperatives, five loans, three months; cutoff 2025-01-01; period 2025-02-01 .. 2025-03-31.

    loan  coop village  issued      2025-01      2025-02      2025-03     assignment
    L1    A    North    2023-05-01  sub  1000    loss  800    loss  800   oa from 2025-01-20
    L2    A    North    2025-02-10  -            sub   700    sub   650   none          (new segment)
    L3    B    South    2022-01-01  dbt   500    dbt   400    -           ob from 2025-01-10
    L4    B    -        2024-06-01  loss 2000    loss 2000    loss 1900   ob from 2025-02-01
    L5    A    North    2024-01-01  -            nor  5000    -           none (never worked)

    actions (recovered / cost):
      #1 L1 direct  2025-01-25  999 / 0    before the period: ignored
      #2 L1 direct  2025-02-05  200 / 10
      #3 L1 direct  2025-03-10    0 / 5
      #4 L1 village 2025-03-15  100 / 0    village funds
      #5 L2 direct  2025-02-20   50 / 0
      #6 L3 village 2025-02-28  100 / 20   subsidy
      #7 L3 legal   2025-03-01  400 / 50
      #8 L4 legal   2025-03-05    0 / 30
      #9 L4 direct  2025-04-02   70 / 0    after the period: ignored
    """
    with transaction(engine) as s:
        settings_store.seed(s, Settings(segment_cutoff=D(2025, 1, 1)))
        a, b = f.cooperative(s, "A", "Alpha"), f.cooperative(s, "B", "Beta")
        north, south = f.village(s, a, "North"), f.village(s, b, "South")
        oa, ob = f.officer(s, a, "Ana"), f.officer(s, b, "Bo")

        def loan(coop, off, issued, contract, village):
            borrower = Borrower(cooperative_id=coop.id, name=f"Borrower {contract}", kind="household",
                                village_id=village.id if village else None)
            s.add(borrower)
            s.flush()
            return f.loan(s, coop, off, issued, contract=contract, borrower=borrower)

        l1 = loan(a, oa, D(2023, 5, 1), "L1", north)
        l2 = loan(a, oa, D(2025, 2, 10), "L2", north)
        l3 = loan(b, ob, D(2022, 1, 1), "L3", south)
        l4 = loan(b, ob, D(2024, 6, 1), "L4", None)
        l5 = loan(a, oa, D(2024, 1, 1), "L5", north)
        J, F, M = D(2025, 1, 1), D(2025, 2, 1), D(2025, 3, 1)
        for ln, month, balance, cls in [
            (l1, J, 1000, "substandard"), (l1, F, 800, "loss"), (l1, M, 800, "loss"),
            (l2, F, 700, "substandard"), (l2, M, 650, "substandard"),
            (l3, J, 500, "doubtful"), (l3, F, 400, "doubtful"),
            (l4, J, 2000, "loss"), (l4, F, 2000, "loss"), (l4, M, 1900, "loss"),
            (l5, F, 5000, "normal"),
        ]:
            f.month_row(s, ln, month, balance, cls)
        s.flush()
        f.assignment(s, l1, oa, D(2025, 1, 20), 500, D(2025, 6, 30))
        f.assignment(s, l3, ob, D(2025, 1, 10), 500, D(2025, 6, 30))
        f.assignment(s, l4, ob, D(2025, 2, 1), 500, D(2025, 6, 30))
        f.action(s, l1, oa, D(2025, 1, 25), 999)
        f.action(s, l1, oa, D(2025, 2, 5), 200, cost=10)
        f.action(s, l1, oa, D(2025, 3, 10), 0, cost=5)
        f.action(s, l1, oa, D(2025, 3, 15), 100, method="village", village_source="village_funds")
        f.action(s, l2, oa, D(2025, 2, 20), 50)
        f.action(s, l3, ob, D(2025, 2, 28), 100, method="village", cost=20, village_source="subsidy")
        f.action(s, l3, ob, D(2025, 3, 1), 400, method="legal", cost=50)
        f.action(s, l4, ob, D(2025, 3, 5), 0, method="legal", cost=30)
        f.action(s, l4, ob, D(2025, 4, 2), 70)
        # legal cases: C1 closed in the period, C2 filed in it, C3 at judgment, C4 closed before, C5 filed after
        _case(s, l3, D(2024, 10, 1), 600, "closed", judgment=D(2024, 12, 1), enforcement=D(2025, 1, 15),
              closed=D(2025, 3, 1), costs=50, recovered=400)
        _case(s, l4, D(2025, 2, 1), 2100, "filed", costs=30)
        _case(s, l1, D(2024, 6, 1), 900, "judgment", judgment=D(2024, 9, 1), costs=40)
        _case(s, l2, D(2024, 1, 1), 300, "closed", closed=D(2024, 12, 31))
        _case(s, l1, D(2025, 4, 10), 800, "filed")
    return engine, {"A": a.id, "B": b.id, "oa": oa.id, "ob": ob.id}


def read(engine, function, **kwargs):
    with transaction(engine) as s:
        return function(s, **kwargs)


def table(engine, scope=Scope.union(), **kwargs) -> pd.DataFrame:
    sums = read(engine, methods.method_figures, scope=scope, **PERIOD, **kwargs)
    per_loan = read(engine, methods.first_recovery_days, scope=scope, **PERIOD, **kwargs)
    return mf.method_table(sums, per_loan).set_index("method")


def test_direct_method_figures(book):
    engine, _ = book
    direct = table(engine).loc["direct"]
    # actions #2 #3 #5; loans L1, L2; recovered 200 + 0 + 50; cost 10 + 5 + 0
    assert (direct.actions, direct.loans_worked, direct.loans_recovered) == (3, 2, 2)
    assert (direct.recovered_cents, direct.cost_cents, direct.net_cents) == (250, 15, 235)
    # balance worked: L1 first direct action 02-05 -> January 1000; L2 has no January row -> latest (March) 650
    assert direct.balance_worked_cents == 1650
    assert direct.recovery_rate == pytest.approx(250 / 1650)
    assert direct.recovery_share == 1.0
    # days to first recovery: L1 2025-01-20 -> 2025-02-05 = 16; L2 never assigned: not counted
    assert direct.median_days == 16


def test_village_and_legal_method_figures(book):
    engine, _ = book
    got = table(engine)
    village = got.loc["village"]
    # #4 L1 100 and #6 L3 100 (cost 20); L1 first village action 03-15 -> February 800; L3 02-28 -> January 500
    assert (village.actions, village.loans_worked, village.recovered_cents, village.cost_cents) == (2, 2, 200, 20)
    assert village.balance_worked_cents == 800 + 500
    assert village.recovery_rate == pytest.approx(200 / 1300)
    # L1: 01-20 -> 03-15 = 54 days; L3: 01-10 -> 02-28 = 49 days; median 51.5
    assert village.median_days == 51.5
    legal = got.loc["legal"]
    # #7 L3 400 / 50 and #8 L4 0 / 30; balances February: L3 400, L4 2000
    assert (legal.actions, legal.loans_worked, legal.loans_recovered) == (2, 2, 1)
    assert (legal.recovered_cents, legal.cost_cents, legal.net_cents) == (400, 80, 320)
    assert legal.balance_worked_cents == 2400
    assert legal.recovery_rate == pytest.approx(1 / 6)
    assert legal.recovery_share == 0.5
    assert legal.median_days == 50  # L3: 01-10 -> 03-01
    # methods with no action are listed with zeros and dashes, in the directive's order
    assert list(got.index) == ["direct", "village", "legal", "support", "asset_disposal", "restructuring", "other"]
    support = got.loc["support"]
    assert (support.actions, support.recovered_cents) == (0, 0)
    assert support.recovery_rate is None or pd.isna(support.recovery_rate)
    assert pd.isna(support.median_days)


def test_totals_count_each_loan_once(book):
    engine, _ = book
    sums = read(engine, methods.method_figures, scope=Scope.union(), **PERIOD, by="total")
    per_loan = read(engine, methods.first_recovery_days, scope=Scope.union(), **PERIOD, by="total")
    total = mf.totals(sums, per_loan)
    # 7 actions on L1..L4; recovered 200+0+100+50+100+400+0; cost 10+5+0+0+20+50+30
    assert (total.actions, total.loans_worked, total.loans_recovered) == (7, 4, 3)
    assert (total.recovered_cents, total.cost_cents, total.net_cents) == (850, 115, 735)
    # first action of each loan in the period: L1 02-05 -> Jan 1000, L2 -> latest 650, L3 02-28 -> Jan 500,
    # L4 03-05 -> Feb 2000 (not 1000 + 800 as the per-method sums would give for L1)
    assert total.balance_worked_cents == 4150
    assert total.recovery_rate == pytest.approx(850 / 4150)
    assert total.median_days == 32.5  # L1 16 days, L3 49 days


def test_scope_segment_and_officer(book):
    engine, ids = book
    only_a = table(engine, Scope.cooperative(ids["A"]))
    assert only_a.loc["direct", "recovered_cents"] == 250 and only_a.loc["village", "recovered_cents"] == 100
    assert only_a.loc["legal", "actions"] == 0
    officer_b = table(engine, Scope(officer_id=ids["ob"]))
    assert officer_b.recovered_cents.sum() == 100 + 400  # #6 and #7
    new = table(engine, segment="new")
    assert new.recovered_cents.sum() == 50 and new.loc["direct", "balance_worked_cents"] == 650
    nothing = read(engine, methods.method_figures, scope=Scope(cooperative_ids=frozenset()), **PERIOD, by="total")
    assert mf.totals(nothing, pd.DataFrame()).recovered_cents == 0


def test_method_by_cooperative_and_segment(book):
    engine, ids = book
    by_coop = read(engine, methods.method_figures, scope=Scope.union(), **PERIOD, by="cooperative")
    got = {(r.method, r.cooperative): (r.recovered_cents, r.balance_worked_cents) for r in by_coop.itertuples()}
    assert got == {("direct", "Alpha"): (250, 1650), ("village", "Alpha"): (100, 800),
                   ("village", "Beta"): (100, 500), ("legal", "Beta"): (400, 2400)}
    by_segment = read(engine, methods.method_figures, scope=Scope.union(), **PERIOD, by="segment")
    got = {(r.method, r.segment): (r.actions, r.recovered_cents) for r in by_segment.itertuples()}
    assert got == {("direct", "old"): (2, 200), ("direct", "new"): (1, 50), ("village", "old"): (2, 200),
                   ("legal", "old"): (2, 400)}
    rates = mf.cross_table(by_coop, row="cooperative", value="recovery_rate")
    assert rates.loc["village", "Beta"] == pytest.approx(100 / 500)
    assert pd.isna(rates.loc["legal", "Alpha"])


def test_recoveries_by_month(book):
    engine, _ = book
    monthly = read(engine, methods.recoveries_by_month, scope=Scope.union(), **PERIOD)
    got = {(r.month, r.method): (r.recovered_cents, r.cost_cents) for r in monthly.itertuples()}
    assert got == {(D(2025, 2, 1), "direct"): (250, 10), (D(2025, 2, 1), "village"): (100, 20),
                   (D(2025, 3, 1), "direct"): (0, 5), (D(2025, 3, 1), "village"): (100, 0),
                   (D(2025, 3, 1), "legal"): (400, 80)}


def test_legal_pipeline(book):
    engine, ids = book
    pipe = read(engine, methods.legal_pipeline, scope=Scope.union(), **PERIOD).set_index("stage")
    # alive in the period: C1 (closed 03-01), C2 (filed 02-01), C3 (judgment); C4 closed before, C5 filed after
    assert list(pipe.index) == ["filed", "judgment", "enforcement", "closed"]
    assert list(pipe.cases) == [1, 1, 0, 1]
    assert list(pipe.claim_cents) == [2100, 900, 0, 600]
    assert list(pipe.costs_cents) == [30, 40, 0, 50]
    assert list(pipe.recovered_cents) == [0, 0, 0, 400]
    # days in 'filed': C1 10-01 -> 12-01 = 61, C2 02-01 -> 03-31 (period end) = 58, C3 06-01 -> 09-01 = 92
    assert pipe.loc["filed", "avg_days"] == pytest.approx((61 + 58 + 92) / 3)
    # 'judgment': C1 12-01 -> 01-15 = 45, C3 2024-09-01 -> 2025-03-31 = 211
    assert pipe.loc["judgment", "avg_days"] == pytest.approx(128)
    assert pipe.loc["enforcement", "avg_days"] == pytest.approx(45)  # C1 01-15 -> 03-01
    assert list(pipe.reached[:3]) == [3, 2, 1]
    only_a = read(engine, methods.legal_pipeline, scope=Scope.cooperative(ids["A"]), **PERIOD)
    assert list(only_a.cases) == [0, 1, 0, 0]  # C3 only (C4 closed before the period)
    officer = read(engine, methods.legal_pipeline, scope=Scope(officer_id=ids["oa"]), **PERIOD)
    assert officer.cases.sum() == 0  # cases carry no officer: an officer scope fails closed


def test_legal_case_list(book):
    engine, _ = book
    cases = read(engine, methods.list_legal_cases, scope=Scope.union(), **PERIOD)
    assert list(cases.claim_cents) == [2100, 900, 600]  # largest claim first
    assert list(cases.contract_no) == ["L4", "L1", "L3"]
    assert read(engine, methods.count_legal_cases, scope=Scope.union(), **PERIOD) == 3
    assert len(read(engine, methods.list_legal_cases, scope=Scope.union(), **PERIOD, limit=2)) == 2
    closed = read(engine, methods.list_legal_cases, scope=Scope.union(), **PERIOD, stage="closed")
    assert list(closed.contract_no) == ["L3"]
    assert read(engine, methods.count_legal_cases, scope=Scope.union(), **PERIOD, stage="filed") == 1


def test_village_recoveries(book):
    engine, ids = book
    by_village = read(engine, methods.village_recoveries, scope=Scope.union(), **PERIOD)
    got = {r.village: (r.cooperative, r.actions, r.recovered_cents, r.cost_cents) for r in by_village.itertuples()}
    assert got == {"North": ("Alpha", 1, 100, 0), "South": ("Beta", 1, 100, 20)}
    by_source = read(engine, methods.village_recoveries, scope=Scope.union(), **PERIOD, by="source")
    assert {r.village_source: (r.recovered_cents, r.cost_cents) for r in by_source.itertuples()} == {
        "subsidy": (100, 20), "village_funds": (100, 0)}
    only_b = read(engine, methods.village_recoveries, scope=Scope.cooperative(ids["B"]), **PERIOD, by="source")
    assert list(only_b.village_source) == ["subsidy"]


def test_villages_by_npl(book):
    engine, ids = book
    feb = read(engine, methods.villages_by_npl, scope=Scope.union(), month=D(2025, 2, 1))
    # North: L1 800 + L2 700 (L5 is Normal, left out); South: L3 400; L4 has no village
    assert [(r.village, r.npl_cents, r.npl_count) for r in feb.itertuples()] == [("North", 1500, 2), ("South", 400, 1)]
    march = read(engine, methods.villages_by_npl, scope=Scope.cooperative(ids["B"]), month=D(2025, 3, 1))
    assert march.empty  # L3 has no March row
    assert len(read(engine, methods.villages_by_npl, scope=Scope.union(), month=D(2025, 2, 1), limit=1)) == 1


def test_unknown_grouping_is_refused(book):
    engine, _ = book
    with pytest.raises(ValueError):
        read(engine, methods.method_figures, scope=Scope.union(), **PERIOD, by="officer")


def test_pure_figures():
    assert mf.net_recovery(100, 130) == -30
    assert mf.recovery_rate(5, 0) is None and mf.recovery_rate(5, 20) == 0.25
    assert mf.share_with_recovery(0, 0) is None and mf.share_with_recovery(1, 4) == 0.25
    assert mf.median_days(pd.Series([], dtype="float64")) is None
    assert mf.median_days(pd.Series([3, None, 10, 1])) == 3


def test_grouping_one_read_by_hand():
    """domain.method_figures groups loans_worked rows; worked out by hand:

    loan 1: direct (first 03-10, 2 actions, 100 recovered, balance before 1,000, assigned 03-01, first recovery 03-12)
            legal  (first 02-05, 1 action,   0 recovered, balance before 1,200)
    loan 2: direct (first 03-20, 1 action,  50 recovered, cost 5, balance before 400, unassigned, recovered 03-20)
    total: 2 loans, 4 actions, 2 recovering, 150 recovered, 5 cost, balance 1,200 (loan 1 measured from its
    first action, legal in February) + 400 = 1,600; loan 1's first recovery 03-12 with assignment 03-01.
    """
    d = dt.date
    worked = pd.DataFrame([
        (1, "direct", 1, "A", "old", 2, 100, 0, d(2025, 3, 10), d(2025, 3, 12), 1000, d(2025, 3, 1)),
        (1, "legal", 1, "A", "old", 1, 0, 0, d(2025, 2, 5), None, 1200, None),
        (2, "direct", 2, "B", "new", 1, 50, 5, d(2025, 3, 20), d(2025, 3, 20), 400, None),
    ], columns=methods.WORKED_COLUMNS)
    total = mf.sums_by(worked, "total").iloc[0].to_dict()
    assert total == {"actions": 4, "loans_worked": 2, "loans_recovered": 2, "recovered_cents": 150, "cost_cents": 5,
                     "balance_worked_cents": 1600}
    by_method = mf.sums_by(worked, "method").set_index("method")
    assert by_method.loc["direct"].to_dict() == {"actions": 3, "loans_worked": 2, "loans_recovered": 2,
                                                 "recovered_cents": 150, "cost_cents": 5,
                                                 "balance_worked_cents": 1400}
    assert by_method.loc["legal", "loans_recovered"] == 0
    assert list(mf.sums_by(worked, "cooperative").columns[:3]) == ["method", "cooperative_id", "cooperative"]
    firsts = mf.first_recoveries(worked, "total")
    assert firsts.to_dict("records") == [
        {"loan_id": 1, "first_recovery_on": d(2025, 3, 12), "assigned_on": d(2025, 3, 1)},
        {"loan_id": 2, "first_recovery_on": d(2025, 3, 20), "assigned_on": None}]
    assert mf.totals(mf.sums_by(worked, "total"), firsts).median_days == 11.0  # only loan 1 was assigned
    grouped = mf.groups(worked)  # what the page caches: the same figures, computed once
    assert (grouped.totals.loans_worked, grouped.totals.balance_worked_cents, grouped.totals.median_days) == (
        2, 1600, 11.0)
    assert grouped.table.set_index("method").loc["direct", "balance_worked_cents"] == 1400
    assert list(grouped.table.method) == list(METHODS)  # every method, in the directive's order
    empty = worked.iloc[0:0]
    assert mf.sums_by(empty, "total").empty and mf.first_recoveries(empty, "method").empty
    with pytest.raises(ValueError):
        mf.sums_by(worked, "officer")
