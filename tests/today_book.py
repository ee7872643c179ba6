"""A hand-made union for the Today items and the digest: two cooperatives, a few loans, assignments, assets,
decisions, audit rows and users, each placed so that every item of every role has a count and an amount worked
out by hand (the comments say why each row counts or not). Day of reckoning: TODAY, settings at their defaults
(due soon 7 days, officer's look ahead 30, assets 60, idle 30, recent 7).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from data import aggregates
from data.models import AppUser, AuditLog, Decision, DecisionAssignment, ForeclosedAsset
from tests import factory as f

TODAY = dt.date(2026, 11, 30)
SEP, OCT = dt.date(2026, 9, 1), dt.date(2026, 10, 1)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def _asset(s: Session, ln, asset_type: str, acquired: dt.date, book: int, status: str = "pending") -> None:
    s.add(ForeclosedAsset(loan_id=ln.id, cooperative_id=ln.cooperative_id, asset_type=asset_type, description="",
                          on_balance_sheet=True, acquired_on=acquired, book_value_cents=book, appraisal_cents=None,
                          appraised_on=None, status=status, disposal_method="auction" if status == "disposed" else None,
                          disposed_on=dt.date(2026, 1, 5) if status == "disposed" else None,
                          proceeds_cents=None, lease_income_cents=0))


def build(s: Session) -> dict:
    """Write the union; returns the ids the tests need (cooperatives, users by username)."""
    a, b = f.cooperative(s, "A", "Cooperative A <b>"), f.cooperative(s, "B", "Cooperative B")
    a1, a2, b1 = f.officer(s, a, "Officer A1"), f.officer(s, a, "Officer A2"), f.officer(s, b, "Officer B1")
    issued = dt.date(2024, 3, 1)
    # A: NPL 120,000 in September (L2 + L3), 220,000 in October (L1 turns Substandard): rose by 100,000
    l1, l2, l3 = f.loan(s, a, a1, issued), f.loan(s, a, a1, issued), f.loan(s, a, a2, issued)
    f.month_row(s, l1, SEP, 100_000, "normal"), f.month_row(s, l1, OCT, 100_000, "substandard", dpd=100)
    f.month_row(s, l2, SEP, 50_000, "doubtful", dpd=300), f.month_row(s, l2, OCT, 50_000, "doubtful", dpd=330)
    f.month_row(s, l3, SEP, 70_000, "loss", dpd=400), f.month_row(s, l3, OCT, 70_000, "loss", dpd=430)
    # B: NPL 200,000 in September, 180,000 in October (L4 falls, L5 new NPL): no rise
    l4, l5 = f.loan(s, b, b1, issued), f.loan(s, b, b1, issued)
    f.month_row(s, l4, SEP, 200_000, "substandard", dpd=120), f.month_row(s, l4, OCT, 150_000, "substandard", dpd=150)
    f.month_row(s, l5, SEP, 30_000, "normal"), f.month_row(s, l5, OCT, 30_000, "substandard", dpd=95)
    # hidden NPLs: L6 (A) recorded Normal at 120 days in October only -> appeared; L7 (B) hidden in both months
    l6, l7 = f.loan(s, a, a2, issued), f.loan(s, b, b1, issued)
    f.month_row(s, l6, SEP, 25_000, "normal"), f.month_row(s, l6, OCT, 25_000, "normal", dpd=120)
    f.month_row(s, l7, SEP, 12_000, "normal", dpd=100), f.month_row(s, l7, OCT, 12_000, "normal", dpd=130)

    # asg1 (a1): deadline in 4 days, 30,000 of 80,000 recovered 10 days ago -> due in 7 and 30 days, 50,000 at stake
    asg1 = f.assignment(s, l1, a1, dt.date(2026, 10, 5), 80_000, TODAY + dt.timedelta(days=4))
    f.action(s, l1, a1, dt.date(2026, 11, 20), 30_000, assignment_row=asg1)
    # asg2 (a1): deadline in 20 days, nothing logged since June -> due in 30 days and idle, 40,000
    f.assignment(s, l2, a1, dt.date(2026, 6, 1), 40_000, TODAY + dt.timedelta(days=20))
    # asg3 (a2): deadline passed on 1 November, 10,000 of 60,000 recovered, no decision -> overdue and in the gap
    asg3 = f.assignment(s, l3, a2, dt.date(2026, 3, 1), 60_000, dt.date(2026, 11, 1))
    f.action(s, l3, a2, dt.date(2026, 5, 1), 10_000, assignment_row=asg3)
    # asg4 (b1): deadline passed, nothing recovered, an approved decision -> overdue, not in the gap; L5 has no one
    asg4 = f.assignment(s, l4, b1, dt.date(2026, 1, 1), 100_000, dt.date(2026, 10, 15))
    # a closed assignment never counts
    f.assignment(s, l7, b1, dt.date(2025, 1, 1), 5_000, dt.date(2025, 6, 1), outcome="recovered",
                 closed_on=dt.date(2025, 5, 1))

    # assets: AS1 real estate, limit passes on 15 December (in 15 days); AS2 vehicle, limit passed 1 October;
    # AS3 machinery, limit in June 2027 (not due); AS4 disposed (never counts)
    _asset(s, l3, "building", dt.date(2024, 12, 15), 500_000)
    _asset(s, l4, "vehicle", dt.date(2025, 10, 1), 80_000, status="in_disposal")
    _asset(s, l2, "machinery", dt.date(2026, 6, 1), 1_000)
    _asset(s, l2, "building", dt.date(2020, 1, 1), 9_000, status="disposed")

    users = {name: f.user(s, name, role, cooperative_id=coop, officer_id=officer).id for name, role, coop, officer in (
        ("director", "director", None, None), ("sup", "supervisor", None, None),
        ("sup_a", "supervisor", a.id, None), ("off_a1", "officer", None, a1.id), ("auditor", "auditor", None, None),
        ("admin", "admin", None, None), ("locked_a", "supervisor", a.id, None), ("gone", "director", None, None))}
    for row in s.query(AppUser):
        row.email = f"{row.username}@example.test"
        if row.username == "locked_a":
            row.locked_until = dt.datetime(2099, 1, 1)
        if row.username == "gone":
            row.active = False  # inactive: no item counts it, no digest goes to it

    def decision(officer, status, proposer, *, kind="compensation", amount=None, proposed, decided=None,
                 revoked=None, decider=None) -> Decision:
        row = Decision(officer_id=officer.id, cooperative_id=officer.cooperative_id, kind=kind, amount_cents=amount,
                       months=None, reason="because", effective_on=proposed, status=status,
                       proposed_by_id=users[proposer], proposed_at=_at(proposed),
                       decided_by_id=users[decider] if decider else None, decided_at=_at(decided) if decided else None,
                       revoked_by_id=users["director"] if revoked else None,
                       revoked_at=_at(revoked) if revoked else None,
                       revocation_reason="undone" if revoked else None)
        s.add(row)
        s.flush()
        return row

    decision(a1, "pending", "sup", amount=5_000, proposed=dt.date(2026, 11, 20))  # D1: the director's queue
    d2 = decision(b1, "approved", "sup", kind="warning", proposed=dt.date(2026, 10, 16), decided=dt.date(2026, 10, 20),
                  decider="director")
    s.add(DecisionAssignment(decision_id=d2.id, assignment_id=asg4.id))
    decision(a2, "rejected", "sup", amount=7_000, proposed=dt.date(2026, 11, 25), decided=dt.date(2026, 11, 27),
             decider="director")  # D3: rejected this week
    decision(a2, "rejected", "sup", amount=8_000, proposed=dt.date(2026, 10, 25), decided=dt.date(2026, 11, 1),
             decider="director")  # D4: rejected a month ago: not recent
    decision(b1, "revoked", "sup", amount=2_000, proposed=dt.date(2026, 10, 1), decided=dt.date(2026, 10, 2),
             revoked=dt.date(2026, 11, 28), decider="director")  # D5: revoked this week
    decision(b1, "pending", "director", amount=9_000, proposed=dt.date(2026, 11, 21))  # D6: the director's own

    for day, action in ((TODAY, "decision.propose"), (TODAY - dt.timedelta(days=6), "decision.propose"),
                        (TODAY - dt.timedelta(days=2), "auth.login"), (TODAY - dt.timedelta(days=7), "auth.login"),
                        (TODAY - dt.timedelta(days=1), "import.refused"),
                        (TODAY - dt.timedelta(days=9), "import.refused")):
        s.add(AuditLog(at=_at(day), user_id=users["sup"], username="sup", action=action, entity="x", entity_id="1"))
    s.flush()
    aggregates.rebuild_all(s)
    return {"A": a.id, "B": b.id, "users": users}
