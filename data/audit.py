"""The audit trail: one append-only row per write, in the same transaction as the write."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import AuditLog
from domain.scope import Actor


def _to_json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def now() -> dt.datetime:
    """Naive UTC timestamp: what every audited write stores."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def record(session: Session, *, actor: Actor | None, action: str, entity: str, entity_id: object = "",
           before: Any = None, after: Any = None, username: str | None = None) -> AuditLog:
    """Append an audit row; the caller's transaction commits it together with the change."""
    row = AuditLog(at=now(), user_id=actor.user_id if actor else None,
                   username=username or (actor.username if actor else "system"), action=action, entity=entity,
                   entity_id=str(entity_id), before=_to_json(before), after=_to_json(after))
    session.add(row)
    return row


#: audited actions that change nothing a page reads: sign-in bookkeeping (see components/store.bookkeep)
BOOKKEEPING_PREFIX = "auth."


def data_version(session: Session) -> int:
    """The id of the newest audit row that changed data: a number every write anywhere moves forward.

    Why: every write is audited in its own transaction, whichever app server, command-line import or script
    made it, so this one number tells a server that its cached reads may be stale (components/store keys its
    cache with it). Sign-in bookkeeping is left out, so signing in never makes other users' pages cold. The
    query walks the primary key backwards past the few bookkeeping rows at the end.
    """
    newest = session.scalar(select(AuditLog.id).where(~AuditLog.action.startswith(BOOKKEEPING_PREFIX))
                            .order_by(AuditLog.id.desc()).limit(1))
    return newest or 0
