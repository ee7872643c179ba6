"""Reviews of an officer: the command that records one (audited) and the scoped reads that list them.

Also holds the two checks every write about an officer shares (the officer is in the actor's scope and
active; linked assignments are that officer's), so reviews and decisions refuse the same things the same way.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.audit import now, record
from data.errors import ValidationError, require_role
from data.frames import frame as to_frame
from data.models import AppUser, Assignment, Cooperative, Loan, Officer, Review, ReviewAssignment
from data.scoping import scoped
from domain.decision_rules import review_problem
from domain.scope import Actor, Scope


def officer_for_write(session: Session, *, actor: Actor, officer_id: int | None) -> Officer:
    """The officer a review or decision is about: must exist, be active and lie in the actor's scope.

    An officer outside the scope is reported exactly like an unknown one, so the message does not reveal
    which officers exist in other cooperatives.
    """
    officer = session.get(Officer, officer_id) if officer_id is not None else None
    if officer is None or not actor.scope.allows(officer.cooperative_id):
        raise ValidationError("officer", "error.decisions.officer_unknown")
    if not officer.active:
        raise ValidationError("officer", "error.decisions.officer_inactive")
    return officer


def assignments_for_write(session: Session, *, officer: Officer, assignment_ids: Iterable[int]) -> list[Assignment]:
    """The linked assignments, each of which must be this officer's (deduplicated, in id order)."""
    wanted = sorted({int(i) for i in assignment_ids})
    if not wanted:
        return []
    rows = session.scalars(select(Assignment).where(Assignment.id.in_(wanted))).all()
    found = {row.id: row for row in rows if row.officer_id == officer.id}
    foreign = [i for i in wanted if i not in found]
    if foreign:
        raise ValidationError("assignments", "error.decisions.assignment_not_officer",
                              ids=", ".join(map(str, foreign)))
    return [found[i] for i in wanted]


def snapshot(review: Review, assignment_ids: list[int]) -> dict:
    """What the audit row keeps of a review: every field as stored, text exactly as typed."""
    return {"officer_id": review.officer_id, "cooperative_id": review.cooperative_id,
            "period_start": review.period_start, "period_end": review.period_end, "rating": review.rating,
            "findings": review.findings, "reviewer_id": review.reviewer_id, "assignment_ids": assignment_ids}


def create(session: Session, *, actor: Actor, officer_id: int | None, period_start: dt.date | None,
           period_end: dt.date | None, rating: str, findings: str, assignment_ids: Iterable[int] = (),
           today: dt.date | None = None) -> Review:
    """Record a supervisor's review of an officer; everything is checked before anything is written."""
    require_role(actor, "record_review")
    officer = officer_for_write(session, actor=actor, officer_id=officer_id)
    problem = review_problem(period_start=period_start, period_end=period_end, rating=rating, findings=findings,
                             today=today or dt.date.today())
    if problem:
        field, key, params = problem
        raise ValidationError(field, key, **params)
    linked = assignments_for_write(session, officer=officer, assignment_ids=assignment_ids)
    review = Review(officer_id=officer.id, cooperative_id=officer.cooperative_id, period_start=period_start,
                    period_end=period_end, rating=rating, findings=findings, reviewer_id=actor.user_id,
                    created_at=now())
    review.assignments = linked
    session.add(review)
    session.flush()
    record(session, actor=actor, action="review.create", entity="review", entity_id=review.id,
           after=snapshot(review, [a.id for a in linked]))
    return review


def _filtered(stmt, *, scope: Scope, officer_id: int | None):
    if officer_id is not None:
        stmt = stmt.where(Review.officer_id == officer_id)
    return scoped(stmt, scope, cooperative_col=Review.cooperative_id, officer_col=Review.officer_id)


COLUMNS = ["id", "officer_id", "officer", "cooperative", "period_start", "period_end", "rating", "findings",
           "reviewer", "created_at", "assignments"]


def list_(session: Session, *, scope: Scope, officer_id: int | None = None, limit: int | None = 200) -> pd.DataFrame:
    """Reviews newest first (bounded by ``limit``; None = all, for downloads), with linked contract numbers."""
    stmt = (select(Review.id, Review.officer_id, Officer.name, Cooperative.name, Review.period_start,
                   Review.period_end, Review.rating, Review.findings, AppUser.display_name, Review.created_at)
            .join(Officer, Officer.id == Review.officer_id)
            .join(Cooperative, Cooperative.id == Review.cooperative_id)
            .join(AppUser, AppUser.id == Review.reviewer_id)
            .order_by(Review.created_at.desc(), Review.id.desc()))
    stmt = _filtered(stmt, scope=scope, officer_id=officer_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    frame = to_frame(session, stmt, COLUMNS[:-1])
    links = _contracts(session, [int(i) for i in frame["id"]])
    frame["assignments"] = [links.get(int(i), "") for i in frame["id"]]
    return frame


def count(session: Session, *, scope: Scope, officer_id: int | None = None) -> int:
    stmt = _filtered(select(func.count(Review.id)), scope=scope, officer_id=officer_id)
    return int(session.scalar(stmt) or 0)


def _contracts(session: Session, review_ids: list[int]) -> dict[int, str]:
    """Review id -> 'contract (assignment id), ...' for the reviews on show (one query, not one per row)."""
    if not review_ids:
        return {}
    rows = session.execute(select(ReviewAssignment.review_id, Assignment.id, Loan.contract_no)
                           .join(Assignment, Assignment.id == ReviewAssignment.assignment_id)
                           .join(Loan, Loan.id == Assignment.loan_id)
                           .where(ReviewAssignment.review_id.in_(review_ids))
                           .order_by(ReviewAssignment.review_id, Assignment.id)).all()
    out: dict[int, list[str]] = {}
    for review_id, assignment_id, contract in rows:
        out.setdefault(review_id, []).append(f"{contract} (#{assignment_id})")
    return {key: ", ".join(values) for key, values in out.items()}
