"""A small hand-made loan book for the import attack tests, and helpers to write and import tapes.

Book: cooperatives C1 and C2 with one officer each. October 2026 (OCT) holds five loans of each cooperative:
C1-1..C1-5 and C2-1..C2-5, each with an outstanding balance of (n x 1,000.00) and class normal, except
C1-5 and C2-5, substandard (dpd 120, overdue 500.00). So per cooperative: 5 loans, balance 15,000.00,
NPL balance 5,000.00. September 2026 (SEP) holds the same ten loans at the same balances, all normal.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import func, select

from data.db import session_factory, transaction
from data.importer import import_tape, system_actor
from data.models import Borrower, Cooperative, Loan, LoanMonth, PortfolioMonth
from domain.scope import Actor, Scope
from tests import factory as f

SEP, OCT, NOV = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)
TODAY = dt.date(2026, 11, 30)
HEADER = ["contract_no", "cooperative_code", "officer_employee_no", "borrower_name", "issue_date", "maturity_date",
          "principal", "outstanding", "overdue", "days_past_due", "loan_class"]


def build(engine) -> dict:
    """Write the book; returns {'C1': (coop id, employee no), 'C2': ...}."""
    ids = {}
    with transaction(engine) as s:
        for code in ("C1", "C2"):
            coop = f.cooperative(s, code)
            off = f.officer(s, coop, f"Officer {code}")
            ids[code] = (coop.id, off.employee_no)
            for n in range(1, 6):
                person = Borrower(cooperative_id=coop.id, name=f"Borrower {code}-{n}", kind="household")
                s.add(person)
                s.flush()
                ln = f.loan(s, coop, off, dt.date(2024, 1, 10), 1_000_000, contract=f"{code}-{n}", borrower=person)
                f.month_row(s, ln, SEP, n * 100_000, "normal")
                if n == 5:
                    f.month_row(s, ln, OCT, n * 100_000, "substandard", dpd=120, overdue=50_000)
                else:
                    f.month_row(s, ln, OCT, n * 100_000, "normal")
    with transaction(engine) as s:
        from data.aggregates import rebuild_all
        rebuild_all(s)
    return ids


def row(ids: dict, code: str, n: int, *, outstanding: str | None = None, name: str | None = None,
        loan_class: str = "normal", dpd: str = "0", overdue: str = "0") -> list[str]:
    return [f"{code}-{n}", code, ids[code][1], name or f"Borrower {code}-{n}", "2024-01-10", "2026-01-10",
            "10000.00", outstanding or f"{n * 1000}.00", overdue, dpd, loan_class]


def tape(body: list[list[str]], *, header: list[str] = HEADER, encoding: str = "utf-8", sep: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue().encode(encoding)


def scoped_admin(cooperative_id: int) -> Actor:
    return Actor(user_id=None, username="admin_c1", role="admin", scope=Scope.cooperative(cooperative_id))


def run(engine, data: bytes, *, month: dt.date | None = OCT, actor: Actor | None = None, filename: str = "t.csv",
        **options):
    with transaction(engine) as s:
        return import_tape(s, actor=actor or system_actor(), data=data, filename=filename, month=month,
                           today=options.pop("today", TODAY), **options)


def month_rows(engine, month: dt.date) -> dict[str, tuple[int, str]]:
    """contract -> (outstanding cents, class) of the month."""
    with session_factory(engine)() as s:
        return {c: (o, k) for c, o, k in s.execute(
            select(Loan.contract_no, LoanMonth.outstanding_cents, LoanMonth.loan_class)
            .join(Loan, Loan.id == LoanMonth.loan_id).where(LoanMonth.month == month))}


def portfolio_total(engine, month: dt.date) -> int:
    with session_factory(engine)() as s:
        return s.scalar(select(func.coalesce(func.sum(PortfolioMonth.balance_cents), 0))
                        .where(PortfolioMonth.month == month))


def names(engine) -> dict[str, str]:
    with session_factory(engine)() as s:
        return dict(s.execute(select(Loan.contract_no, Borrower.name)
                              .join(Borrower, Borrower.id == Loan.borrower_id)).all())


def cooperative_id(engine, code: str) -> int:
    with session_factory(engine)() as s:
        return s.scalar(select(Cooperative.id).where(Cooperative.code == code))
