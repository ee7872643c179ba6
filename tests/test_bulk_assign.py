"""NPLs with no named person: the read (count, balance, list, scope), the proposal rule and the bulk command.

A hand-made book; every figure is worked out here. TODAY is 2026-06-15, the latest month 2026-05, the segment
cutoff 2025-01-01 (a loan issued on the cutoff day is new).

loan coop orig         issued      2026-05 class/balance   assignment            no named person?
U1   A    Ana          2025-03-01  substandard 10000 (new) none                  yes  -> Ana (granted it)
U2   A    Dee inactive 2025-06-01  doubtful     7000 (new) none                  yes  -> the officer chosen for A
U3   A    Ben          2022-01-01  loss         5000 (old) missed (closed)       yes  -> the officer chosen for A
U4   A    Ana          2023-01-01  substandard  3000 (old) Ben, open             no: Ben answers for it
U5   A    Ana          2023-01-01  special_m.   9000       none                  no: not an NPL
U6   A    Ben          2022-01-01  loss in April only      none                  no: not in the latest month
U7   B    Cai          2024-01-01  substandard  2500 (old) none                  yes  -> the officer chosen for B
U8   B    Cai          2025-01-01  doubtful     1500 (new) none                  yes  -> Cai (granted it)

Union: 5 NPLs, 10000 + 7000 + 5000 + 2500 + 1500 = 26000. Cooperative A: 3, 22000. B: 2, 4000.
New segment: U1, U2, U8 = 18500; old: U3, U7 = 7500.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from data import assignments, officers
from data import settings as settings_store
from data.db import transaction
from data.errors import RowError, ValidationError
from data.models import Assignment, AuditLog
from domain import assignments as rules
from domain.scope import Actor, Scope
from domain.settings import Settings
from tests import factory as f

TODAY = dt.date(2026, 6, 15)
MAY, APR = dt.date(2026, 5, 1), dt.date(2026, 4, 1)
LATER = TODAY + dt.timedelta(days=180)


@pytest.fixture
def book(engine):
    with transaction(engine) as s:
        settings_store.seed(s, Settings(segment_cutoff=dt.date(2025, 1, 1)))
        a, b = f.cooperative(s, "A"), f.cooperative(s, "B")
        ana, ben, dee = f.officer(s, a, "Ana"), f.officer(s, a, "Ben"), f.officer(s, a, "Dee", active=False)
        cai = f.officer(s, b, "Cai")
        users = {name: f.user(s, name, role, cooperative_id=coop)
                 for name, role, coop in (("sup", "supervisor", None), ("sup_a", "supervisor", a.id),
                                          ("sup_b", "supervisor", b.id), ("boss", "director", None),
                                          ("aud", "auditor", None), ("root", "admin", None))}
        loans = {
            "U1": f.loan(s, a, ana, dt.date(2025, 3, 1), contract="U1"),
            "U2": f.loan(s, a, dee, dt.date(2025, 6, 1), contract="U2"),
            "U3": f.loan(s, a, ben, dt.date(2022, 1, 1), contract="U3"),
            "U4": f.loan(s, a, ana, dt.date(2023, 1, 1), contract="U4"),
            "U5": f.loan(s, a, ana, dt.date(2023, 1, 1), contract="U5"),
            "U6": f.loan(s, a, ben, dt.date(2022, 1, 1), contract="U6"),
            "U7": f.loan(s, b, cai, dt.date(2024, 1, 1), contract="U7"),
            "U8": f.loan(s, b, cai, dt.date(2025, 1, 1), contract="U8"),
        }
        for name, balance, cls in (("U1", 10000, "substandard"), ("U2", 7000, "doubtful"), ("U3", 5000, "loss"),
                                   ("U4", 3000, "substandard"), ("U5", 9000, "special_mention"),
                                   ("U7", 2500, "substandard"), ("U8", 1500, "doubtful")):
            f.month_row(s, loans[name], APR, balance, cls)
            f.month_row(s, loans[name], MAY, balance, cls)
        f.month_row(s, loans["U6"], APR, 4000, "loss")
        f.assignment(s, loans["U3"], ben, dt.date(2025, 6, 1), 5000, dt.date(2026, 1, 31), outcome="missed",
                     closed_on=dt.date(2026, 1, 31))
        f.assignment(s, loans["U4"], ben, dt.date(2026, 1, 1), 3000, dt.date(2026, 12, 31))
        ids = {"A": a.id, "B": b.id, "ana": ana.id, "ben": ben.id, "dee": dee.id, "cai": cai.id,
               **{k: v.id for k, v in loans.items()}, **{k: v.id for k, v in users.items()}}
    return engine, ids


def read(engine, function, **kwargs):
    with transaction(engine) as s:
        return function(s, **kwargs)


def actor(ids, user: str = "sup", role: str = "supervisor", scope: Scope | None = None) -> Actor:
    return Actor(user_id=ids[user], username=user, role=role, scope=scope or Scope.union())


def counts(engine) -> tuple[int, int]:
    with transaction(engine) as s:
        return (s.scalar(select(func.count()).select_from(Assignment)),
                s.scalar(select(func.count()).select_from(AuditLog)))


# --- the read ------------------------------------------------------------------------------------------------------
def test_count_and_balance_of_npls_with_no_named_person(book):
    engine, ids = book
    totals = officers.unowned_npl_totals
    assert read(engine, totals, scope=Scope.union(), month=MAY) == (5, 26000)
    assert read(engine, totals, scope=Scope.cooperative(ids["A"]), month=MAY) == (3, 22000)
    assert read(engine, totals, scope=Scope.cooperative(ids["B"]), month=MAY) == (2, 4000)
    assert read(engine, totals, scope=Scope.union(), month=MAY, segment="new") == (3, 18500)
    assert read(engine, totals, scope=Scope.union(), month=MAY, segment="old") == (2, 7500)
    assert read(engine, totals, scope=Scope.cooperative(ids["A"]), month=MAY, segment="old") == (1, 5000)
    # April: U6 (4000, no assignment) is an NPL then; U3's missed assignment leaves it unowned in April too
    assert read(engine, totals, scope=Scope.union(), month=APR) == (6, 30000)
    assert read(engine, totals, scope=Scope(officer_id=ids["ana"]), month=MAY) == (0, 0)
    assert read(engine, totals, scope=Scope(cooperative_ids=frozenset()), month=MAY) == (0, 0)


def test_list_is_largest_first_with_what_a_proposal_needs(book):
    engine, ids = book
    rows = read(engine, officers.list_assignable_npls, scope=Scope.union(), month=MAY)
    assert list(rows.contract_no) == ["U1", "U2", "U3", "U7", "U8"]
    assert list(rows.balance_cents) == [10000, 7000, 5000, 2500, 1500]
    assert list(rows.segment) == ["new", "new", "old", "old", "new"]
    assert list(rows.originator) == ["Ana", "Dee", "Ben", "Cai", "Cai"]
    assert list(rows.originator_active) == [True, False, True, True, True]
    assert list(rows.cooperative) == ["Cooperative A"] * 3 + ["Cooperative B"] * 2
    # the list and the totals are one definition: same rows, same sum
    assert (len(rows), int(rows.balance_cents.sum())) == read(engine, officers.unowned_npl_totals,
                                                              scope=Scope.union(), month=MAY)
    assert list(read(engine, officers.list_assignable_npls, scope=Scope.union(), month=MAY,
                     limit=2).contract_no) == ["U1", "U2"]
    assert list(read(engine, officers.list_assignable_npls, scope=Scope.union(), month=MAY,
                     segment="new").contract_no) == ["U1", "U2", "U8"]


def test_a_single_cooperative_supervisor_sees_only_theirs(book):
    engine, ids = book
    only_a = read(engine, officers.list_assignable_npls, scope=Scope.cooperative(ids["A"]), month=MAY)
    assert list(only_a.contract_no) == ["U1", "U2", "U3"]
    only_b = read(engine, officers.list_assignable_npls, scope=Scope.cooperative(ids["B"]), month=MAY)
    assert list(only_b.contract_no) == ["U7", "U8"]
    assert read(engine, officers.list_assignable_npls, scope=Scope(officer_id=ids["cai"]), month=MAY).empty


# --- the proposal rule -----------------------------------------------------------------------------------------------
def test_proposal_new_stock_to_its_granting_officer_old_stock_to_the_cooperatives_choice(book):
    engine, ids = book
    rows = read(engine, officers.list_assignable_npls, scope=Scope.union(), month=MAY)
    assert rules.cooperatives_needing_a_choice(rows) == sorted([ids["A"], ids["B"]])
    proposal = rules.propose(rows, chosen={ids["A"]: ids["ben"]}, assigned_on=TODAY, days=180)
    by_loan = {r.contract_no: (r.officer_id, r.basis) for r in proposal.itertuples()}
    assert by_loan == {"U1": (ids["ana"], "originator"),     # new, Ana active
                       "U2": (ids["ben"], "cooperative"),    # new, but Dee is inactive
                       "U3": (ids["ben"], "cooperative"),    # old stock
                       "U7": (None, None),                   # old stock, nobody chosen for B yet
                       "U8": (ids["cai"], "originator")}     # issued on the cutoff day: new
    assert list(proposal.target_cents) == list(rows.balance_cents)
    assert set(proposal.deadline) == {dt.date(2026, 12, 12)}  # 2026-06-15 + 180 days


def test_an_originator_moved_to_another_cooperative_is_not_proposed():
    assert rules.proposed_officer(segment="new", cooperative_id=1, originator_id=7, originator_active=True,
                                  originator_cooperative_id=2, chosen={1: 9}) == (9, "cooperative")
    assert rules.proposed_officer(segment="old", cooperative_id=1, originator_id=7, originator_active=True,
                                  originator_cooperative_id=1, chosen={}) == (None, None)
    assert rules.default_deadline(dt.date(2026, 1, 31), 30) == dt.date(2026, 3, 2)


# --- the bulk command ----------------------------------------------------------------------------------------------
def row(ids, loan: str, officer: str, target: int, deadline: dt.date = LATER) -> assignments.NewAssignment:
    return assignments.NewAssignment(loan_id=ids[loan], officer_id=ids[officer], target_cents=target, deadline=deadline)


def good_rows(ids) -> list[assignments.NewAssignment]:
    return [row(ids, "U1", "ana", 10000), row(ids, "U2", "ben", 3500), row(ids, "U3", "ben", 5000)]


def test_bulk_writes_exactly_the_rows_and_one_audit_row(book):
    engine, ids = book
    before = counts(engine)
    read(engine, assignments.create_many, actor=actor(ids), rows=good_rows(ids), today=TODAY)
    assert counts(engine) == (before[0] + 3, before[1] + 1)
    with transaction(engine) as s:
        new = s.execute(select(Assignment.loan_id, Assignment.officer_id, Assignment.cooperative_id,
                               Assignment.assigned_on, Assignment.target_cents, Assignment.deadline,
                               Assignment.outcome, Assignment.previous_assignment_id)
                        .order_by(Assignment.id.desc()).limit(3)).all()
        assert sorted(tuple(r) for r in new) == sorted([
            (ids["U1"], ids["ana"], ids["A"], TODAY, 10000, LATER, "open", None),
            (ids["U2"], ids["ben"], ids["A"], TODAY, 3500, LATER, "open", None),
            (ids["U3"], ids["ben"], ids["A"], TODAY, 5000, LATER, "open", None)])
        audit = s.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
        assert (audit.action, audit.entity, audit.username, audit.before) == \
            ("assignment.create_many", "assignment", "sup", None)
        after = json.loads(audit.after)
        assert (after["count"], after["target_cents"], after["assigned_on"]) == (3, 18500, TODAY.isoformat())
        assert after["loan_ids"] == [ids["U1"], ids["U2"], ids["U3"]]
        assert [a[1:] for a in after["assignments"]] == [[ids["U1"], ids["ana"], 10000, LATER.isoformat()],
                                                         [ids["U2"], ids["ben"], 3500, LATER.isoformat()],
                                                         [ids["U3"], ids["ben"], 5000, LATER.isoformat()]]
    # the KPI falls by exactly what was assigned: U7 and U8 remain
    assert read(engine, officers.unowned_npl_totals, scope=Scope.union(), month=MAY) == (2, 4000)


BAD_ROWS = [
    # (name, the bad row, field, key)
    ("inactive officer", ("U2", "dee", 7000, LATER), "officer", "error.assignments.officer_inactive"),
    ("officer of another cooperative", ("U1", "cai", 10000, LATER), "officer",
     "error.assignments.officer_other_cooperative"),
    ("deadline before today", ("U3", "ben", 5000, TODAY - dt.timedelta(days=1)), "deadline",
     "error.assignments.deadline_not_after_assignment"),
    ("deadline today", ("U3", "ben", 5000, TODAY), "deadline", "error.assignments.deadline_not_after_assignment"),
    ("no deadline", ("U3", "ben", 5000, None), "deadline", "error.assignments.deadline_not_after_assignment"),
    ("zero target", ("U3", "ben", 0, LATER), "target", "error.assignments.target_not_positive"),
    ("target above the balance", ("U3", "ben", 5001, LATER), "target", "error.assignments.target_above_balance"),
    ("not an NPL", ("U5", "ana", 100, LATER), "loan", "error.assignments.not_npl"),
    ("already assigned", ("U4", "ana", 100, LATER), "loan", "error.assignments.already_assigned"),
    ("same loan twice", ("U1", "ana", 100, LATER), "loan", "error.assignments.bulk_duplicate"),
]


@pytest.mark.parametrize("name, bad, field, key", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_one_bad_row_refuses_the_whole_batch(book, name, bad, field, key):
    engine, ids = book
    before = counts(engine)
    others = [r for r in good_rows(ids) if r.loan_id != ids[bad[0]]]
    batch = [*others[:1], row(ids, *bad), *others[1:]]
    if name == "same loan twice":
        batch = good_rows(ids) + [row(ids, *bad)]
    with pytest.raises(RowError) as raised:
        read(engine, assignments.create_many, actor=actor(ids), rows=batch, today=TODAY)
    assert (raised.value.field, raised.value.key) == (field, key)
    assert raised.value.row == batch.index(row(ids, *bad), 1 if name == "same loan twice" else 0) + 1
    assert raised.value.label == bad[0] and raised.value.others == 0
    assert counts(engine) == before
    assert read(engine, officers.unowned_npl_totals, scope=Scope.union(), month=MAY) == (5, 26000)


def test_a_loan_assigned_meanwhile_by_someone_else_is_refused(book):
    engine, ids = book
    preview = read(engine, officers.list_assignable_npls, scope=Scope.union(), month=MAY)
    assert "U3" in set(preview.contract_no)
    # another supervisor assigns U3 after this preview was read, before it is confirmed
    read(engine, assignments.create, actor=actor(ids, user="sup_a", scope=Scope.cooperative(ids["A"])),
         loan_id=ids["U3"], officer_id=ids["ana"], target_cents=1000, deadline=LATER, today=TODAY)
    before = counts(engine)
    with pytest.raises(RowError) as raised:
        read(engine, assignments.create_many, actor=actor(ids), rows=good_rows(ids), today=TODAY)
    assert (raised.value.row, raised.value.label, raised.value.key) == (3, "U3", "error.assignments.already_assigned")
    assert counts(engine) == before


def test_a_loan_out_of_scope_is_refused_without_naming_it(book):
    engine, ids = book
    only_a = actor(ids, user="sup_a", scope=Scope.cooperative(ids["A"]))
    before = counts(engine)
    for bad in (row(ids, "U7", "cai", 100), assignments.NewAssignment(999_999, ids["ana"], 100, LATER)):
        with pytest.raises(RowError) as raised:
            read(engine, assignments.create_many, actor=only_a, rows=[*good_rows(ids), bad], today=TODAY)
        assert (raised.value.row, raised.value.key) == (4, "error.assignments.loan_out_of_scope")
        assert raised.value.label is None, "an out-of-scope contract number is never echoed back"
    with pytest.raises(RowError) as raised:  # an officer of B on a loan of A, by a supervisor of A
        read(engine, assignments.create_many, actor=only_a, rows=[row(ids, "U1", "cai", 100)], today=TODAY)
    assert raised.value.key == "error.assignments.officer_out_of_scope"
    assert counts(engine) == before


def test_every_bad_row_is_counted(book):
    engine, ids = book
    batch = [row(ids, "U1", "dee", 100), row(ids, "U2", "ben", 0), row(ids, "U3", "ben", 5000)]
    with pytest.raises(RowError) as raised:
        read(engine, assignments.create_many, actor=actor(ids), rows=batch, today=TODAY)
    assert (raised.value.row, raised.value.key, raised.value.others) == (1, "error.assignments.officer_inactive", 1)


@pytest.mark.parametrize("user, role", [("boss", "director"), ("aud", "auditor"), ("root", "admin"),
                                        ("sup", "officer")])
def test_only_supervisors_assign_in_bulk(book, user, role):
    engine, ids = book
    before = counts(engine)
    with pytest.raises(PermissionError):
        read(engine, assignments.create_many, actor=actor(ids, user=user, role=role), rows=good_rows(ids),
             today=TODAY)
    assert counts(engine) == before


def test_empty_and_oversized_batches_are_refused(book):
    engine, ids = book
    before = counts(engine)
    with pytest.raises(ValidationError) as raised:
        read(engine, assignments.create_many, actor=actor(ids), rows=[], today=TODAY)
    assert raised.value.key == "error.assignments.bulk_empty"
    too_many = [row(ids, "U1", "ana", 1)] * (assignments.BULK_LIMIT + 1)
    with pytest.raises(ValidationError) as raised:
        read(engine, assignments.create_many, actor=actor(ids), rows=too_many, today=TODAY)
    assert raised.value.key == "error.assignments.bulk_too_many"
    assert counts(engine) == before


def test_single_and_bulk_share_their_checks(book):
    """The single-assignment command refuses what the bulk one refuses, with the same key."""
    engine, ids = book
    for _, (loan, officer, target, deadline), field, key in BAD_ROWS:
        if key == "error.assignments.bulk_duplicate":
            continue
        with pytest.raises(ValidationError) as raised:
            read(engine, assignments.create, actor=actor(ids), loan_id=ids[loan], officer_id=ids[officer],
                 target_cents=target, deadline=deadline, today=TODAY)
        assert (raised.value.field, raised.value.key) == (field, key)
