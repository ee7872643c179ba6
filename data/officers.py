"""Reads of officer accountability: the facts behind the officer table, one officer's record, the gap list.

Aggregation happens in SQL and every function applies the viewer's scope there. Deadline statuses in
SQL come from ``deadline_status_sql``, the SQL twin of ``domain.assignments.deadline_status`` (the tests
check the two agree on every edge case); the officer figures themselves are built in
``domain.accountability``.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import and_, case, exists, extract, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from data.aggregates import segment_expr
from data.frames import frame as to_frame
from data.models import (AppUser, Assignment, Borrower, CollectionAction, Cooperative, Decision, DecisionAssignment,
                         Loan, LoanMonth, Officer, PortfolioMonth, Review)
from data.scoping import scoped
from data.settings import get as get_settings
from domain.accountability import AWAITING_APPROVAL, BEHIND_STATUSES, GAP_STATES, NO_DECISION
from domain.assignments import DUE_SOON, DUE_SOON_DAYS, MET, MET_LATE, ON_TRACK, OPEN, OVERDUE, RECOVERED
from domain.classes import NPL_CLASSES
from domain.decisions import APPROVED, PENDING, REJECTED
from domain.scope import Scope
from domain.segments import NEW

GAP_LIMIT = 200


def _assignment_scope(stmt, scope: Scope):
    return scoped(stmt, scope, cooperative_col=Assignment.cooperative_id, officer_col=Assignment.officer_id)


def _in_segment(session: Session, stmt, segment: str | None):
    """Assignments on loans of one segment (old/new by issue date), looked up by the loan's primary key."""
    if segment is None:
        return stmt
    loan = aliased(Loan)
    old = loan.issue_date < get_settings(session).segment_cutoff
    return stmt.where(exists().where(loan.id == Assignment.loan_id, old if segment != NEW else ~old))


def recovered_cents_expr():
    """Recovered per assignment: the sum of collection_action.recovered_cents carrying its id.

    The one definition every officer figure uses. Read from the summary column assignment.recovered_cents,
    which every writer of collection_action keeps current (data.summaries; the raw sum is
    data.summaries.recovered_select): summing each assignment's actions at every view took 2.4 s at
    1,000,000 loans.
    """
    return Assignment.recovered_cents


def deadline_status_sql(today: dt.date, due_soon_days: int = DUE_SOON_DAYS):
    """SQL twin of domain.assignments.deadline_status on ``today`` (tests check they agree)."""
    due_soon_until = today + dt.timedelta(days=due_soon_days)
    is_open = Assignment.outcome == OPEN
    return case(
        (and_(is_open, Assignment.deadline < today), literal(OVERDUE)),
        (and_(is_open, Assignment.deadline <= due_soon_until), literal(DUE_SOON)),
        (is_open, literal(ON_TRACK)),
        (and_(Assignment.outcome == RECOVERED, Assignment.closed_on.is_not(None),
              Assignment.closed_on <= Assignment.deadline), literal(MET)),
        (Assignment.outcome == RECOVERED, literal(MET_LATE)),
        else_=Assignment.outcome)


def _balance_join(month: dt.date):
    return and_(LoanMonth.loan_id == Assignment.loan_id, LoanMonth.month == month)


