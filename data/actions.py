"""Recording a collection action: the one write of the collection-methods area, validated and audited.

Everything is checked before anything is written; a refused action leaves no row and no audit entry.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.audit import record
from data.errors import ValidationError, require_role
from data.models import Assignment, CollectionAction, Loan, LoanMonth
from data.settings import get as get_settings
from data import method_summary
from data.summaries import refresh_recovered, refresh_recovery_months
from domain.assignments import OPEN
from domain.inputs import amount_too_large, has_nul
from domain.methods import ACTION_OUTCOMES, METHODS, VILLAGE, VILLAGE_SOURCES
from domain.roles import OFFICER
from domain.scope import Actor

NOTE_MAX_CHARS = 2000
#: outcomes that say money came in, and those that say none did
PAYING_OUTCOMES = ("paid_full", "paid_partial")
NON_PAYING_OUTCOMES = ("promise", "no_result")


def latest_balance(session: Session, loan_id: int) -> int | None:
    """The loan's outstanding balance in its latest month on record (None when it has no monthly row)."""
    return session.scalar(select(LoanMonth.outstanding_cents).where(LoanMonth.loan_id == loan_id)
                          .order_by(LoanMonth.month.desc()).limit(1))


def open_assignment(session: Session, loan_id: int) -> Assignment | None:
    """The loan's current open assignment (the latest one if data holds several)."""
    return session.scalar(select(Assignment).where(Assignment.loan_id == loan_id, Assignment.outcome == OPEN)
                          .order_by(Assignment.assigned_on.desc(), Assignment.id.desc()).limit(1))


def responsible_officer_id(session: Session, loan: Loan) -> tuple[int, Assignment | None]:
    """Who answers for the loan: the open assignment's officer, else the officer who granted it."""
    assignment = open_assignment(session, loan.id)
    return (assignment.officer_id if assignment else loan.officer_id), assignment


def find_loan(session: Session, contract_no: str) -> Loan | None:
    return session.scalar(select(Loan).where(Loan.contract_no == contract_no.strip()))


def _may_record_on(actor: Actor, loan: Loan, responsible_id: int) -> bool:
    """The loan lies in the actor's scope and, for an officer, is one they answer for."""
    if not actor.scope.allows(loan.cooperative_id):
        return False
    return actor.role != OFFICER or (actor.scope.officer_id is not None and responsible_id == actor.scope.officer_id)


def _whole_cents(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "error.methods.amount_not_whole")
    if value < 0:
        raise ValidationError(field, "error.methods.negative")
    if amount_too_large(value):
        raise ValidationError(field, "error.amount_too_large")
    return value


def _snapshot(row: CollectionAction, contract_no: str) -> dict:
    return {"loan_id": row.loan_id, "contract_no": contract_no, "assignment_id": row.assignment_id,
            "officer_id": row.officer_id, "cooperative_id": row.cooperative_id, "method": row.method,
            "action_date": row.action_date, "recovered_cents": row.recovered_cents, "cost_cents": row.cost_cents,
            "outcome": row.outcome, "village_source": row.village_source, "note": row.note}


def record_action(session: Session, *, actor: Actor, contract_no: str, method: str, action_date: dt.date,
                  recovered_cents: int, cost_cents: int, outcome: str, village_source: str | None = None,
                  note: str = "", today: dt.date | None = None) -> CollectionAction:
    """Record one collection action on a loan after checking role, scope, and every field.

    The action is booked to the officer who answers for the loan (open assignment, else originator) and
    to the open assignment if any. An officer may record only on loans they answer for. A contract that
    does not exist, lies outside the scope or is another officer's gets the same error (no existence
    oracle). The note is stored exactly as typed (it is plain text everywhere it is shown).
    """
    require_role(actor, "record_action")
    today = today or dt.date.today()
    typed = (contract_no or "").strip()
    loan = find_loan(session, typed) if typed else None
    officer_id, assignment = responsible_officer_id(session, loan) if loan is not None else (None, None)
    if loan is None or not _may_record_on(actor, loan, officer_id):
        # one error for "no such loan", "another cooperative's loan" and "another officer's loan": a user must
        # not learn from this form which contract numbers exist outside what they may work on
        raise ValidationError("contract_no", "error.methods.contract_not_found", contract=typed)
    if method not in METHODS:
        raise ValidationError("method", "error.methods.unknown_method")
    if outcome not in ACTION_OUTCOMES:
        raise ValidationError("outcome", "error.methods.unknown_outcome")
    if method == VILLAGE and village_source not in VILLAGE_SOURCES:
        raise ValidationError("village_source", "error.methods.village_source_required")
    if method != VILLAGE and village_source is not None:
        raise ValidationError("village_source", "error.methods.village_source_forbidden")
    if not isinstance(action_date, dt.date) or isinstance(action_date, dt.datetime):
        raise ValidationError("action_date", "error.methods.date_required")
    if action_date > today:
        raise ValidationError("action_date", "error.methods.date_in_future", today=today.isoformat())
    if action_date < loan.issue_date:
        raise ValidationError("action_date", "error.methods.date_before_issue", issued=loan.issue_date.isoformat())
    recovered_cents = _whole_cents("recovered_cents", recovered_cents)
    cost_cents = _whole_cents("cost_cents", cost_cents)
    balance = latest_balance(session, loan.id) or 0
    if recovered_cents > balance:
        symbol = get_settings(session).currency_symbol
        raise ValidationError("recovered_cents", "error.methods.above_balance", balance_cents=balance,
                              balance=f"{symbol}{balance / 100:,.2f}")
    if outcome in PAYING_OUTCOMES and recovered_cents == 0:
        raise ValidationError("outcome", "error.methods.paid_without_amount")
    if outcome in NON_PAYING_OUTCOMES and recovered_cents > 0:
        raise ValidationError("outcome", "error.methods.amount_without_payment")
    if not isinstance(note, str) or len(note) > NOTE_MAX_CHARS:
        raise ValidationError("note", "error.methods.note_too_long", limit=NOTE_MAX_CHARS)
    if has_nul(note):
        raise ValidationError("note", "error.nul_character")

    row = CollectionAction(loan_id=loan.id, assignment_id=assignment.id if assignment else None,
                           officer_id=officer_id, cooperative_id=loan.cooperative_id, method=method,
                           action_date=action_date, recovered_cents=recovered_cents, cost_cents=cost_cents,
                           outcome=outcome, village_source=village_source if method == VILLAGE else None, note=note)
    session.add(row)
    session.flush()
    refresh_recovered(session, assignment_ids=[row.assignment_id])
    refresh_recovery_months(session, [row.action_date])
    method_summary.refresh_loans(session, [row.loan_id])
    record(session, actor=actor, action="collection_action.create", entity="collection_action", entity_id=row.id,
           after=_snapshot(row, loan.contract_no))
    return row
