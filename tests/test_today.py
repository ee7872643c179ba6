"""The Today items of every role on a hand-made union (tests/today_book.py): which items, counts, amounts, links;
the rules behind them; and the reads the items link to list exactly the rows counted."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import select

from data import assets, decisions, deadlines
from data import today as today_items
from data.db import transaction
from data.models import AppUser, AuditLog
from data.users import actor_of
from domain import today as rules
from domain.scope import Scope
from tests.today_book import OCT, SEP, TODAY, build


@pytest.fixture
def book(engine):
    with transaction(engine) as s:
        ids = build(s)
    return engine, ids


def items_of(engine, username: str, day: dt.date = TODAY) -> dict[str, rules.Item]:
    with transaction(engine) as s:
        user = s.scalar(select(AppUser).where(AppUser.username == username))
        items = today_items.for_user(s, actor=actor_of(user), today=day, at=dt.datetime(2026, 11, 30, 12))
    assert [i.key for i in items] == list(rules.ROLE_ITEMS[user.role])  # every item, in the role's order
    return {i.key: i for i in items}


def figures(items: dict[str, rules.Item]) -> dict[str, tuple]:
    return {key: (item.count, item.amount_cents) for key, item in items.items()}


def test_director(book):
    engine, ids = book
    items = items_of(engine, "director")
    # D1 only: D6 is the director's own proposal (four eyes); rise of A only (B fell); AS1 + AS2; asg3 (asg4 decided)
    assert figures(items) == {"approvals": (1, 5_000), "npl_rose": (1, 100_000), "assets_due": (2, 580_000),
                              "gap": (1, 50_000)}
    rose = items["npl_rose"].details
    assert [(d.name, d.count, d.amount_cents) for d in rose] == [("Cooperative A <b>", 1, 100_000)]
    assert rose[0].link.params == {"coop": str(ids["A"]), "from": "2026-09", "to": "2026-10"}
    assert items["approvals"].link.url() == "/decisions?coop=all&section=queue"
    assert items["assets_due"].link.url() == "/assets?coop=all&due_within=60"
    assert items["gap"].link.url() == "/officers?coop=all&show=gaps"


def test_union_supervisor(book):
    engine, _ = book
    items = items_of(engine, "sup")
    assert figures(items) == {"due_soon": (1, 50_000), "overdue": (2, 150_000), "gap": (1, 50_000),
                              "unowned": (1, 30_000), "hidden_new": (1, 25_000), "my_pending": (1, 5_000),
                              "my_rejected": (1, 7_000)}
    assert items["due_soon"].link.url() == "/officers?coop=all&show=due&days=7"
    assert items["my_rejected"].link.params == {"coop": "all", "section": "history", "status": "rejected",
                                                "mine": "1", "since": "2026-11-24"}
    assert items["hidden_new"].link.params == {"coop": "all", "to": "2026-10", "hidden": "new"}


def test_one_cooperative_supervisor_sees_only_their_cooperative(book):
    engine, _ = book
    items = items_of(engine, "sup_a")
    # B's overdue asg4, B's unowned L5 and the union supervisor's proposals are not theirs
    assert figures(items) == {"due_soon": (1, 50_000), "overdue": (1, 50_000), "gap": (1, 50_000),
                              "unowned": (0, 0), "hidden_new": (1, 25_000), "my_pending": (0, 0),
                              "my_rejected": (0, 0)}
    assert "coop" not in items["gap"].link.params
    assert not items["unowned"].due and items["gap"].due


def test_officer_sees_their_own_deadlines(book):
    engine, _ = book
    items = items_of(engine, "off_a1")
    # asg1 (4 days, 50,000 left); asg2 (20 days, 40,000) joins within 30 days and is idle; a2's asg3 is not theirs
    assert figures(items) == {"due_soon": (1, 50_000), "due_later": (2, 90_000), "idle": (1, 40_000)}
    assert items["due_later"].link.url() == "/my_record?show=due&days=30"
    assert (items["due_soon"].days, items["due_later"].days, items["idle"].days) == (7, 30, 30)


def test_auditor(book):
    engine, _ = book
    items = items_of(engine, "auditor")
    # audit rows of the last 7 days (24 to 30 November): 4 of the 6; one refused import then, one before
    assert figures(items) == {"audit_events": (4, None), "revoked": (1, 2_000), "imports_refused": (1, None)}
    events = items["audit_events"].details
    assert [(d.name, d.count) for d in events] == [("decision.propose", 2), ("auth.login", 1),
                                                   ("import.refused", 1)]
    assert events[0].link.params == {"action": "decision.propose", "from": "2026-11-24", "to": "2026-11-30"}
    assert items["imports_refused"].link.params == {"action": "import.refused", "from": "2026-11-24",
                                                    "to": "2026-11-30"}


def test_admin(book):
    engine, _ = book
    items = items_of(engine, "admin")
    # union-wide active accounts: director, sup, auditor, admin (the officer's scope is their record; gone is inactive)
    assert figures(items) == {"tape_due": (0, None), "locked": (1, None), "no_cooperative": (4, None)}
    assert items_of(engine, "admin", dt.date(2027, 1, 5))["tape_due"].count == 2  # November and December


def test_empty_database_says_what_is_missing_or_nothing_due(engine):
    with transaction(engine) as s:
        from tests import factory as f
        for name, role in (("d", "director"), ("s", "supervisor"), ("a", "auditor"), ("ad", "admin")):
            f.user(s, name, role)
    for name in ("d", "s", "a", "ad"):
        items = items_of(engine, name)
        # nothing recorded: nothing due, except the first tape and the four union-wide accounts themselves
        assert {k: i.count for k, i in items.items() if i.count} == (
            {"tape_due": 1, "no_cooperative": 4} if name == "ad" else {})
        missing = {k for k, i in items.items() if i.missing}
        assert missing <= {"npl_rose", "unowned", "hidden_new"}
    assert items_of(engine, "d")["npl_rose"].missing == rules.MISSING_TAPE


def test_the_linked_lists_hold_exactly_the_counted_rows(book):
    engine, ids = book
    with transaction(engine) as s:
        due = deadlines.list_open(s, scope=Scope.union(), kind=deadlines.DUE, today=TODAY, days=30)
        assert due.remaining_cents.tolist() == [50_000, 40_000] and due.deadline.is_monotonic_increasing
        late = deadlines.list_open(s, scope=Scope.cooperative(ids["A"]), kind=deadlines.LATE, today=TODAY, days=0)
        assert late.officer.tolist() == ["Officer A2"]
        idle = deadlines.list_open(s, scope=Scope(officer_id=None), kind=deadlines.IDLE, today=TODAY, days=30)
        assert sorted(idle.officer) == ["Officer A1", "Officer A2", "Officer B1"]  # asg2, asg3, asg4
        register = assets.register(s, scope=Scope.union(), today=TODAY, due_within_days=60)
        assert sorted(register.book_value_cents) == [80_000, 500_000]
        assert assets.count_register(s, scope=Scope.union(), today=TODAY, due_within_days=14) == 1  # AS2 only
        mine = decisions.history(s, scope=Scope.union(), status="rejected", proposer_id=ids["users"]["sup"],
                                 moved_since=dt.date(2026, 11, 24))
        assert mine.amount_cents.tolist() == [7_000]
        hidden = today_items.hidden_appeared(s, scope=Scope.union(), month=OCT, previous=SEP)
        assert hidden.balance_cents.tolist() == [25_000]


def test_the_approval_queue_pages_through_every_pending_decision(book):
    engine, ids = book
    director = ids["users"]["director"]
    with transaction(engine) as s:
        assert decisions.pending_queue_totals(s, scope=Scope.union(), approver_id=director) == (1, 5_000)
        # the union supervisor decides nothing, but their queue (as if they could) holds only D6, not their own D1
        assert decisions.pending_queue_totals(s, scope=Scope.union(), approver_id=ids["users"]["sup"]) == (1, 9_000)
        first = decisions.pending_queue(s, scope=Scope.union(), approver_id=0, limit=1)
        second = decisions.pending_queue(s, scope=Scope.union(), approver_id=0, limit=1, offset=1)
        assert first.amount_cents.tolist() == [5_000] and second.amount_cents.tolist() == [9_000]
        assert decisions.pending_queue(s, scope=Scope.union(), approver_id=0, limit=1, offset=2).empty
        narrowed = decisions.pending_queue(s, scope=Scope.cooperative(ids["B"]), approver_id=0, limit=None)
        assert narrowed.amount_cents.tolist() == [9_000]


def test_the_totals_summed_in_sql_equal_the_lists_summed_by_the_rule(book):
    """gap_totals and deadlines.totals sum remaining_cents in SQL: the same figures as the unbounded lists summed
    in Python by domain.today.remaining_cents, an assignment recovered beyond its target counting 0."""
    from data import officers
    from data.models import Assignment, Loan, Officer
    from tests import factory as f

    engine, ids = book
    with transaction(engine) as s:  # L2's officer overshoots a passed deadline: overdue, in the gap, 0 at stake
        loan = s.scalars(select(Loan).order_by(Loan.id)).all()[1]
        officer = s.get(Officer, loan.officer_id)
        over = f.assignment(s, loan, officer, dt.date(2026, 2, 1), 10_000, dt.date(2026, 11, 10))
        f.action(s, loan, officer, dt.date(2026, 3, 1), 25_000, assignment_row=over)
        assert s.scalar(select(Assignment.recovered_cents).where(Assignment.id == over.id)) == 25_000
    with transaction(engine) as s:
        for scope in (Scope.union(), Scope.cooperative(ids["A"]), Scope.cooperative(ids["B"])):
            gaps = officers.list_accountability_gaps(s, scope=scope, today=TODAY, limit=None)
            expected = (len(gaps), sum(rules.remaining_cents(t, r) for t, r in zip(gaps.target_cents,
                                                                                    gaps.recovered_cents)))
            assert officers.gap_totals(s, scope=scope, today=TODAY) == expected
            for kind, days in ((deadlines.DUE, 30), (deadlines.LATE, 0), (deadlines.IDLE, 30)):
                rows = deadlines.list_open(s, scope=scope, kind=kind, today=TODAY, days=days, limit=None)
                assert deadlines.totals(s, scope=scope, kind=kind, today=TODAY, days=days) == (
                    len(rows), int(rows.remaining_cents.sum()))
        assert officers.gap_totals(s, scope=Scope.union(), today=TODAY) == (2, 50_000)  # asg3 + the overshoot


# --- the rules ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("target, recovered, expected", [(80_000, 30_000, 50_000), (100, 100, 0), (100, 250, 0),
                                                         (0, 0, 0)])
def test_remaining_is_never_negative(target, recovered, expected):
    assert rules.remaining_cents(target, recovered) == expected


@pytest.mark.parametrize("latest, today, expected", [
    (dt.date(2026, 10, 1), dt.date(2026, 11, 30), 0),   # October is the last complete month
    (dt.date(2026, 10, 1), dt.date(2026, 12, 1), 1),    # November has ended
    (dt.date(2026, 9, 1), dt.date(2027, 1, 31), 3),     # October, November, December
    (dt.date(2026, 11, 1), dt.date(2026, 11, 30), 0),   # a tape of the current month: nothing due
    (None, dt.date(2026, 11, 30), 1)])
def test_tape_months_due(latest, today, expected):
    assert rules.tape_months_due(latest, today) == expected


def test_npl_rose_keeps_only_rises_and_counts_a_missing_month_as_zero():
    rows = pd.DataFrame({"month": [SEP, OCT, SEP, OCT], "cooperative_id": [1, 1, 2, 3],
                         "cooperative": ["One", "One", "Two", "Three"], "npl_cents": [100, 150, 80, 40]})
    rose = rules.npl_rose(rows, SEP, OCT)
    assert rose[["cooperative", "previous_cents", "latest_cents", "rise_cents"]].values.tolist() == [
        ["One", 100, 150, 50], ["Three", 0, 40, 40]]  # Two had NPLs only in September: a fall
    assert rules.npl_rose(rows.iloc[0:0], SEP, OCT).empty


def test_windows_and_links():
    assert rules.since(TODAY, 7) == dt.date(2026, 11, 24)
    assert rules.window_end(TODAY, 7) == dt.date(2026, 12, 7)
    assert rules.idle_before(TODAY, 30) == dt.date(2026, 10, 31)
    link = rules.Link.to("officers", coop=None, show="due", days=7)
    assert link.url("https://npl.example/") == "https://npl.example/officers?show=due&days=7"
    assert rules.due_count([rules.Item("a", 2), rules.Item("b", 0), rules.Item("c", 3, missing="tape")]) == 1


def test_a_refused_import_is_audited_and_counted_for_the_auditor(engine, tmp_path, capsys):
    """The command line's refusal (a file with a bad row writes nothing) leaves one ``import.refused`` row; a dry
    run of the same file, only a check, leaves none."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import import_data

    with transaction(engine) as s:
        from tests import factory as f
        f.user(s, "auditor", "auditor")
    bad = tmp_path / "cooperatives.csv"
    bad.write_text("code,name\n,No code at all\n", encoding="utf-8")
    url = engine.url.render_as_string(hide_password=False)
    assert import_data.main(["cooperatives", str(bad), "--url", url, "--dry-run"]) == 1
    assert import_data.main(["cooperatives", str(bad), "--url", url]) == 1
    capsys.readouterr()
    with transaction(engine) as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "import.refused")).all()
        assert [(r.username, r.entity, r.entity_id) for r in rows] == [("system", "cooperatives", "cooperatives.csv")]
        assert json.loads(rows[0].after)["problems"] >= 1
    today = dt.date.today()
    assert figures(items_of(engine, "auditor", today))["imports_refused"] == (1, None)