def list_officer_facts(session: Session, *, scope: Scope, month: dt.date,
                       officer_id: int | None = None) -> pd.DataFrame:
    """One row per officer in scope (or just ``officer_id``): identity, new NPLs they originated (at
    ``month``), latest review rating and approved decisions received."""
    new_npl = scoped(select(PortfolioMonth.officer_id, func.sum(PortfolioMonth.balance_cents).label("cents"),
                            func.sum(PortfolioMonth.loan_count).label("count"))
                     .where(PortfolioMonth.month == month, PortfolioMonth.segment == NEW,
                            PortfolioMonth.loan_class.in_(NPL_CLASSES))
                     .group_by(PortfolioMonth.officer_id),
                     scope, cooperative_col=PortfolioMonth.cooperative_id,
                     officer_col=PortfolioMonth.officer_id).subquery()
    ranked = scoped(select(Review.officer_id, Review.rating,
                           func.row_number().over(partition_by=Review.officer_id,
                                                  order_by=(Review.period_end.desc(), Review.id.desc())).label("rn")),
                    scope, cooperative_col=Review.cooperative_id, officer_col=Review.officer_id).subquery()
    decisions = scoped(select(Decision.officer_id, func.count().label("approved"))
                       .where(Decision.status == APPROVED).group_by(Decision.officer_id),
                       scope, cooperative_col=Decision.cooperative_id, officer_col=Decision.officer_id).subquery()
    stmt = (select(Officer.id, Officer.name, Officer.employee_no, Officer.cooperative_id, Cooperative.name,
                   Officer.active, func.coalesce(new_npl.c.count, 0), func.coalesce(new_npl.c.cents, 0),
                   ranked.c.rating, func.coalesce(decisions.c.approved, 0))
            .join(Cooperative, Cooperative.id == Officer.cooperative_id)
            .outerjoin(new_npl, new_npl.c.officer_id == Officer.id)
            .outerjoin(ranked, and_(ranked.c.officer_id == Officer.id, ranked.c.rn == 1))
            .outerjoin(decisions, decisions.c.officer_id == Officer.id)
            .order_by(Officer.name, Officer.id))
    if officer_id is not None:
        stmt = stmt.where(Officer.id == officer_id)
    stmt = scoped(stmt, scope, cooperative_col=Officer.cooperative_id, officer_col=Officer.id)
    frame = to_frame(session, stmt, ["officer_id", "officer", "employee_no", "cooperative_id", "cooperative", "active",
                                   "new_npl_count", "new_npl_cents", "latest_rating", "decisions_approved"])
    return frame.astype({"new_npl_count": "int64", "new_npl_cents": "int64", "decisions_approved": "int64"})


def assignments_by_status(session: Session, *, scope: Scope, today: dt.date, month: dt.date,
                          officer_id: int | None = None, segment: str | None = None) -> pd.DataFrame:
    """Assignments per officer x deadline status on ``today``: count, target, recovered, and the balance at
    ``month`` of the loans of open assignments (0 for closed ones: only the open balance is shown, and looking
    up every closed assignment's loan doubled the read's time at 1,000,000 loans).

    Open and closed assignments are read apart (their statuses never meet): the closed ones need no loan_month
    row, and the open ones look their balance up in loan order (``ORDER BY loan_id`` makes SQLite walk
    assignment(outcome, loan_id), so the lookups in loan_month's primary key come in key order: 3x faster at
    1,000,000 loans than in deadline order).
    """
    status = deadline_status_sql(today)

    def restricted(stmt):
        if officer_id is not None:
            stmt = stmt.where(Assignment.officer_id == officer_id)
        return _in_segment(session, _assignment_scope(stmt, scope), segment)

    rows = restricted(select(Assignment.officer_id, status.label("status"), Assignment.target_cents,
                             recovered_cents_expr().label("recovered_cents"),
                             func.coalesce(LoanMonth.outstanding_cents, 0).label("balance_cents"))
                      .outerjoin(LoanMonth, _balance_join(month))
                      .where(Assignment.outcome == OPEN).order_by(Assignment.loan_id)).subquery()
    open_ = (select(rows.c.officer_id, rows.c.status, func.count(), func.sum(rows.c.target_cents),
                    func.sum(rows.c.recovered_cents), func.sum(rows.c.balance_cents))
             .group_by(rows.c.officer_id, rows.c.status))
    closed = restricted(select(Assignment.officer_id, status, func.count(), func.sum(Assignment.target_cents),
                               func.sum(recovered_cents_expr()), literal(0))
                        .where(Assignment.outcome != OPEN).group_by(Assignment.officer_id, status))
    columns = ["officer_id", "status", "count", "target_cents", "recovered_cents", "balance_cents"]
    frame = pd.concat([to_frame(session, stmt, columns) for stmt in (open_, closed)], ignore_index=True)
    return frame.astype({c: "int64" for c in ("count", "target_cents", "recovered_cents", "balance_cents")})


