"""One import at a time per database.

Why: two imports of the same new contract at once both found it missing, both inserted it, and the second
ended in a raw IntegrityError. Each import now takes the database's import lock as the first statement of
its transaction and holds it to the end, so the second waits, then checks the file against what the first
wrote. PostgreSQL: a transaction-level advisory lock (every app server and the command line share it).
SQLite: the database's single write lock, taken by an empty write before anything is read (in WAL mode a
transaction that read first cannot take it later without failing).
"""
from __future__ import annotations

from sqlalchemy import delete, false, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from data.errors import ValidationError
from data.models import ImportBatch

IMPORT_LOCK_KEY = 7_206_241_117  # any fixed 64-bit number no other advisory lock uses
WAIT_SECONDS = 60
SQLITE_BUSY_MS = 30_000  # data.db's connect timeout, restored after the wait


class ImportBusyError(ValidationError):
    """Another import holds the lock (or changed the same rows first): nothing was written, try again."""

    def __init__(self, key: str = "error.import.busy", **params: object) -> None:
        super().__init__("file", key, **params)


def hold_import_lock(session: Session, *, wait_seconds: int = WAIT_SECONDS) -> None:
    """Take the import lock for the rest of the session's transaction, waiting up to ``wait_seconds``."""
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL lock_timeout = '{int(wait_seconds)}s'"))
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})
            session.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
        else:
            session.execute(text(f"PRAGMA busy_timeout = {int(wait_seconds * 1000)}"))
            try:
                session.execute(delete(ImportBatch).where(false()))  # takes SQLite's write lock, changes nothing
            finally:
                session.execute(text(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}"))
    except OperationalError:
        raise ImportBusyError(wait=wait_seconds) from None
