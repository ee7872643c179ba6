"""Reads of the audit trail (audit_log), filtered and scoped. There is no write here: rows are appended only
by data.audit.record inside the command they describe, and the database refuses UPDATE and DELETE on them
(migration 0002).

Scope choice: audit_log has no cooperative column, and a row may concern any entity, so it is scoped by
*who wrote it*. Internal control (auditor) and the admin read the whole trail whatever their own
cooperative (``trail_scope``); a union-level director does too. A director of one cooperative sees the rows
written by users of that cooperative — not rows by union-level users (admin, union director) nor
anonymous ones (failed sign-ins with an unknown name), which could reveal other cooperatives' affairs.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.frames import frame as to_frame
from data.models import AppUser, AuditLog
from data.scoping import scoped
from domain.roles import ADMIN, AUDITOR
from domain.scope import Actor, Scope

COLUMNS = ["id", "at", "username", "action", "entity", "entity_id", "before", "after"]


def trail_scope(actor: Actor) -> Scope:
    """The scope the audit trail is read with: everything for auditor and admin, else the actor's own."""
    if actor.role in (AUDITOR, ADMIN):
        return Scope.union()
    return Scope(cooperative_ids=actor.scope.cooperative_ids, officer_id=actor.scope.officer_id)


def _filtered(stmt, *, scope: Scope, username: str | None, action: str | None, entity: str | None,
              first_day: dt.date | None, last_day: dt.date | None):
    stmt = stmt.outerjoin(AppUser, AppUser.id == AuditLog.user_id)
    if username:
        stmt = stmt.where(AuditLog.username == username)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    if first_day is not None:
        stmt = stmt.where(AuditLog.at >= dt.datetime.combine(first_day, dt.time.min))
    if last_day is not None:
        stmt = stmt.where(AuditLog.at < dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min))
    # an officer scope has no officer column here and matches nothing (fail closed)
    return scoped(stmt, scope, cooperative_col=AppUser.cooperative_id, officer_col=None)


def list_(session: Session, *, scope: Scope, username: str | None = None, action: str | None = None,
          entity: str | None = None, first_day: dt.date | None = None, last_day: dt.date | None = None,
          limit: int | None = 500) -> pd.DataFrame:
    """Audit rows newest first, before/after as the stored JSON text; ``limit`` None = all (downloads)."""
    stmt = _filtered(select(AuditLog.id, AuditLog.at, AuditLog.username, AuditLog.action, AuditLog.entity,
                            AuditLog.entity_id, AuditLog.before, AuditLog.after),
                     scope=scope, username=username, action=action, entity=entity, first_day=first_day,
                     last_day=last_day).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return to_frame(session, stmt, COLUMNS)


def count(session: Session, *, scope: Scope, username: str | None = None, action: str | None = None,
          entity: str | None = None, first_day: dt.date | None = None, last_day: dt.date | None = None) -> int:
    stmt = _filtered(select(func.count(AuditLog.id)), scope=scope, username=username, action=action,
                     entity=entity, first_day=first_day, last_day=last_day)
    return int(session.scalar(stmt) or 0)


def filter_options(session: Session, *, scope: Scope) -> dict[str, list[str]]:
    """The distinct users, actions and entities the viewer's trail holds, for the filter drop-downs."""
    options = {}
    for name, column in (("username", AuditLog.username), ("action", AuditLog.action), ("entity", AuditLog.entity)):
        stmt = _filtered(select(column).distinct(), scope=scope, username=None, action=None, entity=None,
                         first_day=None, last_day=None).order_by(column)
        options[name] = [str(v) for v in session.scalars(stmt)]
    return options


def count_by_action(session: Session, *, scope: Scope, first_day: dt.date, last_day: dt.date) -> pd.DataFrame:
    """Audit rows of a period by action, most frequent first: action, count (what ``count`` gives per action)."""
    stmt = _filtered(select(AuditLog.action, func.count(AuditLog.id)), scope=scope, username=None, action=None,
                     entity=None, first_day=first_day, last_day=last_day).group_by(AuditLog.action)
    frame = to_frame(session, stmt, ["action", "count"]).astype({"count": "int64"})
    return frame.sort_values(["count", "action"], ascending=[False, True]).reset_index(drop=True)