def _decided_as(*statuses: str):
    return exists().where(DecisionAssignment.assignment_id == Assignment.id,
                          Decision.id == DecisionAssignment.decision_id, Decision.status.in_(statuses))


def _decision_state():
    """'awaiting_approval' while a pending decision covers the assignment, else 'no_decision'."""
    return case((_decided_as(PENDING), literal(AWAITING_APPROVAL)), else_=literal(NO_DECISION))


def _gap_where(session: Session, scope: Scope, today: dt.date, stmt, segment: str | None = None):
    """Missed or overdue assignments that management has not decided on: the accountability gap (DOMAIN.md).

    An approved or a rejected decision closes it; a pending one leaves it open as awaiting approval
    (``_decision_state``); a revoked one (or none) leaves it with no decision.
    ``deadline_status_sql(today) IN BEHIND_STATUSES`` is written so an index can find the rows: the status is
    'overdue' for an open assignment past its deadline, and otherwise the stored outcome itself.
    """
    behind = or_(and_(Assignment.outcome == OPEN, Assignment.deadline < today),
                 Assignment.outcome.in_(BEHIND_STATUSES))
    stmt = stmt.where(behind, ~_decided_as(APPROVED, REJECTED))
    return _in_segment(session, _assignment_scope(stmt, scope), segment)


def list_accountability_gaps(session: Session, *, scope: Scope, today: dt.date, segment: str | None = None,
                             limit: int | None = GAP_LIMIT) -> pd.DataFrame:
    """The accountability gap, oldest deadline first (bounded by ``limit``; None for the full download).

    The rows are chosen (sorted, limited) on assignment alone, then joined to the names they show.
    """
    chosen = _gap_where(session, scope, today, select(Assignment.id).order_by(Assignment.deadline, Assignment.id),
                        segment)
    if limit is not None:
        chosen = chosen.limit(limit)
    chosen = chosen.subquery("chosen")
    stmt = (select(Assignment.id, Assignment.officer_id, Officer.name, Cooperative.name, Loan.contract_no,
                   Borrower.name, Assignment.assigned_on, Assignment.deadline, Assignment.target_cents,
                   recovered_cents_expr(), deadline_status_sql(today), _decision_state())
            .select_from(chosen)
            .join(Assignment, Assignment.id == chosen.c.id)
            .join(Officer, Officer.id == Assignment.officer_id)
            .join(Cooperative, Cooperative.id == Assignment.cooperative_id)
            .join(Loan, Loan.id == Assignment.loan_id)
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .order_by(Assignment.deadline, Assignment.id))
    frame = to_frame(session, stmt, ["assignment_id", "officer_id", "officer", "cooperative", "contract_no",
                                   "borrower", "assigned_on", "deadline", "target_cents", "recovered_cents",
                                   "status", "decision_state"])
    return frame.astype({"target_cents": "int64", "recovered_cents": "int64"})


def remaining_cents_sql(target, recovered):
    """SQL twin of domain.today.remaining_cents: target minus recovered, never negative."""
    return case((target > recovered, target - recovered), else_=literal(0))


def gap_totals(session: Session, *, scope: Scope, today: dt.date, segment: str | None = None) -> tuple[int, int]:
    """(count, amount still to recover in cents) of list_accountability_gaps without a limit, summed in SQL.

    The Today page read the whole gap list with its names to count it and sum ``remaining_cents`` in Python:
    every behind assignment of the union at each sign-in (it grows with the book).
    """
    stmt = _gap_where(session, scope, today,
                      select(func.count(), func.coalesce(func.sum(remaining_cents_sql(
                          Assignment.target_cents, recovered_cents_expr())), 0)).select_from(Assignment), segment)
    count, cents = session.execute(stmt).one()
    return int(count), int(cents)


def count_accountability_gaps(session: Session, *, scope: Scope, today: dt.date, segment: str | None = None) -> int:
    """How many rows list_accountability_gaps would give without a limit."""
    return sum(gap_counts(session, scope=scope, today=today, segment=segment).values())


