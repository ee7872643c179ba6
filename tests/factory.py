"""Tiny builders for hand-made fixtures: each test states its own rows and its expected figures."""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from data.audit import now
from data import method_summary
from data.summaries import refresh_recovered, refresh_recovery_months
from data.models import (AppUser, Assignment, Borrower, CollectionAction, Cooperative, Loan, LoanMonth, Officer,
                         Village)
from data.passwords import hash_password

_counter = itertools.count(1)


def cooperative(s: Session, code: str, name: str | None = None) -> Cooperative:
    row = Cooperative(code=code, name=name or f"Cooperative {code}")
    s.add(row)
    s.flush()
    return row


def village(s: Session, coop: Cooperative, name: str = "Village") -> Village:
    row = Village(cooperative_id=coop.id, name=name, code=f"V{next(_counter):06d}")
    s.add(row)
    s.flush()
    return row


def officer(s: Session, coop: Cooperative, name: str, *, active: bool = True) -> Officer:
    row = Officer(cooperative_id=coop.id, employee_no=f"E{next(_counter):05d}", name=name, active=active,
                  hired_on=dt.date(2015, 1, 1))
    s.add(row)
    s.flush()
    return row


def loan(s: Session, coop: Cooperative, off: Officer, issued: dt.date, principal: int = 10_000, *,
         contract: str | None = None, borrower: Borrower | None = None, refinances: int | None = None,
         purpose: str = "planting", maturity: dt.date | None = None, restructured_on: dt.date | None = None) -> Loan:
    if borrower is None:
        borrower = Borrower(cooperative_id=coop.id, name=f"Borrower {next(_counter)}", kind="household")
        s.add(borrower)
        s.flush()
    row = Loan(contract_no=contract or f"K{next(_counter):06d}", borrower_id=borrower.id, officer_id=off.id,
               cooperative_id=coop.id, issue_date=issued, maturity_date=maturity or issued.replace(year=issued.year + 2),
               principal_cents=principal, rate_bp=600, purpose=purpose, guarantee_type="credit",
               refinances_loan_id=refinances, restructured_on=restructured_on)
    s.add(row)
    s.flush()
    return row


def month_row(s: Session, ln: Loan, month: dt.date, balance: int, loan_class: str, dpd: int = 0,
              overdue: int = 0) -> LoanMonth:
    row = LoanMonth(loan_id=ln.id, month=month, cooperative_id=ln.cooperative_id, outstanding_cents=balance,
                    overdue_cents=overdue, days_past_due=dpd, loan_class=loan_class)
    s.add(row)
    s.flush()
    method_summary.refresh_loans(s, [ln.id])  # the balances worked: a tape import rebuilds the summary
    return row


def assignment(s: Session, ln: Loan, off: Officer, assigned: dt.date, target: int, deadline: dt.date,
               outcome: str = "open", closed_on: dt.date | None = None,
               previous: Assignment | None = None) -> Assignment:
    row = Assignment(loan_id=ln.id, officer_id=off.id, cooperative_id=ln.cooperative_id, assigned_on=assigned,
                     target_cents=target, deadline=deadline, outcome=outcome, closed_on=closed_on,
                     previous_assignment_id=previous.id if previous else None)
    s.add(row)
    s.flush()
    method_summary.refresh_loans(s, [ln.id])  # as every writer of assignments does
    return row


def action(s: Session, ln: Loan, off: Officer, day: dt.date, recovered: int, method: str = "direct", cost: int = 0,
           assignment_row: Assignment | None = None, village_source: str | None = None) -> CollectionAction:
    row = CollectionAction(loan_id=ln.id, assignment_id=assignment_row.id if assignment_row else None,
                           officer_id=off.id, cooperative_id=ln.cooperative_id, method=method, action_date=day,
                           recovered_cents=recovered, cost_cents=cost,
                           outcome="paid_partial" if recovered else "no_result", village_source=village_source,
                           note="")
    s.add(row)
    s.flush()
    refresh_recovered(s, assignment_ids=[row.assignment_id])  # as every writer of actions does
    refresh_recovery_months(s, [day])
    method_summary.refresh_loans(s, [ln.id])
    return row


def user(s: Session, username: str, role: str, *, cooperative_id: int | None = None, officer_id: int | None = None,
         password: str = "password-123") -> AppUser:
    row = AppUser(username=username, display_name=username.title(), email="", password_hash=hash_password(password, rounds=4),
                  role=role, cooperative_id=cooperative_id, officer_id=officer_id, active=True, failed_logins=0,
                  created_at=now())
    s.add(row)
    s.flush()
    return row
