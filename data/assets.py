"""Reads of foreclosed assets: holdings, ageing against the legal limit, disposals and the register.

Every figure is aggregated in SQL and scoped with data.scoping.scoped. The overdue rule and the ageing
buckets come from domain.asset_ageing as acquisition-date thresholds, so SQL compares plain dates and
agrees day for day with the pure rule (no dialect-specific date arithmetic). ``today`` is always a
parameter: the figures are "as of" a day, which keeps them testable and cacheable.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Select, and_, case, extract, false, func, literal, or_, select
from sqlalchemy.orm import Session

from data.aggregates import segment_expr
from data.frames import frame as to_frame
from data.models import Borrower, Cooperative, ForeclosedAsset, Loan
from data.scoping import scoped
from data.settings import get as get_settings
from domain import asset_ageing
from domain.asset_ageing import BUCKETS, HELD_STATUSES, ON_TIME, DisposalLimits
from domain.assets import DISPOSED
from domain.scope import Scope

A = ForeclosedAsset
REGISTER_COLUMNS = ["asset_id", "loan_id", "contract_no", "borrower", "cooperative", "asset_type", "on_balance_sheet",
                    "acquired_on", "book_value_cents", "appraisal_cents", "appraised_on", "status",
                    "disposal_method", "disposed_on", "proceeds_cents", "lease_income_cents"]


def _limits(session: Session) -> DisposalLimits:
    return DisposalLimits.from_settings(get_settings(session))


def _from_assets(stmt: Select) -> Select:
    """Select from the asset table joined to its loan (the loan carries the officer column of the scope)."""
    return stmt.select_from(A).join(Loan, Loan.id == A.loan_id)


def _scoped(stmt: Select, scope: Scope, session: Session | None = None, segment: str | None = None) -> Select:
    """Apply the viewer's scope, and the old/new segment of the asset's loan (by its issue date against the
    cutoff, like every NPL view), to a statement built on _from_assets."""
    if segment is not None:
        stmt = stmt.where(segment_expr(get_settings(session).segment_cutoff) == segment)
    return scoped(stmt, scope, cooperative_col=A.cooperative_id, officer_col=Loan.officer_id)


def held():
    """SQL for 'still held': pending or in disposal."""
    return A.status.in_(HELD_STATUSES)


def overdue_expr(limits: DisposalLimits, today: dt.date):
    """SQL for domain.asset_ageing.is_overdue: held and acquired before the threshold of its limit."""
    parts = [and_(A.asset_type.in_(types), A.acquired_on < asset_ageing.overdue_threshold(today, years))
             for years, types in limits.types_by_years().items()]
    return and_(held(), or_(*parts) if parts else false())


def bucket_expr(limits: DisposalLimits, today: dt.date):
    """SQL for domain.asset_ageing.bucket_of(days_to_limit) of a held asset, worst bucket tested first."""
    whens = []
    for bucket in reversed(BUCKETS[1:]):  # long_overdue, overdue, due_soon
        for years, types in limits.types_by_years().items():
            threshold = asset_ageing.bucket_thresholds(today, years)[bucket]
            whens.append((and_(A.asset_type.in_(types), A.acquired_on < threshold), literal(bucket)))
    return case(*whens, else_=literal(ON_TIME))


def holdings(session: Session, *, scope: Scope, today: dt.date, segment: str | None = None) -> pd.DataFrame:
    """Held assets by balance-sheet state x status: count, book value, latest appraisal, overdue.

    ``appraisal_cents`` sums the latest appraisal of the assets that have one (``appraised_count`` of them).
    """
    overdue = overdue_expr(_limits(session), today)
    stmt = (_from_assets(select(A.on_balance_sheet, A.status, func.count(A.id), func.sum(A.book_value_cents),
                                func.coalesce(func.sum(A.appraisal_cents), 0), func.count(A.appraisal_cents),
                                func.count(A.id).filter(overdue),
                                func.coalesce(func.sum(A.book_value_cents).filter(overdue), 0)))
            .where(held()).group_by(A.on_balance_sheet, A.status).order_by(A.on_balance_sheet.desc(), A.status))
    frame = to_frame(session, _scoped(stmt, scope, session, segment),
                   ["on_balance_sheet", "status", "asset_count", "book_value_cents", "appraisal_cents",
                    "appraised_count", "overdue_count", "overdue_book_cents"])
    return frame.astype({"on_balance_sheet": "bool", "asset_count": "int64", "book_value_cents": "int64",
                         "appraisal_cents": "int64", "appraised_count": "int64", "overdue_count": "int64",
                         "overdue_book_cents": "int64"})


def disposals_by_method(session: Session, *, scope: Scope, first_day: dt.date | None = None,
                        last_day: dt.date | None = None, segment: str | None = None) -> pd.DataFrame:
    """Disposed assets by method (disposal day within the optional bounds): count, book value, proceeds."""
    stmt = (_from_assets(select(A.disposal_method, func.count(A.id), func.sum(A.book_value_cents),
                                func.coalesce(func.sum(A.proceeds_cents), 0)))
            .where(A.status == DISPOSED).group_by(A.disposal_method).order_by(A.disposal_method))
    if first_day is not None:
        stmt = stmt.where(A.disposed_on >= first_day)
    if last_day is not None:
        stmt = stmt.where(A.disposed_on <= last_day)
    frame = to_frame(session, _scoped(stmt, scope, session, segment),
                     ["method", "asset_count", "book_value_cents", "proceeds_cents"])
    return frame.astype({"asset_count": "int64", "book_value_cents": "int64", "proceeds_cents": "int64"})


def lease_income(session: Session, *, scope: Scope, segment: str | None = None) -> int:
    """Lease income collected on foreclosed assets to date, in cents (any status)."""
    stmt = _scoped(_from_assets(select(func.coalesce(func.sum(A.lease_income_cents), 0))), scope, session, segment)
    return int(session.scalar(stmt) or 0)


def ageing(session: Session, *, scope: Scope, today: dt.date, segment: str | None = None) -> pd.DataFrame:
    """Held assets by type x balance-sheet state x ageing bucket: count and book value."""
    bucket = bucket_expr(_limits(session), today).label("bucket")
    stmt = (_from_assets(select(A.asset_type, A.on_balance_sheet, bucket, func.count(A.id),
                                func.sum(A.book_value_cents)))
            .where(held()).group_by(A.asset_type, A.on_balance_sheet, bucket))
    frame = to_frame(session, _scoped(stmt, scope, session, segment),
                   ["asset_type", "on_balance_sheet", "bucket", "asset_count", "book_value_cents"])
    return frame.astype({"on_balance_sheet": "bool", "asset_count": "int64", "book_value_cents": "int64"})


def deadline_by_expr(limits: DisposalLimits, last_day: dt.date):
    """SQL for "still held, and its disposal deadline is on or before ``last_day``" (passed already, or passes
    by then): acquired before the threshold of the day after, the same rule as overdue_expr."""
    parts = [and_(A.asset_type.in_(types), A.acquired_on < asset_ageing.overdue_threshold(
        last_day + dt.timedelta(days=1), years)) for years, types in limits.types_by_years().items()]
    return and_(held(), or_(*parts) if parts else false())


def _register_filters(stmt: Select, limits: DisposalLimits, today: dt.date, *, asset_type: str | None,
                      status: str | None, on_balance_sheet: bool | None, overdue_only: bool,
                      due_within_days: int | None = None) -> Select:
    if due_within_days is not None:
        stmt = stmt.where(deadline_by_expr(limits, today + dt.timedelta(days=max(0, int(due_within_days)))))
    if asset_type is not None:
        stmt = stmt.where(A.asset_type == asset_type)
    if status is not None:
        stmt = stmt.where(A.status == status)
    if on_balance_sheet is not None:
        stmt = stmt.where(A.on_balance_sheet.is_(on_balance_sheet))
    if overdue_only:
        stmt = stmt.where(overdue_expr(limits, today))
    return stmt


def _deadline_order(limits: DisposalLimits):
    """Order keys by disposal deadline (year + limit, month, day) without dialect date arithmetic."""
    years = case(*[(A.asset_type.in_(types), n) for n, types in limits.types_by_years().items()], else_=0)
    return [extract("year", A.acquired_on) + years, extract("month", A.acquired_on), extract("day", A.acquired_on)]


def register(session: Session, *, scope: Scope, today: dt.date, asset_type: str | None = None,
             status: str | None = None, on_balance_sheet: bool | None = None, overdue_only: bool = False,
             segment: str | None = None, due_within_days: int | None = None,
             limit: int | None = 200) -> pd.DataFrame:
    """The asset register: held assets first, most urgent deadline first, then disposals newest first.

    Age and days to the limit are added by domain.asset_ageing.annotate (one definition, shared with SQL
    through the thresholds above); disposed assets are measured on their disposal day.
    """
    limits = _limits(session)
    is_held = held()
    stmt = (_from_assets(select(A.id, A.loan_id, Loan.contract_no, Borrower.name, Cooperative.name, A.asset_type,
                                A.on_balance_sheet, A.acquired_on, A.book_value_cents, A.appraisal_cents,
                                A.appraised_on, A.status, A.disposal_method, A.disposed_on, A.proceeds_cents,
                                A.lease_income_cents))
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .join(Cooperative, Cooperative.id == A.cooperative_id)
            .order_by(case((is_held, 0), else_=1),
                      *[case((is_held, key), else_=None) for key in _deadline_order(limits)],
                      A.disposed_on.desc(), A.id))
    stmt = _register_filters(_scoped(stmt, scope, session, segment), limits, today, asset_type=asset_type, status=status,
                             on_balance_sheet=on_balance_sheet, overdue_only=overdue_only,
                             due_within_days=due_within_days)
    if limit is not None:
        stmt = stmt.limit(limit)
    frame = to_frame(session, stmt, REGISTER_COLUMNS).astype({"on_balance_sheet": "bool", "book_value_cents": "int64",
                                                            "lease_income_cents": "int64"})
    for column in ("appraisal_cents", "proceeds_cents"):
        frame[column] = frame[column].astype("Int64")
    return asset_ageing.annotate(frame, today, limits)


def count_register(session: Session, *, scope: Scope, today: dt.date, asset_type: str | None = None,
                   status: str | None = None, on_balance_sheet: bool | None = None,
                   overdue_only: bool = False, segment: str | None = None,
                   due_within_days: int | None = None) -> int:
    """How many rows register would list without a limit (for 'showing N of M')."""
    stmt = _from_assets(select(func.count(A.id)))
    stmt = _register_filters(_scoped(stmt, scope, session, segment), _limits(session), today, asset_type=asset_type,
                             status=status, on_balance_sheet=on_balance_sheet, overdue_only=overdue_only,
                             due_within_days=due_within_days)
    return int(session.scalar(stmt) or 0)


def deadline_totals(session: Session, *, scope: Scope, today: dt.date, due_within_days: int) -> tuple[int, int]:
    """(count, book value in cents) of the held assets whose legal limit passes within ``due_within_days`` days
    or already has: the register rows of ``register(due_within_days=...)``."""
    stmt = _from_assets(select(func.count(A.id), func.coalesce(func.sum(A.book_value_cents), 0)))
    stmt = _register_filters(_scoped(stmt, scope), _limits(session), today, asset_type=None, status=None,
                             on_balance_sheet=None, overdue_only=False, due_within_days=due_within_days)
    count, cents = session.execute(stmt).one()
    return int(count), int(cents)


def held_choices(session: Session, *, scope: Scope, limit: int = 5000) -> pd.DataFrame:
    """Held assets a form may act on: id, contract, type, status, acquired day, book value, appraisal."""
    stmt = (_from_assets(select(A.id, Loan.contract_no, A.asset_type, A.status, A.acquired_on, A.book_value_cents,
                                A.appraisal_cents, A.appraised_on))
            .where(held()).order_by(A.id).limit(limit))
    return to_frame(session, _scoped(stmt, scope), ["asset_id", "contract_no", "asset_type", "status", "acquired_on",
                                                  "book_value_cents", "appraisal_cents", "appraised_on"])