def gap_counts(session: Session, *, scope: Scope, today: dt.date, segment: str | None = None) -> dict[str, int]:
    """The gap's assignments by decision state: {no_decision: n, awaiting_approval: m} (zeros included)."""
    state = _decision_state()
    stmt = _gap_where(session, scope, today, select(state, func.count()).select_from(Assignment), segment)
    counted = dict(session.execute(stmt.group_by(state)).all())
    return {state: int(counted.get(state, 0)) for state in GAP_STATES}


def on_time_by_deadline_month(session: Session, *, scope: Scope, today: dt.date,
                              officer_id: int | None = None, segment: str | None = None) -> pd.DataFrame:
    """Assignments with a deadline up to ``today`` by month of deadline x status: month, status, count.

    Counted by deadline day in SQL (in the order of assignment(deadline, ...), without a date function per
    row), then by month here: a few thousand day rows instead of extracting the year and month of every one of
    110,000 assignments at 1,000,000 loans.
    """
    status = deadline_status_sql(today)
    stmt = (select(Assignment.deadline, status, func.count()).where(Assignment.deadline <= today)
            .group_by(Assignment.deadline, status))
    if officer_id is not None:
        stmt = stmt.where(Assignment.officer_id == officer_id)
    days = to_frame(session, _in_segment(session, _assignment_scope(stmt, scope), segment),
                    ["deadline", "status", "count"])
    days["month"] = [dt.date(d.year, d.month, 1) for d in days.deadline]
    frame = days.groupby(["month", "status"], as_index=False, sort=True)["count"].sum()
    return frame[["month", "status", "count"]].astype({"count": "int64"})


# --- one officer ---------------------------------------------------------------------------------------------
def get_officer(session: Session, *, scope: Scope, officer_id: int) -> dict | None:
    """An officer the viewer may see, or None (unknown id, or outside the viewer's scope)."""
    stmt = scoped(select(Officer.id, Officer.name, Officer.employee_no, Officer.cooperative_id, Cooperative.name,
                         Officer.active, Officer.hired_on)
                  .join(Cooperative, Cooperative.id == Officer.cooperative_id).where(Officer.id == officer_id),
                  scope, cooperative_col=Officer.cooperative_id, officer_col=Officer.id)
    row = session.execute(stmt).first()
    if row is None:
        return None
    return dict(zip(("id", "name", "employee_no", "cooperative_id", "cooperative", "active", "hired_on"), row))


def list_officers(session: Session, *, scope: Scope, active_only: bool = False) -> pd.DataFrame:
    """Officers in scope for pickers: id, name, employee_no, cooperative_id, active."""
    stmt = select(Officer.id, Officer.name, Officer.employee_no, Officer.cooperative_id, Officer.active)
    if active_only:
        stmt = stmt.where(Officer.active.is_(True))
    stmt = scoped(stmt.order_by(Officer.name, Officer.id), scope, cooperative_col=Officer.cooperative_id,
                  officer_col=Officer.id)
    return to_frame(session, stmt, ["id", "name", "employee_no", "cooperative_id", "active"])


def list_assignments(session: Session, *, scope: Scope, officer_id: int, month: dt.date) -> pd.DataFrame:
    """Every assignment an officer holds or held, newest first, with recovered and balance at ``month``."""
    stmt = (select(Assignment.id, Assignment.loan_id, Loan.contract_no, Borrower.name, Assignment.cooperative_id,
                   Assignment.assigned_on, Assignment.target_cents, Assignment.deadline, Assignment.outcome,
                   Assignment.closed_on, Assignment.previous_assignment_id, recovered_cents_expr(),
                   func.coalesce(LoanMonth.outstanding_cents, 0), LoanMonth.loan_class)
            .join(Loan, Loan.id == Assignment.loan_id)
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .outerjoin(LoanMonth, _balance_join(month))
            .where(Assignment.officer_id == officer_id)
            .order_by(Assignment.assigned_on.desc(), Assignment.id.desc()))
    frame = to_frame(session, _assignment_scope(stmt, scope),
                   ["assignment_id", "loan_id", "contract_no", "borrower", "cooperative_id", "assigned_on",
                    "target_cents", "deadline", "outcome", "closed_on", "previous_assignment_id", "recovered_cents",
                    "balance_cents", "loan_class"])
    return frame.astype({"target_cents": "int64", "recovered_cents": "int64", "balance_cents": "int64"})


