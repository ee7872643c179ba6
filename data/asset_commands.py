"""Commands on foreclosed assets: a new appraisal, a status change, a disposal.

Each command checks role ("update_asset") and scope, validates everything before writing, writes, and
appends exactly one audit row; it never commits (the caller owns the transaction). A disposal also
records a collection action of the asset-disposal method carrying the *net* proceeds (gross proceeds less the
disposal cost, capped at the loan's outstanding balance: DOMAIN.md's recovery = cash + net disposal proceeds),
so the recovery figures (data.recoveries.recovered_between) count it once, like any other recovery. The cost
is recorded on the asset (disposal_cost_cents) and already deducted from the booked amount, so the action's
own cost is 0 (the methods page's net = recovered - cost would otherwise deduct it twice).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.audit import record
from data.errors import ValidationError, require_role
from data.models import Assignment, CollectionAction, ForeclosedAsset, Loan, LoanMonth
from data import method_summary
from data.summaries import refresh_recovered, refresh_recovery_months
from domain.assets import DISPOSAL_METHODS, DISPOSED, IN_DISPOSAL, PENDING, disposal_recovery
from domain.assignments import OPEN
from domain.inputs import amount_too_large
from domain.methods import ASSET_DISPOSAL
from domain.months import month_start
from domain.scope import Actor

ACTION = "update_asset"
#: status changes a user may make by hand; "disposed" is reached only through record_disposal
MANUAL_STATUSES = (PENDING, IN_DISPOSAL)


def _snapshot(asset: ForeclosedAsset) -> dict:
    return {"status": asset.status, "appraisal_cents": asset.appraisal_cents, "appraised_on": asset.appraised_on,
            "disposal_method": asset.disposal_method, "disposed_on": asset.disposed_on,
            "proceeds_cents": asset.proceeds_cents, "disposal_cost_cents": asset.disposal_cost_cents}


def _held_asset(session: Session, actor: Actor, asset_id: int) -> ForeclosedAsset:
    """The asset to change: it must exist, be in the actor's scope and not be disposed of yet.

    An asset of another cooperative is refused exactly like one that does not exist (same field, same
    message), so the form does not tell a supervisor which asset numbers exist elsewhere in the union.
    """
    require_role(actor, ACTION)
    asset = session.get(ForeclosedAsset, asset_id) if asset_id is not None else None
    if asset is None or not actor.scope.allows(asset.cooperative_id):
        raise ValidationError("asset", "error.asset.unknown")
    if asset.status == DISPOSED:
        raise ValidationError("asset", "error.asset.already_disposed")
    return asset


def _check_day(field: str, day: dt.date, asset: ForeclosedAsset, today: dt.date) -> None:
    if not isinstance(day, dt.date):
        raise ValidationError(field, "error.asset.date_required")
    if day > today:
        raise ValidationError(field, "error.asset.date_future", today=today.isoformat())
    if day < asset.acquired_on:
        raise ValidationError(field, "error.asset.date_before_acquisition", acquired=asset.acquired_on.isoformat())


def _check_amount(field: str, cents: object) -> int:
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise ValidationError(field, "error.asset.amount_required")
    if cents < 0:
        raise ValidationError(field, "error.asset.amount_negative")
    if amount_too_large(cents):
        raise ValidationError(field, "error.amount_too_large")
    return cents


def record_appraisal(session: Session, *, actor: Actor, asset_id: int, amount_cents: int, appraised_on: dt.date,
                     today: dt.date | None = None) -> ForeclosedAsset:
    """Replace the latest appraisal; an appraisal older than the one on file cannot become the latest."""
    today = today or dt.date.today()
    asset = _held_asset(session, actor, asset_id)
    amount_cents = _check_amount("amount", amount_cents)
    _check_day("appraised_on", appraised_on, asset, today)
    if asset.appraised_on is not None and appraised_on < asset.appraised_on:
        raise ValidationError("appraised_on", "error.asset.appraisal_older", latest=asset.appraised_on.isoformat())
    before = _snapshot(asset)
    asset.appraisal_cents, asset.appraised_on = amount_cents, appraised_on
    record(session, actor=actor, action="asset.appraise", entity="foreclosed_asset", entity_id=asset.id,
           before=before, after=_snapshot(asset))
    return asset


def change_status(session: Session, *, actor: Actor, asset_id: int, status: str) -> ForeclosedAsset:
    """Move a held asset between pending and in disposal."""
    asset = _held_asset(session, actor, asset_id)
    if status not in MANUAL_STATUSES:
        raise ValidationError("status", "error.asset.status_invalid")
    if status == asset.status:
        raise ValidationError("status", "error.asset.status_unchanged")
    before = _snapshot(asset)
    asset.status = status
    record(session, actor=actor, action="asset.status", entity="foreclosed_asset", entity_id=asset.id,
           before=before, after=_snapshot(asset))
    return asset


def _responsible(session: Session, loan: Loan) -> tuple[int, int | None]:
    """The officer and open assignment a disposal recovery belongs to: the loan's current assignment,
    else the originating officer with no assignment."""
    current = session.scalar(select(Assignment).where(Assignment.loan_id == loan.id, Assignment.outcome == OPEN)
                             .order_by(Assignment.id.desc()).limit(1))
    return (current.officer_id, current.id) if current is not None else (loan.officer_id, None)


def balance_before(session: Session, loan: Loan, day: dt.date) -> int:
    """The loan's outstanding balance when an asset was disposed of: the last month-end balance before the
    disposal's month (that month's own tape may already show the disposal), else the first balance reported,
    else the principal (a loan with no tape row yet)."""
    before = session.scalar(select(LoanMonth.outstanding_cents).where(
        LoanMonth.loan_id == loan.id, LoanMonth.month < month_start(day)).order_by(LoanMonth.month.desc()).limit(1))
    if before is None:
        before = session.scalar(select(LoanMonth.outstanding_cents).where(LoanMonth.loan_id == loan.id)
                                .order_by(LoanMonth.month).limit(1))
    return int(before if before is not None else loan.principal_cents)


def record_disposal(session: Session, *, actor: Actor, asset_id: int, method: str, disposed_on: dt.date,
                    proceeds_cents: int, cost_cents: int = 0, today: dt.date | None = None) -> ForeclosedAsset:
    """Dispose of a held asset: record its gross proceeds and cost, and book the net proceeds, capped at the
    loan's outstanding balance, as a recovery of the asset-disposal method (one audit row for both)."""
    today = today or dt.date.today()
    asset = _held_asset(session, actor, asset_id)
    if method not in DISPOSAL_METHODS:
        raise ValidationError("method", "error.asset.method_invalid")
    _check_day("disposed_on", disposed_on, asset, today)
    proceeds_cents = _check_amount("proceeds", proceeds_cents)
    if isinstance(cost_cents, bool) or not isinstance(cost_cents, int):
        raise ValidationError("cost", "error.disposal.cost_required")
    if cost_cents < 0:
        raise ValidationError("cost", "error.disposal.cost_negative")
    cost_cents = _check_amount("cost", cost_cents)
    before = _snapshot(asset)
    loan = session.get(Loan, asset.loan_id)
    balance = balance_before(session, loan, disposed_on)
    recovered = disposal_recovery(proceeds_cents, cost_cents, balance)
    officer_id, assignment_id = _responsible(session, loan)
    asset.status, asset.disposal_method = DISPOSED, method
    asset.disposed_on, asset.proceeds_cents, asset.disposal_cost_cents = disposed_on, proceeds_cents, cost_cents
    outcome = "no_result" if not recovered else "paid_full" if recovered >= balance else "paid_partial"
    recovery = CollectionAction(loan_id=loan.id, assignment_id=assignment_id, officer_id=officer_id,
                                cooperative_id=asset.cooperative_id, method=ASSET_DISPOSAL, action_date=disposed_on,
                                recovered_cents=recovered, cost_cents=0, outcome=outcome,
                                note=f"disposal of foreclosed asset {asset.id} ({method}): proceeds {proceeds_cents}, "
                                     f"cost {cost_cents}, balance {balance} (cents)")
    session.add(recovery)
    session.flush()
    refresh_recovered(session, assignment_ids=[assignment_id])
    refresh_recovery_months(session, [disposed_on])
    method_summary.refresh_loans(session, [loan.id])
    record(session, actor=actor, action="asset.dispose", entity="foreclosed_asset", entity_id=asset.id,
           before=before, after={**_snapshot(asset), "collection_action_id": recovery.id,
                                 "recovered_cents": recovered, "balance_cents": balance})
    return asset
