"""Penalty and reward decisions: propose, approve / reject (four eyes), revoke; and their scoped reads.

Nothing is ever deleted or edited in place: a command only inserts a proposal or moves its status, filling
the fields of that transition (decided_by/at + comment, or revoked_by/at + reason). Each command writes one
audit row with the before/after state. Status moves are a conditional UPDATE (``WHERE status = <expected>``)
so two directors acting on the same decision at once give one change and one clear refusal, never two.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from data.audit import now, record
from data.errors import ValidationError, require_role
from data.frames import frame as to_frame
from data.models import AppUser, Assignment, Cooperative, Decision, DecisionAssignment, Loan, Officer
from data.reviews import assignments_for_write, officer_for_write
from data.scoping import scoped
from domain.decision_rules import proposal_problem, source_status, transition_problem
from domain.decisions import APPROVED, PENDING, REJECTED, REVOKED
from domain.scope import Actor, Scope


def _raise(problem) -> None:
    if problem:
        field, key, params = problem
        raise ValidationError(field, key, **params)


def snapshot(decision: Decision) -> dict:
    """Every stored field of a decision, for the audit row (text exactly as typed)."""
    return {column: getattr(decision, column) for column in (
        "officer_id", "cooperative_id", "kind", "amount_cents", "months", "reason", "effective_on", "status",
        "proposed_by_id", "decided_by_id", "decided_at", "decision_comment", "revoked_by_id", "revoked_at",
        "revocation_reason")} | {"assignment_ids": sorted(a.id for a in decision.assignments)}


# --------------------------------------------------------------------------------------------- commands
def propose(session: Session, *, actor: Actor, officer_id: int | None, kind: str, reason: str,
            effective_on: dt.date | None, amount_cents: int | None = None, months: int | None = None,
            assignment_ids: Iterable[int] = (), today: dt.date | None = None) -> Decision:
    """A supervisor or director proposes a decision about an officer of their scope; it starts pending."""
    require_role(actor, "propose_decision")
    officer = officer_for_write(session, actor=actor, officer_id=officer_id)
    _raise(proposal_problem(kind=kind, amount_cents=amount_cents, months=months, reason=reason,
                            effective_on=effective_on, today=today or dt.date.today()))
    linked = assignments_for_write(session, officer=officer, assignment_ids=assignment_ids)
    decision = Decision(officer_id=officer.id, cooperative_id=officer.cooperative_id, kind=kind,
                        amount_cents=amount_cents, months=months, reason=reason, effective_on=effective_on,
                        status=PENDING, proposed_by_id=actor.user_id, proposed_at=now())
    decision.assignments = linked
    session.add(decision)
    session.flush()
    record(session, actor=actor, action="decision.propose", entity="decision", entity_id=decision.id,
           after=snapshot(decision))
    return decision


def _move(session: Session, *, actor: Actor, decision_id: int, to_status: str, text: str, text_field: str,
          action: str) -> Decision:
    require_role(actor, "approve_decision")
    decision = session.get(Decision, decision_id, populate_existing=True)
    if decision is None or not actor.scope.allows(decision.cooperative_id):
        raise ValidationError("decision", "error.decisions.decision_unknown")
    _raise(transition_problem(status=decision.status, to_status=to_status, proposer_id=decision.proposed_by_id,
                              actor_user_id=actor.user_id, text=text, text_field=text_field))
    before = snapshot(decision)
    at = now()
    if to_status == REVOKED:
        values = {"status": REVOKED, "revoked_by_id": actor.user_id, "revoked_at": at, "revocation_reason": text}
    else:
        values = {"status": to_status, "decided_by_id": actor.user_id, "decided_at": at, "decision_comment": text}
    result = session.execute(update(Decision).where(Decision.id == decision.id,
                                                   Decision.status == source_status(to_status))
                             .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        # someone else moved it between our read and our write: refuse, having changed nothing
        raise ValidationError("decision", "error.decisions.changed_meanwhile")
    session.refresh(decision)
    record(session, actor=actor, action=action, entity="decision", entity_id=decision.id, before=before,
           after=snapshot(decision))
    return decision


def approve(session: Session, *, actor: Actor, decision_id: int, comment: str) -> Decision:
    """A director of the officer's cooperative (not the proposer) approves a pending decision."""
    return _move(session, actor=actor, decision_id=decision_id, to_status=APPROVED, text=comment,
                 text_field="comment", action="decision.approve")


def reject(session: Session, *, actor: Actor, decision_id: int, comment: str) -> Decision:
    """A director of the officer's cooperative (not the proposer) rejects a pending decision; this is final."""
    return _move(session, actor=actor, decision_id=decision_id, to_status=REJECTED, text=comment,
                 text_field="comment", action="decision.reject")


