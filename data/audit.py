"""The audit trail: one append-only row per write, in the same transaction as the write."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

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