def collection_timeline(session: Session, *, scope: Scope, officer_id: int) -> pd.DataFrame:
    """An officer's collection actions by month x method: actions, recovered, cost."""
    year, month_no = extract("year", CollectionAction.action_date), extract("month", CollectionAction.action_date)
    stmt = (select(year, month_no, CollectionAction.method, func.count(), func.sum(CollectionAction.recovered_cents),
                   func.sum(CollectionAction.cost_cents))
            .where(CollectionAction.officer_id == officer_id)
            .group_by(year, month_no, CollectionAction.method))
    stmt = scoped(stmt, scope, cooperative_col=CollectionAction.cooperative_id, officer_col=CollectionAction.officer_id)
    frame = to_frame(session, stmt, ["year", "month_no", "method", "actions", "recovered_cents", "cost_cents"])
    frame["month"] = [dt.date(int(y), int(m), 1) for y, m in zip(frame.year, frame.month_no)]
    frame = frame[["month", "method", "actions", "recovered_cents", "cost_cents"]].sort_values(["month", "method"])
    return frame.reset_index(drop=True).astype({"actions": "int64", "recovered_cents": "int64", "cost_cents": "int64"})


def officer_balances_by_month(session: Session, *, scope: Scope, officer_id: int, first: dt.date,
                              last: dt.date) -> pd.DataFrame:
    """Balance and count of the loans an officer originated, by month x class x segment (pre-aggregate)."""
    stmt = (select(PortfolioMonth.month, PortfolioMonth.loan_class, PortfolioMonth.segment,
                   func.sum(PortfolioMonth.balance_cents), func.sum(PortfolioMonth.loan_count))
            .where(PortfolioMonth.officer_id == officer_id, PortfolioMonth.month.between(first, last))
            .group_by(PortfolioMonth.month, PortfolioMonth.loan_class, PortfolioMonth.segment)
            .order_by(PortfolioMonth.month))
    stmt = scoped(stmt, scope, cooperative_col=PortfolioMonth.cooperative_id, officer_col=PortfolioMonth.officer_id)
    frame = to_frame(session, stmt, ["month", "loan_class", "segment", "balance_cents", "loan_count"])
    return frame.astype({"balance_cents": "int64", "loan_count": "int64"})


def list_reviews(session: Session, *, scope: Scope, officer_id: int) -> pd.DataFrame:
    """An officer's reviews, newest period first (read-only here; recorded on the decisions page)."""
    stmt = (select(Review.id, Review.period_start, Review.period_end, Review.rating, Review.findings,
                   AppUser.display_name)
            .join(AppUser, AppUser.id == Review.reviewer_id)
            .where(Review.officer_id == officer_id)
            .order_by(Review.period_end.desc(), Review.id.desc()))
    stmt = scoped(stmt, scope, cooperative_col=Review.cooperative_id, officer_col=Review.officer_id)
    return to_frame(session, stmt, ["review_id", "period_start", "period_end", "rating", "findings", "reviewer"])


def list_decisions(session: Session, *, scope: Scope, officer_id: int) -> pd.DataFrame:
    """Sanctions and rewards about an officer, newest first, with how many assignments each concerns."""
    proposer, decider = aliased(AppUser), aliased(AppUser)
    linked = (select(func.count()).where(DecisionAssignment.decision_id == Decision.id)
              .correlate(Decision).scalar_subquery())
    stmt = (select(Decision.id, Decision.kind, Decision.status, Decision.amount_cents, Decision.months,
                   Decision.effective_on, Decision.reason, proposer.display_name, Decision.proposed_at,
                   decider.display_name, Decision.decided_at, Decision.revocation_reason, linked)
            .join(proposer, proposer.id == Decision.proposed_by_id)
            .outerjoin(decider, decider.id == Decision.decided_by_id)
            .where(Decision.officer_id == officer_id)
            .order_by(Decision.proposed_at.desc(), Decision.id.desc()))
    stmt = scoped(stmt, scope, cooperative_col=Decision.cooperative_id, officer_col=Decision.officer_id)
    return to_frame(session, stmt, ["decision_id", "kind", "status", "amount_cents", "months", "effective_on",
                                  "reason", "proposed_by", "proposed_at", "decided_by", "decided_at",
                                  "revocation_reason", "assignments"])