def revoke(session: Session, *, actor: Actor, decision_id: int, reason: str) -> Decision:
    """A director of the officer's cooperative revokes an approved decision, with a reason; nothing is deleted."""
    return _move(session, actor=actor, decision_id=decision_id, to_status=REVOKED, text=reason,
                 text_field="reason", action="decision.revoke")


# ------------------------------------------------------------------------------------------------ reads
Proposer, Decider, Revoker = aliased(AppUser), aliased(AppUser), aliased(AppUser)
HISTORY_COLUMNS = ["id", "officer_id", "officer", "cooperative", "kind", "amount_cents", "months", "effective_on",
                   "status", "reason", "proposed_by_id", "proposed_by", "proposed_at", "decided_by", "decided_at",
                   "decision_comment", "revoked_by", "revoked_at", "revocation_reason"]


def _base():
    return (select(Decision.id, Decision.officer_id, Officer.name, Cooperative.name, Decision.kind,
                   Decision.amount_cents, Decision.months, Decision.effective_on, Decision.status, Decision.reason,
                   Decision.proposed_by_id, Proposer.display_name, Decision.proposed_at, Decider.display_name,
                   Decision.decided_at, Decision.decision_comment, Revoker.display_name, Decision.revoked_at,
                   Decision.revocation_reason)
            .join(Officer, Officer.id == Decision.officer_id)
            .join(Cooperative, Cooperative.id == Decision.cooperative_id)
            .join(Proposer, Proposer.id == Decision.proposed_by_id)
            .outerjoin(Decider, Decider.id == Decision.decided_by_id)
            .outerjoin(Revoker, Revoker.id == Decision.revoked_by_id))


def _filter(stmt, *, scope: Scope, officer_id: int | None = None, kind: str | None = None, status: str | None = None,
            first_day: dt.date | None = None, last_day: dt.date | None = None,
            exclude_proposer_id: int | None = None, proposer_id: int | None = None,
            moved_since: dt.date | None = None):
    """The history filters; the period is on the effective date (when the decision bites).

    ``proposer_id`` keeps one person's proposals; ``moved_since`` keeps decisions whose latest status change
    (revoked, else decided, else proposed) is on or after that day: "rejected this week", "revoked this week".
    """
    if proposer_id is not None:
        stmt = stmt.where(Decision.proposed_by_id == proposer_id)
    if moved_since is not None:
        stmt = stmt.where(func.coalesce(Decision.revoked_at, Decision.decided_at, Decision.proposed_at)
                          >= dt.datetime.combine(moved_since, dt.time.min))
    if officer_id is not None:
        stmt = stmt.where(Decision.officer_id == officer_id)
    if kind:
        stmt = stmt.where(Decision.kind == kind)
    if status:
        stmt = stmt.where(Decision.status == status)
    if first_day is not None:
        stmt = stmt.where(Decision.effective_on >= first_day)
    if last_day is not None:
        stmt = stmt.where(Decision.effective_on <= last_day)
    if exclude_proposer_id is not None:
        stmt = stmt.where(Decision.proposed_by_id != exclude_proposer_id)
    return scoped(stmt, scope, cooperative_col=Decision.cooperative_id, officer_col=Decision.officer_id)


