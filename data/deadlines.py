"""Open assignments by what is due: deadlines within a window, deadlines passed, nothing logged for a while.

The lists the Today page's deadline items link to (officers page for supervisors, the officer's own record),
and their totals. Deadline statuses come from ``data.officers.deadline_status_sql`` (the SQL twin of
``domain.assignments.deadline_status``) with the window as its "due soon" days, recovered from
``data.officers.recovered_cents_expr``; the amount at stake is ``domain.today.remaining_cents`` (summed in SQL by
its twin ``data.officers.remaining_cents_sql`` for the totals). Scoped in SQL like every read (an officer sees
their own assignments only).
"""
from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from data.frames import frame as to_frame
from data.models import Assignment, Borrower, CollectionAction, Cooperative, Loan, Officer
from data.officers import deadline_status_sql, recovered_cents_expr, remaining_cents_sql
from data.scoping import scoped
from domain.assignments import DUE_SOON, OPEN, OVERDUE
from domain.scope import Scope
from domain.today import idle_before, remaining_cents

#: what a list holds: deadlines within the window (today included), deadlines passed, or nothing logged lately
DUE: Final = "due"
LATE: Final = "overdue"
IDLE: Final = "idle"
KINDS: Final = (DUE, LATE, IDLE)
COLUMNS = ["assignment_id", "officer_id", "officer", "cooperative", "contract_no", "borrower", "assigned_on",
           "deadline", "target_cents", "recovered_cents", "last_action_on"]


def _last_action():
    return (select(func.max(CollectionAction.action_date)).where(CollectionAction.assignment_id == Assignment.id)
            .correlate(Assignment).scalar_subquery())


def _select(columns, *, scope: Scope, kind: str, today: dt.date, days: int, with_names: bool = True):
    """Open assignments of one kind: DUE within ``days`` days, LATE (past the deadline), or IDLE (no collection
    action, or none since the assignment day, for ``days`` days). ``with_names`` joins what the list shows
    (the totals need none: every assignment has its officer, cooperative, loan and borrower)."""
    if kind not in KINDS:
        raise ValueError(f"unknown list: {kind}")
    stmt = select(*columns).select_from(Assignment)
    if with_names:
        stmt = (stmt.join(Officer, Officer.id == Assignment.officer_id)
                .join(Cooperative, Cooperative.id == Assignment.cooperative_id)
                .join(Loan, Loan.id == Assignment.loan_id)
                .join(Borrower, Borrower.id == Loan.borrower_id))
    stmt = stmt.where(Assignment.outcome == OPEN)
    if kind == DUE:
        stmt = stmt.where(deadline_status_sql(today, due_soon_days=days) == DUE_SOON)
    elif kind == LATE:
        stmt = stmt.where(deadline_status_sql(today) == OVERDUE)
    else:
        before = idle_before(today, days)
        last = _last_action()
        stmt = stmt.where(Assignment.assigned_on < before, or_(last.is_(None), last < before))
    return scoped(stmt, scope, cooperative_col=Assignment.cooperative_id, officer_col=Assignment.officer_id)


def list_open(session: Session, *, scope: Scope, kind: str, today: dt.date, days: int,
              limit: int | None = 200) -> pd.DataFrame:
    """The assignments of one list, nearest deadline first, with the amount still to recover (``remaining_cents``)."""
    columns = [Assignment.id, Assignment.officer_id, Officer.name, Cooperative.name, Loan.contract_no, Borrower.name,
               Assignment.assigned_on, Assignment.deadline, Assignment.target_cents, recovered_cents_expr(),
               _last_action()]
    stmt = _select(columns, scope=scope, kind=kind, today=today, days=days).order_by(Assignment.deadline,
                                                                                     Assignment.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    frame = to_frame(session, stmt, COLUMNS).astype({"target_cents": "int64", "recovered_cents": "int64"})
    frame["remaining_cents"] = pd.Series([remaining_cents(t, r) for t, r in
                                          zip(frame.target_cents, frame.recovered_cents)], index=frame.index,
                                         dtype="int64")
    return frame


def totals(session: Session, *, scope: Scope, kind: str, today: dt.date, days: int) -> tuple[int, int]:
    """(count, amount still to recover in cents) of ``list_open`` without a limit."""
    stmt = _select([func.count(), func.coalesce(func.sum(remaining_cents_sql(Assignment.target_cents,
                                                                          recovered_cents_expr())), 0)],
                   scope=scope, kind=kind, today=today, days=days, with_names=False)
    count, cents = session.execute(stmt).one()
    return int(count), int(cents)
