"""Per-table versions: which tables a transaction wrote (moved forward at its commit) and which a read read.

Why: the app servers cache their reads (components/store.py). A cached read is keyed by the versions of the
tables it read, so it is served until a write to one of *those* tables commits, on any app server, from the
import command or a script, and a write leaves every other cached read in place (a sign-in writes only the
user, session and audit tables, which no chart reads).

How, without every command declaring its tables by hand (a forgotten one would serve stale figures):
- every INSERT, UPDATE or DELETE that SQLAlchemy executes and that touches a row is noted on its connection
  (``after_execute``); writers that bypass SQLAlchemy (COPY, the driver's executemany in data/bulk.py) call
  ``mark_written``;
- when a session commits, the noted tables' counters in ``table_version`` move forward by one in the same
  transaction, so the data and its new versions become visible together (a rollback forgets the notes);
- while ``recording_reads`` is active, every statement executed adds the tables it names to a set; raw SQL
  text counts as reading every table (``ANY_TABLE``).
"""
from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Engine, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool
from sqlalchemy.sql import visitors
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import ClauseElement, TextClause
from sqlalchemy.sql.selectable import TableClause

from data.models import TableVersion

#: key of the connection's info dict holding the tables written in its current transaction
WRITTEN = "npl.tables_written"
#: a read that ran raw SQL: it depends on every table
ANY_TABLE = "*"
VERSION_TABLE = TableVersion.__tablename__
_reading: ContextVar[set[str] | None] = ContextVar("npl_tables_read", default=None)
#: engines whose database was seen to have the table_version table
_MIGRATED: weakref.WeakSet[Engine] = weakref.WeakSet()


def tables_in(statement: ClauseElement) -> set[str]:
    """The names of the tables a statement reads (joins, subqueries and CTEs included)."""
    if isinstance(statement, TextClause):
        return {ANY_TABLE}
    return {element.name for element in visitors.iterate(statement) if isinstance(element, TableClause)}


def mark_written(session: Session, *names: str) -> None:
    """Note tables written outside SQLAlchemy's statements (COPY, raw executemany) in the session's transaction."""
    session.connection().info.setdefault(WRITTEN, set()).update(names)


def note_read(*names: str) -> None:
    """Count these tables as read by the read being recorded (none: nothing happens). For a read whose path
    depends on its arguments (a summary or the raw rows): its cached results are then keyed by the tables of
    every path, whichever one its first call took."""
    reading = _reading.get()
    if reading is not None:
        reading.update(names)


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """Collect, in the set yielded, the tables of every statement this thread executes meanwhile."""
    tables: set[str] = set()
    token = _reading.set(tables)
    try:
        yield tables
    finally:
        _reading.reset(token)


def current(session: Session) -> dict[str, int]:
    """Every table's version (a table never written is absent: version 0). One small query."""
    return {name: int(version) for name, version in session.execute(select(TableVersion.name, TableVersion.version))}


def _has_versions(connection: Connection) -> bool:
    """Whether the database has the table_version table yet (a database at an older revision, before the app
    has migrated it, has not); once seen it is remembered for the engine."""
    engine = connection.engine
    if engine not in _MIGRATED:
        if not inspect(connection).has_table(VERSION_TABLE):
            return False
        _MIGRATED.add(engine)
    return True


def bump(connection: Connection, names: Iterable[str]) -> None:
    """Move the tables' versions forward by one, in one statement (rows locked in name order: no deadlock)."""
    rows = [{"name": name, "version": 1} for name in sorted(set(names))]
    if not rows or not _has_versions(connection):
        return
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = TableVersion.__table__
    statement = insert(table).values(rows)
    connection.execute(statement.on_conflict_do_update(index_elements=[table.c.name],
                                                       set_={"version": table.c.version + 1}))


# ------------------------------------------------------------------------------------------- listeners
@event.listens_for(Engine, "after_execute")
def _note(connection: Connection, statement, _multiparams, _params, _options, result) -> None:
    if isinstance(statement, UpdateBase):
        if result.rowcount != 0:  # -1 (unknown) counts as written
            name = getattr(getattr(statement, "table", None), "name", None) or ANY_TABLE
            connection.info.setdefault(WRITTEN, set()).add(name)
        return
    reading = _reading.get()
    if reading is not None and isinstance(statement, ClauseElement):
        reading.update(tables_in(statement))


@event.listens_for(Session, "before_commit")
def _bump_at_commit(session: Session) -> None:
    session.flush()  # changes still pending are written (and noted) before the versions move
    connection = session.connection()
    written = connection.info.pop(WRITTEN, set()) - {VERSION_TABLE}
    if ANY_TABLE in written and _has_versions(connection):  # a write to an unknown table: move every version
        written = (written - {ANY_TABLE}) | set(current(session))
    bump(connection, written)


@event.listens_for(Engine, "rollback")
def _forget_on_rollback(connection: Connection) -> None:
    connection.info.pop(WRITTEN, None)


@event.listens_for(Engine, "commit")
def _forget_on_commit(connection: Connection) -> None:
    """A commit not made by a session (migrations, plain connections) moves no version; its notes go."""
    connection.info.pop(WRITTEN, None)


@event.listens_for(Pool, "reset")
def _forget_on_return(_dbapi_connection, record, _reset_state) -> None:
    record.info.pop(WRITTEN, None)