def _with_contracts(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    ids = [int(i) for i in frame["id"]]
    links: dict[int, list[str]] = {}
    if ids:
        rows = session.execute(select(DecisionAssignment.decision_id, Assignment.id, Loan.contract_no)
                               .join(Assignment, Assignment.id == DecisionAssignment.assignment_id)
                               .join(Loan, Loan.id == Assignment.loan_id)
                               .where(DecisionAssignment.decision_id.in_(ids))
                               .order_by(DecisionAssignment.decision_id, Assignment.id)).all()
        for decision_id, assignment_id, contract in rows:
            links.setdefault(decision_id, []).append(f"{contract} (#{assignment_id})")
    frame["assignments"] = [", ".join(links.get(i, [])) for i in ids]
    return frame


def history(session: Session, *, scope: Scope, officer_id: int | None = None, kind: str | None = None,
            status: str | None = None, first_day: dt.date | None = None, last_day: dt.date | None = None,
            proposer_id: int | None = None, moved_since: dt.date | None = None,
            limit: int | None = 500) -> pd.DataFrame:
    """Decisions newest first with who proposed, decided and revoked them; ``limit`` None = all (downloads)."""
    stmt = _filter(_base(), scope=scope, officer_id=officer_id, kind=kind, status=status, first_day=first_day,
                   last_day=last_day, proposer_id=proposer_id, moved_since=moved_since
                   ).order_by(Decision.proposed_at.desc(), Decision.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    frame = to_frame(session, stmt, HISTORY_COLUMNS)
    frame["amount_cents"] = frame["amount_cents"].astype("Int64")
    frame["months"] = frame["months"].astype("Int64")
    return _with_contracts(session, frame)


def count_history(session: Session, *, scope: Scope, officer_id: int | None = None, kind: str | None = None,
                  status: str | None = None, first_day: dt.date | None = None,
                  last_day: dt.date | None = None, proposer_id: int | None = None,
                  moved_since: dt.date | None = None) -> int:
    stmt = _filter(select(func.count(Decision.id)), scope=scope, officer_id=officer_id, kind=kind, status=status,
                   first_day=first_day, last_day=last_day, proposer_id=proposer_id, moved_since=moved_since)
    return int(session.scalar(stmt) or 0)


def history_totals(session: Session, *, scope: Scope, status: str | None = None, proposer_id: int | None = None,
                   moved_since: dt.date | None = None) -> tuple[int, int]:
    """(count, amount in cents) of the decisions ``history`` lists with these filters (the Today page's items)."""
    stmt = _filter(select(func.count(Decision.id), func.coalesce(func.sum(Decision.amount_cents), 0)), scope=scope,
                   status=status, proposer_id=proposer_id, moved_since=moved_since)
    count, cents = session.execute(stmt).one()
    return int(count), int(cents)


def pending_queue(session: Session, *, scope: Scope, approver_id: int, limit: int | None = 50, offset: int = 0,
                  officer_id: int | None = None, kind: str | None = None) -> pd.DataFrame:
    """Pending decisions an approver may decide: in their scope and not proposed by them, oldest first.

    ``offset`` pages through a queue longer than ``limit`` and ``officer_id`` / ``kind`` narrow it, so every
    pending decision can be reached, not only the oldest ones.
    """
    stmt = _filter(_base(), scope=scope, status=PENDING, exclude_proposer_id=approver_id, officer_id=officer_id,
                   kind=kind).order_by(Decision.proposed_at, Decision.id)
    if offset:
        stmt = stmt.offset(max(0, int(offset)))
    if limit is not None:
        stmt = stmt.limit(limit)
    frame = to_frame(session, stmt, HISTORY_COLUMNS)
    frame["amount_cents"] = frame["amount_cents"].astype("Int64")
    frame["months"] = frame["months"].astype("Int64")
    return _with_contracts(session, frame)


def pending_queue_totals(session: Session, *, scope: Scope, approver_id: int, officer_id: int | None = None,
                         kind: str | None = None) -> tuple[int, int]:
    """(count, amount in cents) of the whole queue ``pending_queue`` pages through."""
    stmt = _filter(select(func.count(Decision.id), func.coalesce(func.sum(Decision.amount_cents), 0)), scope=scope,
                   status=PENDING, exclude_proposer_id=approver_id, officer_id=officer_id, kind=kind)
    count, cents = session.execute(stmt).one()
    return int(count), int(cents)


def status_counts(session: Session, *, scope: Scope, first_day: dt.date | None = None,
                  last_day: dt.date | None = None) -> pd.DataFrame:
    """Decisions and amounts by kind x status (effective in the period): the source of the page's KPIs."""
    stmt = _filter(select(Decision.kind, Decision.status, func.count(Decision.id),
                          func.coalesce(func.sum(Decision.amount_cents), 0))
                   .group_by(Decision.kind, Decision.status), scope=scope, first_day=first_day, last_day=last_day)
    frame = to_frame(session, stmt, ["kind", "status", "count", "amount_cents"])
    return frame.astype({"count": "int64", "amount_cents": "int64"})


def list_officers(session: Session, *, scope: Scope, active_only: bool = True) -> pd.DataFrame:
    """Officers in scope by cooperative and name: active ones for the forms, all of them for filters."""
    stmt = (select(Officer.id, Officer.name, Officer.employee_no, Officer.cooperative_id, Cooperative.name)
            .join(Cooperative, Cooperative.id == Officer.cooperative_id).order_by(Cooperative.name, Officer.name))
    if active_only:
        stmt = stmt.where(Officer.active.is_(True))
    stmt = scoped(stmt, scope, cooperative_col=Officer.cooperative_id, officer_col=Officer.id)
    return to_frame(session, stmt,
                        ["id", "name", "employee_no", "cooperative_id", "cooperative"])


def list_assignments(session: Session, *, scope: Scope, officer_id: int, limit: int = 1000) -> pd.DataFrame:
    """An officer's assignments (newest deadline first) for linking to a review or decision."""
    stmt = (select(Assignment.id, Loan.contract_no, Assignment.assigned_on, Assignment.target_cents,
                   Assignment.deadline, Assignment.outcome)
            .join(Loan, Loan.id == Assignment.loan_id)
            .where(Assignment.officer_id == officer_id)
            .order_by(Assignment.deadline.desc(), Assignment.id.desc()).limit(limit))
    stmt = scoped(stmt, scope, cooperative_col=Assignment.cooperative_id, officer_col=Assignment.officer_id)
    return to_frame(session, stmt,
                        ["id", "contract_no", "assigned_on", "target_cents", "deadline", "outcome"])
