"""Imports refused: one audit row per file (or month) an import would not write, so internal control sees them.

A refused import writes nothing to the loan tables (that is the rule), so without this row nobody would know a
file was tried and turned away: the auditor's Today page counts these rows (``import.refused``) and the audit
trail lists them. Written in its own transaction by whoever ran the import (the import screen through
``store.bookkeep``, scripts/import_data.py), only for real imports, not for a "check the file" run.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from data.audit import record as audit
from domain.scope import Actor

ACTION = "import.refused"


def record(session: Session, *, actor: Actor, kind: str, filename: str, reason: str, problems: int = 0) -> None:
    """One refused file: its kind, name, why (a problem report of ``problems`` rows, or the refusal's text)."""
    audit(session, actor=actor if actor.user_id is not None else None, username=actor.username, action=ACTION,
          entity=kind[:40], entity_id=filename[:40], after={"file": filename, "reason": reason, "problems": problems})