def _unowned_select(session: Session, columns, *, scope: Scope, month: dt.date, segment: str | None,
                    with_loan: bool = True):
    """NPLs at ``month`` with no open assignment (no named person answers for them), in the viewer's scope.

    The one definition of "NPL with no named person" (docs/data-model.md): the count, the balance and the
    list below all select from it. An officer scope matches nothing: assigning is a supervisor's task.
    """
    has_open = exists().where(Assignment.loan_id == LoanMonth.loan_id, Assignment.outcome == OPEN)
    stmt = (select(*columns).select_from(LoanMonth)
            .where(LoanMonth.month == month, LoanMonth.loan_class.in_(NPL_CLASSES), ~has_open))
    if with_loan or segment is not None:  # the totals of the whole segment need no loan row
        stmt = stmt.join(Loan, Loan.id == LoanMonth.loan_id)
    if segment is not None:
        stmt = stmt.where(segment_expr(get_settings(session).segment_cutoff) == segment)
    return scoped(stmt, scope, cooperative_col=LoanMonth.cooperative_id)


def unowned_npl_totals(session: Session, *, scope: Scope, month: dt.date,
                       segment: str | None = None) -> tuple[int, int]:
    """(count, balance in cents) of the NPLs at ``month`` with no open assignment."""
    stmt = _unowned_select(session, [func.count(), func.coalesce(func.sum(LoanMonth.outstanding_cents), 0)],
                           scope=scope, month=month, segment=segment, with_loan=False)
    count, cents = session.execute(stmt).one()
    return int(count), int(cents)


def list_assignable_npls(session: Session, *, scope: Scope, month: dt.date, segment: str | None = None,
                         limit: int | None = 500) -> pd.DataFrame:
    """The NPLs of ``unowned_npl_totals``, largest balance first (bounded by ``limit``; None for the download),
    with what proposing an officer needs: issue date and segment, the originating officer and whether that
    officer is still active."""
    segment_col = segment_expr(get_settings(session).segment_cutoff)
    originator = aliased(Officer)
    # the rows are chosen (sorted, limited) on loan_month alone, then joined to the names they show: joining
    # every unowned NPL of the month before the sort grew with the book
    chosen = _unowned_select(session, [LoanMonth.loan_id, LoanMonth.cooperative_id, LoanMonth.loan_class,
                                       LoanMonth.outstanding_cents, LoanMonth.days_past_due],
                             scope=scope, month=month, segment=segment, with_loan=False)
    chosen = chosen.order_by(LoanMonth.outstanding_cents.desc(), LoanMonth.loan_id)
    if limit is not None:
        chosen = chosen.limit(limit)
    chosen = chosen.subquery("chosen")
    stmt = (select(Loan.id, Loan.contract_no, Borrower.name, chosen.c.cooperative_id, Cooperative.name,
                   chosen.c.loan_class, chosen.c.outstanding_cents, chosen.c.days_past_due, Loan.issue_date,
                   segment_col, Loan.officer_id, originator.name, originator.active, originator.cooperative_id)
            .select_from(chosen)
            .join(Loan, Loan.id == chosen.c.loan_id)
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .join(Cooperative, Cooperative.id == chosen.c.cooperative_id)
            .join(originator, originator.id == Loan.officer_id)
            .order_by(chosen.c.outstanding_cents.desc(), chosen.c.loan_id))
    frame = to_frame(session, stmt, ["loan_id", "contract_no", "borrower", "cooperative_id", "cooperative",
                                     "loan_class", "balance_cents", "days_past_due", "issue_date", "segment",
                                     "originator_id", "originator", "originator_active",
                                     "originator_cooperative_id"])
    return frame.astype({"balance_cents": "int64", "days_past_due": "int64", "originator_active": "bool"})
