"""Reads of the NPL movement summary (npl_flow_month): the movement, roll rates, forecast and provisions.

Every read is scoped to the viewer's cooperatives in SQL and returns the few summary rows the domain
functions (domain.npl_flows, domain.forecast, domain.provisions) turn into figures; no read touches loan_month.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.frames import frame as to_frame
from data.models import NplFlowMonth
from data.scoping import scoped
from domain.npl_flows import FLOW_COLUMNS
from domain.scope import Scope

_SUMS = ("loan_count", "opening_cents", "closing_cents", "collected_cents", "foreclosed_cents", "written_off_cents")


def flow_rows(session: Session, *, scope: Scope, first: dt.date, last: dt.date,
              segment: str | None = None, cooperative_id: int | None = None) -> pd.DataFrame:
    """The movement summary rows of the months first..last (FLOW_COLUMNS), summed over the viewer's scope."""
    if scope.officer_id is not None:
        raise PermissionError("the NPL movement is not available to an officer scope")
    t = NplFlowMonth
    stmt = (select(t.month, t.cooperative_id, t.segment, t.from_class, t.to_class,
                   *(func.sum(getattr(t, c)) for c in _SUMS))
            .where(t.month.between(first, last))
            .group_by(t.month, t.cooperative_id, t.segment, t.from_class, t.to_class)
            .order_by(t.month))
    if segment:
        stmt = stmt.where(t.segment == segment)
    if cooperative_id is not None:
        stmt = stmt.where(t.cooperative_id == cooperative_id)
    stmt = scoped(stmt, scope, cooperative_col=t.cooperative_id)
    rows = to_frame(session, stmt, FLOW_COLUMNS)
    return rows.astype({c: "int64" for c in _SUMS})


def provision_rows(session: Session, *, scope: Scope, month: dt.date, segment: str | None = None) -> pd.DataFrame:
    """Balance by class at ``month`` with the provisions a tape reported and the balance they cover:
    loan_class, balance_cents, provision_cents, provisioned_cents."""
    if scope.officer_id is not None:
        raise PermissionError("provisions are not available to an officer scope")
    t = NplFlowMonth
    stmt = (select(t.to_class, func.sum(t.closing_cents), func.sum(t.provision_cents), func.sum(t.provisioned_cents))
            .where(t.month == month).group_by(t.to_class))
    if segment:
        stmt = stmt.where(t.segment == segment)
    stmt = scoped(stmt, scope, cooperative_col=t.cooperative_id)
    rows = to_frame(session, stmt, ["loan_class", "balance_cents", "provision_cents", "provisioned_cents"])
    return rows.astype({"balance_cents": "int64", "provision_cents": "int64", "provisioned_cents": "int64"})
