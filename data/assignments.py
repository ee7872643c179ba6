"""Assigning NPLs to officers: assign (one or many at once) and reassign, validated, audited, history kept.

A reassignment never edits the old responsibility away: the old assignment is closed with the outcome
'reassigned' and the new one points back to it through ``previous_assignment_id``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from data import method_summary
from data.audit import record
from data.errors import RowError, ValidationError, require_role
from data.models import Assignment, Loan, LoanMonth, Officer
from domain.assignments import OPEN, REASSIGNED
from domain.classes import is_npl
from domain.scope import Actor

#: the most NPLs one bulk assignment writes (the preview shows at most this many)
BULK_LIMIT = 500


def _snapshot(row: Assignment) -> dict:
    return {"id": row.id, "loan_id": row.loan_id, "officer_id": row.officer_id, "cooperative_id": row.cooperative_id,
            "assigned_on": row.assigned_on, "target_cents": row.target_cents, "deadline": row.deadline,
            "outcome": row.outcome, "closed_on": row.closed_on, "previous_assignment_id": row.previous_assignment_id}


def _latest_month(session: Session, loan_id: int) -> LoanMonth | None:
    return session.scalar(select(LoanMonth).where(LoanMonth.loan_id == loan_id)
                          .order_by(LoanMonth.month.desc()).limit(1))


def _open_assignment(session: Session, loan_id: int) -> Assignment | None:
    return session.scalar(select(Assignment).where(Assignment.loan_id == loan_id, Assignment.outcome == OPEN)
                          .order_by(Assignment.id.desc()).limit(1))


def _check_terms(session: Session, *, actor: Actor, loan: Loan, officer_id: int, target_cents: int,
                 deadline: dt.date, assigned_on: dt.date, today: dt.date) -> None:
    """The checks shared by assign and reassign, in the order a user reads the form."""
    officer = session.get(Officer, officer_id) if officer_id is not None else None
    if officer is None or not actor.scope.allows(officer.cooperative_id):
        raise ValidationError("officer", "error.assignments.officer_out_of_scope")
    if not officer.active:
        raise ValidationError("officer", "error.assignments.officer_inactive", name=officer.name)
    if officer.cooperative_id != loan.cooperative_id:
        raise ValidationError("officer", "error.assignments.officer_other_cooperative", name=officer.name)
    if not isinstance(target_cents, int) or isinstance(target_cents, bool) or target_cents <= 0:
        raise ValidationError("target", "error.assignments.target_not_positive")
    latest = _latest_month(session, loan.id)
    balance = latest.outstanding_cents if latest is not None else 0
    if target_cents > balance:
        raise ValidationError("target", "error.assignments.target_above_balance", balance=f"{balance / 100:,.2f}")
    if assigned_on > today:
        raise ValidationError("assigned_on", "error.assignments.assigned_in_future")
    if not isinstance(deadline, dt.date) or deadline <= assigned_on:  # a cell emptied in the bulk preview: None
        raise ValidationError("deadline", "error.assignments.deadline_not_after_assignment",
                              assigned_on=assigned_on.isoformat())


def _loan_in_scope(session: Session, actor: Actor, loan_id: int, *, lock: bool = False) -> Loan:
    loan = session.get(Loan, loan_id, with_for_update=lock) if loan_id is not None else None
    if loan is None or not actor.scope.allows(loan.cooperative_id):
        raise ValidationError("loan", "error.assignments.loan_out_of_scope")
    return loan


def _check_new(session: Session, *, actor: Actor, loan_id: int, officer_id: int, target_cents: int,
               deadline: dt.date, assigned_on: dt.date, today: dt.date) -> Loan:
    """Every check of a new assignment (single or bulk): the loan is an NPL in scope with no open assignment,
    then the terms. The loan row is locked first (FOR UPDATE on PostgreSQL), so a supervisor assigning the same
    loan at the same moment waits for this transaction and then finds the loan assigned."""
    loan = _loan_in_scope(session, actor, loan_id, lock=True)
    latest = _latest_month(session, loan.id)
    if latest is None or not is_npl(latest.loan_class):
        raise ValidationError("loan", "error.assignments.not_npl")
    if _open_assignment(session, loan.id) is not None:
        raise ValidationError("loan", "error.assignments.already_assigned")
    _check_terms(session, actor=actor, loan=loan, officer_id=officer_id, target_cents=target_cents,
                 deadline=deadline, assigned_on=assigned_on, today=today)
    return loan


def _new_row(loan: Loan, *, officer_id: int, target_cents: int, deadline: dt.date, assigned_on: dt.date) -> Assignment:
    return Assignment(loan_id=loan.id, officer_id=officer_id, cooperative_id=loan.cooperative_id,
                      assigned_on=assigned_on, target_cents=target_cents, deadline=deadline, outcome=OPEN)


def create(session: Session, *, actor: Actor, loan_id: int, officer_id: int, target_cents: int, deadline: dt.date,
           assigned_on: dt.date | None = None, today: dt.date | None = None) -> Assignment:
    """Make an officer answerable for an NPL: target not above its balance, deadline after today's assignment."""
    require_role(actor, "assign")
    today = today or dt.date.today()
    assigned_on = assigned_on or today
    loan = _check_new(session, actor=actor, loan_id=loan_id, officer_id=officer_id, target_cents=target_cents,
                      deadline=deadline, assigned_on=assigned_on, today=today)
    row = _new_row(loan, officer_id=officer_id, target_cents=target_cents, deadline=deadline, assigned_on=assigned_on)
    session.add(row)
    session.flush()
    method_summary.refresh_loans(session, [row.loan_id])  # days to a first recovery count from it
    record(session, actor=actor, action="assignment.create", entity="assignment", entity_id=row.id,
           after=_snapshot(row))
    return row


