"""Applying a viewer's scope in SQL: the only way page reads restrict rows."""
from __future__ import annotations

from sqlalchemy import Select, false

from domain.scope import Scope


def scoped(stmt: Select, scope: Scope, *, cooperative_col, officer_col=None) -> Select:
    """Restrict a SELECT to the viewer's cooperatives (and own officer id for officers).

    An officer scope on a query with no officer column matches nothing: failing closed is safer
    than showing a whole cooperative to one officer.
    """
    if scope.cooperative_ids is not None:
        stmt = stmt.where(cooperative_col.in_(sorted(scope.cooperative_ids)) if scope.cooperative_ids else false())
    if scope.officer_id is not None:
        stmt = stmt.where(officer_col == scope.officer_id if officer_col is not None else false())
    return stmt
