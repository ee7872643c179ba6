"""Officer accountability reads and figures on a hand-made fixture; every number is worked out in comments.

TODAY is 2026-06-15 and the latest month of data is 2026-05; the segment cutoff is 2025-01-01.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from data import aggregates, officers
from data import settings as settings_store
from data.db import transaction
from data.models import Assignment, Decision, DecisionAssignment, Review
from domain import accountability
from domain.assignments import deadline_status
from domain.scope import Scope
from domain.settings import Settings
from tests import factory as f

TODAY = dt.date(2026, 6, 15)
MAY = dt.date(2026, 5, 1)
APR = dt.date(2026, 4, 1)


def _review(s, officer, reviewer, end: dt.date, rating: str) -> None:
    s.add(Review(officer_id=officer.id, cooperative_id=officer.cooperative_id, period_start=end.replace(day=1),
                 period_end=end, rating=rating, findings="<b>not html</b>", reviewer_id=reviewer.id,
                 created_at=dt.datetime(2026, 4, 2)))


def _decision(s, officer, proposer, decider, kind: str, status: str, assignments=()) -> Decision:
    row = Decision(officer_id=officer.id, cooperative_id=officer.cooperative_id, kind=kind, amount_cents=None,
                   months=None, reason="r", effective_on=dt.date(2026, 1, 15), status=status,
                   proposed_by_id=proposer.id, proposed_at=dt.datetime(2026, 1, 10),
                   decided_by_id=decider.id if status != "pending" else None,
                   decided_at=dt.datetime(2026, 1, 12) if status != "pending" else None)
    s.add(row)
    s.flush()
    for assignment in assignments:
        s.add(DecisionAssignment(decision_id=row.id, assignment_id=assignment.id))
    return row


@pytest.fixture
def book(engine):
    """Two cooperatives, four officers, nine loans, nine assignments.

    loan  coop orig  issued      2026-05 class/balance   assignment(s)
    L1    A    Ana   2024-03-01  substandard 10000        a1 Ana open, deadline = TODAY       -> due_soon
    L2    A    Ana   2025-03-01  doubtful     8000 (new)  a2 Ana recovered 05-20 <= 05-31     -> met (3500 > 3000)
    L3    A    Ben   2023-01-01  loss         5000        a3 Ana reassigned 02-15 -> b1 Ben open, deadline 06-14 -> overdue
    L4    A    Ben   2025-06-01  normal       3000 (new)  b3 Ben recovered 02-10 > 01-31      -> met_late
    L5    B    Cai   2025-02-01  substandard  7000 (new)  c1 Cai open, deadline 2026-12-31    -> on_track
    L6    A    Ana   2022-01-01  substandard  6000        (none: waiting for an officer)
    L7    A    Ben   2022-01-01  (repaid, no rows)        b2 Ben missed, linked to a decision
    L8    A    Ben   2021-01-01  loss         4000        b4 Ben missed, no decision
    L9    B    Cai   2020-01-01  substandard  2000        c2 Cai partial
    Dee is an inactive officer of A with nothing.
    """
    with transaction(engine) as s:
        settings_store.seed(s, Settings(segment_cutoff=dt.date(2025, 1, 1)))
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        ana, ben, dee = f.officer(s, a, "Ana"), f.officer(s, a, "Ben"), f.officer(s, a, "Dee", active=False)
        cai = f.officer(s, b, "Cai")
        sup = f.user(s, "sup", "supervisor")
        boss = f.user(s, "boss", "director")
        loans = {
            "L1": f.loan(s, a, ana, dt.date(2024, 3, 1), contract="L1"),
            "L2": f.loan(s, a, ana, dt.date(2025, 3, 1), contract="L2"),
            "L3": f.loan(s, a, ben, dt.date(2023, 1, 1), contract="L3"),
            "L4": f.loan(s, a, ben, dt.date(2025, 6, 1), contract="L4"),
            "L5": f.loan(s, b, cai, dt.date(2025, 2, 1), contract="L5"),
            "L6": f.loan(s, a, ana, dt.date(2022, 1, 1), contract="L6"),
            "L7": f.loan(s, a, ben, dt.date(2022, 1, 1), contract="L7"),
            "L8": f.loan(s, a, ben, dt.date(2021, 1, 1), contract="L8"),
            "L9": f.loan(s, b, cai, dt.date(2020, 1, 1), contract="L9"),
        }
        may = {"L1": (10000, "substandard"), "L2": (8000, "doubtful"), "L3": (5000, "loss"), "L4": (3000, "normal"),
               "L5": (7000, "substandard"), "L6": (6000, "substandard"), "L8": (4000, "loss"),
               "L9": (2000, "substandard")}
        for name, (balance, cls) in may.items():
            f.month_row(s, loans[name], APR, balance + 100, cls)  # April: a little higher (not used by figures)
            f.month_row(s, loans[name], MAY, balance, cls)
        f.month_row(s, loans["L7"], APR, 900, "loss")
        s.flush()
        d = dt.date
        a1 = f.assignment(s, loans["L1"], ana, d(2026, 1, 10), 4000, TODAY)
        a2 = f.assignment(s, loans["L2"], ana, d(2026, 2, 1), 3000, d(2026, 5, 31), "recovered", d(2026, 5, 20))
        a3 = f.assignment(s, loans["L3"], ana, d(2025, 10, 1), 2000, d(2026, 3, 31), "reassigned", d(2026, 2, 15))
        b1 = f.assignment(s, loans["L3"], ben, d(2026, 2, 15), 2500, d(2026, 6, 14), previous=a3)
        b2 = f.assignment(s, loans["L7"], ben, d(2025, 6, 1), 1000, d(2025, 12, 31), "missed", d(2025, 12, 31))
        b3 = f.assignment(s, loans["L4"], ben, d(2025, 9, 1), 500, d(2026, 1, 31), "recovered", d(2026, 2, 10))
        b4 = f.assignment(s, loans["L8"], ben, d(2025, 5, 1), 1500, d(2025, 11, 30), "missed", d(2025, 11, 30))
        c1 = f.assignment(s, loans["L5"], cai, d(2026, 5, 1), 2000, d(2026, 12, 31))
        c2 = f.assignment(s, loans["L9"], cai, d(2025, 7, 1), 1500, d(2026, 1, 31), "partial", d(2026, 1, 31))
        # recoveries: Ana 1000 + 500 on a1, 2000 + 1500 on a2, 700 on a3, 250 with no assignment
        f.action(s, loans["L1"], ana, d(2026, 2, 10), 1000, assignment_row=a1)
        f.action(s, loans["L1"], ana, d(2026, 4, 5), 500, method="village", assignment_row=a1, cost=40)
        f.action(s, loans["L2"], ana, d(2026, 3, 15), 2000, assignment_row=a2)
        f.action(s, loans["L2"], ana, d(2026, 5, 20), 1500, method="legal", assignment_row=a2, cost=300)
        f.action(s, loans["L3"], ana, d(2026, 1, 20), 700, assignment_row=a3)
        f.action(s, loans["L6"], ana, d(2026, 4, 20), 250)
        f.action(s, loans["L3"], ben, d(2026, 3, 1), 300, assignment_row=b1)
        f.action(s, loans["L4"], ben, d(2026, 1, 15), 500, assignment_row=b3)
        f.action(s, loans["L8"], ben, d(2025, 10, 1), 200, assignment_row=b4)
        f.action(s, loans["L9"], cai, d(2025, 12, 1), 600, assignment_row=c2)
        _review(s, ana, sup, d(2025, 12, 31), "good")
        _review(s, ana, sup, d(2026, 3, 31), "excellent")
        _review(s, ben, sup, d(2026, 3, 31), "needs_improvement")
        _decision(s, ben, sup, boss, "warning", "approved", [b2])
        _decision(s, ben, sup, boss, "warning", "pending")
        _decision(s, ana, sup, boss, "reward", "approved")
        aggregates.rebuild_all(s)
        ids = {"A": a.id, "B": b.id, "ana": ana.id, "ben": ben.id, "cai": cai.id, "dee": dee.id,
               "sup": sup.id, "boss": boss.id,
               **{k: v.id for k, v in loans.items()},
               **{n: r.id for n, r in zip(("a1", "a2", "a3", "b1", "b2", "b3", "b4", "c1", "c2"),
                                          (a1, a2, a3, b1, b2, b3, b4, c1, c2))}}
    return engine, ids


def read(engine, function, **kwargs):
    with transaction(engine) as s:
        return function(s, **kwargs)


def table_for(engine, scope: Scope, today: dt.date = TODAY) -> pd.DataFrame:
    facts = read(engine, officers.list_officer_facts, scope=scope, month=MAY)
    by_status = read(engine, officers.assignments_by_status, scope=scope, today=today, month=MAY)
    return accountability.officer_table(facts, by_status)


def test_officer_table_figures(book):
    engine, ids = book
    table = table_for(engine, Scope.union()).set_index("officer")
    ana, ben, cai, dee = (table.loc[n] for n in ("Ana", "Ben", "Cai", "Dee"))
    # Ana: a1 due_soon (deadline today), a2 met, a3 reassigned (left out of target and recovered)
    assert (ana.open, ana.open_balance_cents, ana.due_soon, ana.met, ana.reassigned) == (1, 10000, 1, 1, 1)
    assert (ana.target_cents, ana.recovered_cents) == (4000 + 3000, 1500 + 3500)  # the 250 with no assignment: no
    assert ana.recovery_rate == pytest.approx(5000 / 7000)
    assert ana.on_time_rate == pytest.approx(1.0)  # met 1 / decided 1
    assert (ana.new_npl_count, ana.new_npl_cents, ana.latest_rating, ana.decisions_approved) == (1, 8000, "excellent", 1)
    # Ben: b1 overdue (L3 5000), b2 and b4 missed, b3 met late
    assert (ben.open, ben.open_balance_cents, ben.overdue, ben.missed, ben.met_late, ben.behind) == (1, 5000, 1, 2, 1, 3)
    assert (ben.target_cents, ben.recovered_cents) == (2500 + 1000 + 500 + 1500, 300 + 0 + 500 + 200)
    assert ben.on_time_rate == 0.0  # met 0 / decided 4
    assert (ben.new_npl_count, ben.latest_rating, ben.decisions_approved) == (0, "needs_improvement", 1)
    # Cai: c1 on track, c2 partial
    assert (cai.open, cai.open_balance_cents, cai.on_track, cai.partial) == (1, 7000, 1, 1)
    assert (cai.target_cents, cai.recovered_cents, cai.on_time_rate) == (3500, 600, 0.0)
    assert (cai.new_npl_count, cai.new_npl_cents) == (1, 7000)
    assert pd.isna(cai.latest_rating) and cai.decisions_approved == 0
    # Dee: nothing at all, rates are unknown rather than zero
    assert (dee.open, dee.target_cents, dee.recovered_cents, dee.behind) == (0, 0, 0, 0)
    assert dee.recovery_rate is None and dee.on_time_rate is None and not dee.active


def test_only_open_assignments_carry_a_balance(book):
    engine, _ = book
    by_status = read(engine, officers.assignments_by_status, scope=Scope.union(), today=TODAY, month=MAY)
    closed = by_status[~by_status.status.isin(["on_track", "due_soon", "overdue"])]
    assert not closed.empty and (closed.balance_cents == 0).all()
    assert by_status.balance_cents.sum() == 10000 + 5000 + 7000  # Ana's a1, Ben's b1, Cai's c1 (see above)


def test_laggards_stand_out_first(book):
    engine, _ = book
    table = table_for(engine, Scope.union())
    # overall on-time rate: met 1 / decided 6 (Ana 1, Ben 4, Cai 1); Ben is behind and below it
    assert accountability.totals(table)["on_time_rate"] == pytest.approx(1 / 6)
    assert list(table.officer) == ["Ben", "Cai", "Ana", "Dee"]  # laggard, then behind, then rate 600/3500 < 5/7
    assert list(table.laggard) == [True, False, False, False]


def test_totals_and_by_cooperative(book):
    engine, ids = book
    table = table_for(engine, Scope.union())
    totals = accountability.totals(table)
    assert (totals["officers"], totals["open"], totals["overdue"], totals["missed"], totals["due_soon"]) == (4, 3, 1, 2, 1)
    assert (totals["target_cents"], totals["recovered_cents"]) == (7000 + 5500 + 3500, 5000 + 1000 + 600)
    coops = accountability.by_cooperative(table).set_index("cooperative_id")
    assert coops.loc[ids["A"], "target_cents"] == 12500 and coops.loc[ids["B"], "recovered_cents"] == 600
    assert coops.loc[ids["A"], "recovery_rate"] == pytest.approx(6000 / 12500)


def test_scope_cooperative_and_officer(book):
    engine, ids = book
    only_b = table_for(engine, Scope.cooperative(ids["B"]))
    assert list(only_b.officer) == ["Cai"]
    own = table_for(engine, Scope(cooperative_ids=frozenset({ids["A"]}), officer_id=ids["ana"]))
    assert list(own.officer) == ["Ana"] and own.iloc[0].target_cents == 7000
    nothing = table_for(engine, Scope(cooperative_ids=frozenset()))
    assert nothing.empty


def test_deadline_edges_move_with_today(book):
    engine, _ = book
    # the day after a1's deadline it is overdue; Ana now has one assignment behind
    later = table_for(engine, Scope.union(), today=TODAY + dt.timedelta(days=1)).set_index("officer")
    assert (later.loc["Ana", "overdue"], later.loc["Ana", "due_soon"]) == (1, 0)
    # 31 days before c1's deadline it is on track, 30 days before it is due soon
    c1_deadline = dt.date(2026, 12, 31)
    early = table_for(engine, Scope.union(), today=c1_deadline - dt.timedelta(days=31)).set_index("officer")
    soon = table_for(engine, Scope.union(), today=c1_deadline - dt.timedelta(days=30)).set_index("officer")
    assert (early.loc["Cai", "on_track"], soon.loc["Cai", "due_soon"]) == (1, 1)


def test_sql_status_agrees_with_domain_rule(book):
    """deadline_status_sql is the SQL twin of domain.assignments.deadline_status: check every edge."""
    engine, ids = book
    d = dt.date
    cases = [("open", d(2026, 6, 14), None), ("open", TODAY, None), ("open", d(2026, 7, 15), None),
             ("open", d(2026, 7, 16), None), ("recovered", d(2026, 6, 1), d(2026, 6, 1)),
             ("recovered", d(2026, 6, 1), d(2026, 6, 2)), ("recovered", d(2026, 6, 1), None),
             ("missed", d(2026, 1, 1), d(2026, 1, 1)), ("partial", d(2026, 1, 1), d(2026, 1, 1)),
             ("reassigned", d(2026, 9, 1), d(2026, 3, 1))]
    with transaction(engine) as s:
        made = []
        for outcome, deadline, closed in cases:
            row = Assignment(loan_id=ids["L6"], officer_id=ids["dee"], cooperative_id=ids["A"],
                             assigned_on=d(2025, 1, 1), target_cents=1, deadline=deadline, outcome=outcome,
                             closed_on=closed)
            s.add(row)
            s.flush()
            made.append(row.id)
        got = dict(s.execute(select(Assignment.id, officers.deadline_status_sql(TODAY))
                             .where(Assignment.id.in_(made))).all())
        s.rollback()
    expected = [deadline_status(outcome=o, deadline=dl, closed_on=c, today=TODAY) for o, dl, c in cases]
    assert [got[i] for i in made] == expected
    assert expected[:4] == ["overdue", "due_soon", "due_soon", "on_track"]
    assert expected[4:7] == ["met", "met_late", "met_late"]


def test_accountability_gap_oldest_first_and_decision_closes_it(book):
    engine, ids = book
    gaps = read(engine, officers.list_accountability_gaps, scope=Scope.union(), today=TODAY)
    # b4 missed (deadline 2025-11-30), b1 overdue (2026-06-14); b2 has a decision; a1's deadline is today
    assert list(gaps.assignment_id) == [ids["b4"], ids["b1"]]
    assert list(gaps.status) == ["missed", "overdue"]
    assert list(gaps.recovered_cents) == [200, 300] and list(gaps.officer) == ["Ben", "Ben"]
    assert read(engine, officers.count_accountability_gaps, scope=Scope.union(), today=TODAY) == 2
    assert read(engine, officers.count_accountability_gaps, scope=Scope.cooperative(ids["B"]), today=TODAY) == 0
    limited = read(engine, officers.list_accountability_gaps, scope=Scope.union(), today=TODAY, limit=1)
    assert list(limited.assignment_id) == [ids["b4"]]
    tomorrow = read(engine, officers.list_accountability_gaps, scope=Scope.union(), today=TODAY + dt.timedelta(1))
    assert ids["a1"] in set(tomorrow.assignment_id)


def test_on_time_rate_by_month_of_deadline(book):
    engine, ids = book
    counts = read(engine, officers.on_time_by_deadline_month, scope=Scope.union(), today=TODAY)
    rates = accountability.on_time_by_month(counts)
    d = dt.date
    # 2025-11 b4 missed; 2025-12 b2 missed; 2026-01 b3 met late + c2 partial; 2026-03 only a3 reassigned
    # (dropped); 2026-05 a2 met; 2026-06 b1 overdue + a1 due soon (not decided); c1 (December) is ahead
    assert list(rates.month) == [d(2025, 11, 1), d(2025, 12, 1), d(2026, 1, 1), d(2026, 5, 1), d(2026, 6, 1)]
    assert list(rates.decided) == [1, 1, 2, 1, 1]
    assert list(rates.rate) == [0.0, 0.0, 0.0, 1.0, 0.0]
    ana = read(engine, officers.on_time_by_deadline_month, scope=Scope.union(), today=TODAY, officer_id=ids["ana"])
    assert list(accountability.on_time_by_month(ana).month) == [d(2026, 5, 1)]  # a1 not decided, a3 reassigned


def test_officer_detail_reads(book):
    engine, ids = book
    union = Scope.union()
    assert read(engine, officers.get_officer, scope=union, officer_id=ids["ana"])["name"] == "Ana"
    assert read(engine, officers.get_officer, scope=Scope.cooperative(ids["B"]), officer_id=ids["ana"]) is None
    assert read(engine, officers.get_officer, scope=Scope(officer_id=ids["ben"]), officer_id=ids["ana"]) is None
    rows = read(engine, officers.list_assignments, scope=union, officer_id=ids["ana"], month=MAY)
    rows = accountability.with_status(rows, today=TODAY)
    got = {r.contract_no: (r.status, r.recovered_cents, r.balance_cents) for r in rows.itertuples()}
    assert got == {"L1": ("due_soon", 1500, 10000), "L2": ("met", 3500, 8000), "L3": ("reassigned", 700, 5000)}
    ben = read(engine, officers.list_assignments, scope=union, officer_id=ids["ben"], month=MAY)
    b1 = ben.set_index("assignment_id").loc[ids["b1"]]
    assert b1.previous_assignment_id == ids["a3"]
    repaid = ben.set_index("assignment_id").loc[ids["b2"]]
    assert repaid.balance_cents == 0 and pd.isna(repaid.loan_class)  # L7 has no May row
    timeline = read(engine, officers.collection_timeline, scope=union, officer_id=ids["ana"])
    d = dt.date
    assert {(r.month, r.method): r.recovered_cents for r in timeline.itertuples()} == {
        (d(2026, 1, 1), "direct"): 700, (d(2026, 2, 1), "direct"): 1000, (d(2026, 3, 1), "direct"): 2000,
        (d(2026, 4, 1), "village"): 500, (d(2026, 4, 1), "direct"): 250, (d(2026, 5, 1), "legal"): 1500}
    assert int(timeline.cost_cents.sum()) == 340
    balances = read(engine, officers.officer_balances_by_month, scope=union, officer_id=ids["ana"], first=APR,
                    last=MAY)
    may = balances[balances.month == MAY]
    # Ana originated L1 (10000 sub, old), L2 (8000 dbt, new), L6 (6000 sub, old)
    assert {(r.loan_class, r.segment): r.balance_cents for r in may.itertuples()} == {
        ("substandard", "old"): 16000, ("doubtful", "new"): 8000}
    reviews = read(engine, officers.list_reviews, scope=union, officer_id=ids["ana"])
    assert list(reviews.rating) == ["excellent", "good"]
    decisions = read(engine, officers.list_decisions, scope=union, officer_id=ids["ben"])
    assert sorted(decisions.status) == ["approved", "pending"] and sorted(decisions.assignments) == [0, 1]
    assert read(engine, officers.list_reviews, scope=Scope.cooperative(ids["B"]), officer_id=ids["ana"]).empty


def test_assignable_npls(book):
    engine, ids = book
    npls = read(engine, officers.list_assignable_npls, scope=Scope.union(), month=MAY)
    # NPLs in May with no open assignment: L2 (a2 closed) 8000, L6 6000, L8 4000, L9 2000
    assert list(npls.contract_no) == ["L2", "L6", "L8", "L9"]
    only_a = read(engine, officers.list_assignable_npls, scope=Scope.cooperative(ids["A"]), month=MAY)
    assert list(only_a.contract_no) == ["L2", "L6", "L8"]
    assert read(engine, officers.list_assignable_npls, scope=Scope(officer_id=ids["ana"]), month=MAY).empty
    active = read(engine, officers.list_officers, scope=Scope.cooperative(ids["A"]), active_only=True)
    assert list(active.name) == ["Ana", "Ben"]


@pytest.mark.parametrize("recovered, target, rate", [(0, 100, 0.0), (150, 100, 1.5), (100, 0, None), (0, 0, None)])
def test_target_recovery_rate(recovered, target, rate):
    assert accountability.target_recovery_rate(recovered, target) == rate


@pytest.mark.parametrize("counts, rate", [
    ({}, None), ({"on_track": 3, "due_soon": 2, "reassigned": 4}, None), ({"met": 1}, 1.0),
    ({"met": 1, "met_late": 1, "partial": 1, "missed": 1, "overdue": 1, "on_track": 7}, 0.2)])
def test_on_time_rate(counts, rate):
    assert accountability.on_time_rate(counts) == rate


def test_days_late():
    assert [accountability.days_late(dt.date(2026, 6, 15), day) for day in
            (dt.date(2026, 6, 14), dt.date(2026, 6, 15), dt.date(2026, 6, 18))] == [0, 0, 3]


def test_a_laggard_outranks_an_officer_with_more_behind_but_a_good_record():
    """Xia: 3 missed but 10 met (on time 10/13); Yun: 1 overdue, nothing met (0/1). Overall 10/14.

    Only Yun is below the overall rate, so Yun is the laggard and comes first despite fewer behind.
    """
    facts = pd.DataFrame({"officer_id": [1, 2], "officer": ["Xia", "Yun"], "cooperative_id": [1, 1],
                          "cooperative": ["A", "A"]})
    by_status = pd.DataFrame({"officer_id": [1, 1, 2], "status": ["missed", "met", "overdue"], "count": [3, 10, 1],
                              "target_cents": [300, 1000, 100], "recovered_cents": [0, 1000, 0],
                              "balance_cents": [0, 0, 50]})
    table = accountability.officer_table(facts, by_status)
    assert list(table.officer) == ["Yun", "Xia"] and list(table.laggard) == [True, False]
    assert list(table.behind) == [1, 3] and list(table.open_balance_cents) == [50, 0]


def test_accountability_gap_follows_the_decision_states(book):
    """DOMAIN.md: approved or rejected closes the gap; pending shows it as awaiting approval; revoked reopens it.

    b4 (missed, L8) gets a pending decision -> awaiting approval; b1 (overdue, L3) gets a revoked one -> still
    no decision; b2 keeps its approved one -> out. Then a rejected decision on b1 takes it out too.
    """
    engine, ids = book
    with transaction(engine) as s:
        from data.models import Assignment, Officer, AppUser
        ben, sup, boss = s.get(Officer, ids["ben"]), s.get(AppUser, ids["sup"]), s.get(AppUser, ids["boss"])
        _decision(s, ben, sup, boss, "warning", "pending", [s.get(Assignment, ids["b4"])])
        _decision(s, ben, sup, boss, "warning", "revoked", [s.get(Assignment, ids["b1"])])
    gaps = read(engine, officers.list_accountability_gaps, scope=Scope.union(), today=TODAY)
    assert dict(zip(gaps.assignment_id, gaps.decision_state)) == {ids["b4"]: "awaiting_approval",
                                                                  ids["b1"]: "no_decision"}
    counts = read(engine, officers.gap_counts, scope=Scope.union(), today=TODAY)
    assert counts == {"no_decision": 1, "awaiting_approval": 1}
    # NPLs of May with no open assignment: L2 (a2 recovered), L6 (none), L8 (b4 missed), L9 (c2 partial)
    unowned, _ = read(engine, officers.unowned_npl_totals, scope=Scope.union(), month=MAY)
    assert unowned == 4 and accountability.accountability_gap(counts, unowned) == 1 + 4
    with transaction(engine) as s:
        _decision(s, s.get(Officer, ids["ben"]), s.get(AppUser, ids["sup"]), s.get(AppUser, ids["boss"]), "warning",
                  "rejected", [s.get(Assignment, ids["b1"])])
    assert read(engine, officers.gap_counts, scope=Scope.union(), today=TODAY) == {"no_decision": 0,
                                                                                   "awaiting_approval": 1}


def test_officer_figures_follow_the_segment(book):
    """New loans (issued on or after 2025-01-01): L2 (a2), L4 (b3), L5 (c1); old: the rest."""
    engine, ids = book
    new = read(engine, officers.assignments_by_status, scope=Scope.union(), today=TODAY, month=MAY, segment="new")
    assert int(new["count"].sum()) == 3 and int(new.target_cents.sum()) == 3000 + 500 + 2000
    old = read(engine, officers.assignments_by_status, scope=Scope.union(), today=TODAY, month=MAY, segment="old")
    assert int(old["count"].sum()) == 6
    assert read(engine, officers.list_accountability_gaps, scope=Scope.union(), today=TODAY, segment="new").empty
    assert len(read(engine, officers.list_accountability_gaps, scope=Scope.union(), today=TODAY, segment="old")) == 2
    by_month = read(engine, officers.on_time_by_deadline_month, scope=Scope.union(), today=TODAY, segment="new")
    assert int(by_month["count"].sum()) == 2  # a2 (05-31) and b3 (01-31); c1's deadline is ahead