@dataclass(frozen=True)
class NewAssignment:
    """One row of a bulk assignment: the loan, the officer who will answer for it, the target and the deadline."""

    loan_id: int
    officer_id: int
    target_cents: int
    deadline: dt.date


def create_many(session: Session, *, actor: Actor, rows: Sequence[NewAssignment],
                today: dt.date | None = None) -> list[Assignment]:
    """Assign many NPLs at once, all or nothing: every row passes the checks of ``create`` (and no loan
    appears twice) or nothing is written. One audit row lists the batch.

    A refused batch raises ``RowError`` for its first bad row, counting the others, so the page can say which
    row to fix; a loan assigned by someone else since the preview was read is refused as already assigned.
    """
    require_role(actor, "assign")
    today = today or dt.date.today()
    rows = list(rows)
    if not rows:
        raise ValidationError("rows", "error.assignments.bulk_empty")
    if len(rows) > BULK_LIMIT:
        raise ValidationError("rows", "error.assignments.bulk_too_many", limit=BULK_LIMIT)
    # lock every loan of the batch in one statement, in id order, before checking any (no deadlock between
    # two batches sharing loans; an out-of-scope id locks nothing and is refused below)
    wanted = sorted({r.loan_id for r in rows if isinstance(r.loan_id, int) and not isinstance(r.loan_id, bool)})
    session.scalars(select(Loan.id).where(Loan.id.in_(wanted)).order_by(Loan.id).with_for_update()).all()
    loans, failures, seen = [], [], set()
    for number, row in enumerate(rows, start=1):
        try:
            if row.loan_id in seen:
                raise ValidationError("loan", "error.assignments.bulk_duplicate")
            seen.add(row.loan_id)
            loans.append(_check_new(session, actor=actor, loan_id=row.loan_id, officer_id=row.officer_id,
                                    target_cents=row.target_cents, deadline=row.deadline, assigned_on=today,
                                    today=today))
        except ValidationError as error:
            failures.append((number, row, error))
    if failures:
        number, row, error = failures[0]
        raise RowError(number, _row_label(session, actor, row.loan_id), error, others=len(failures) - 1)
    created = [_new_row(loan, officer_id=row.officer_id, target_cents=row.target_cents, deadline=row.deadline,
                        assigned_on=today) for loan, row in zip(loans, rows)]
    session.add_all(created)
    session.flush()
    method_summary.refresh_loans(session, [row.loan_id for row in created])
    record(session, actor=actor, action="assignment.create_many", entity="assignment",
           entity_id=f"{created[0].id}-{created[-1].id}",
           after={"count": len(created), "assigned_on": today,
                  "target_cents": sum(r.target_cents for r in created),
                  "loan_ids": [r.loan_id for r in created],
                  "assignments": [[r.id, r.loan_id, r.officer_id, r.target_cents, r.deadline] for r in created],
                  "columns": ["id", "loan_id", "officer_id", "target_cents", "deadline"]})
    return created


def _row_label(session: Session, actor: Actor, loan_id: object) -> str | None:
    """A refused row's contract number, only for a loan the actor may see (no existence oracle)."""
    loan = session.get(Loan, loan_id) if isinstance(loan_id, int) and not isinstance(loan_id, bool) else None
    return loan.contract_no if loan is not None and actor.scope.allows(loan.cooperative_id) else None


def reassign(session: Session, *, actor: Actor, assignment_id: int, officer_id: int, target_cents: int,
             deadline: dt.date, reassigned_on: dt.date | None = None, today: dt.date | None = None) -> Assignment:
    """Hand an open assignment to another officer: the old one is closed as 'reassigned', the new one
    points back to it, and one audit row holds both."""
    require_role(actor, "assign")
    today = today or dt.date.today()
    reassigned_on = reassigned_on or today
    old = session.get(Assignment, assignment_id) if assignment_id is not None else None
    if old is None or not actor.scope.allows(old.cooperative_id):
        raise ValidationError("assignment", "error.assignments.unknown_assignment")
    if old.outcome != OPEN:
        raise ValidationError("assignment", "error.assignments.not_open")
    if officer_id == old.officer_id:
        raise ValidationError("officer", "error.assignments.same_officer")
    loan = _loan_in_scope(session, actor, old.loan_id)
    _check_terms(session, actor=actor, loan=loan, officer_id=officer_id, target_cents=target_cents,
                 deadline=deadline, assigned_on=reassigned_on, today=today)
    if reassigned_on < old.assigned_on:
        raise ValidationError("assigned_on", "error.assignments.reassigned_before_assigned",
                              assigned_on=old.assigned_on.isoformat())
    before = _snapshot(old)
    old.outcome, old.closed_on = REASSIGNED, reassigned_on
    new = Assignment(loan_id=loan.id, officer_id=officer_id, cooperative_id=loan.cooperative_id,
                     assigned_on=reassigned_on, target_cents=target_cents, deadline=deadline, outcome=OPEN,
                     previous_assignment_id=old.id)
    session.add(new)
    session.flush()
    method_summary.refresh_loans(session, [new.loan_id])
    record(session, actor=actor, action="assignment.reassign", entity="assignment", entity_id=new.id,
           before={"previous": before}, after={"previous": _snapshot(old), "new": _snapshot(new)})
    return new
