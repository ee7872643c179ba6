"""Fast bulk inserts for the two big writers: the demo generator and the loan-tape importer.

Why: SQLAlchemy's executemany spends about as long building parameters as the database spends inserting
(bench/import_bench.py, cProfile: 2.3 s of 5.3 s for 100,000 rows). Both paths here run on the session's
own connection, so they stay inside the caller's transaction: COPY on PostgreSQL, the driver's executemany
on SQLite (dates passed as ISO text, as SQLAlchemy stores them). Tables with timestamp columns, and small
batches on PostgreSQL, go through Core to keep its exact formats.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from operator import itemgetter

from sqlalchemy import ARRAY, Date, DateTime, Table, bindparam, func, insert, select, text
from sqlalchemy.orm import Session

from data.versions import mark_written

#: rows per Core executemany batch (the fallback path)
CORE_BATCH = 10_000
#: below this many rows PostgreSQL's COPY is not worth its set-up
COPY_MIN_ROWS = 1_000


def _sqlite_values(table: Table, columns: list[str], rows: list[dict]) -> Iterator[tuple]:
    """Row tuples in column order, dates as ISO text (only the date columns are looked at)."""
    get = itemgetter(*columns)
    dates = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, Date)]
    if len(columns) == 1:
        yield from ((row[columns[0]],) for row in rows)
        return
    if not dates:
        yield from map(get, rows)
        return
    for row in rows:
        values = list(get(row))
        for i in dates:
            if values[i] is not None:
                values[i] = values[i].isoformat()
        yield values


def insert_rows(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert plain dict rows (all with the same keys) into ``table`` in the session's transaction."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    columns = list(rows[0])
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    if dialect.name == "postgresql" and len(rows) >= COPY_MIN_ROWS:
        mark_written(session, table.name)  # COPY and the driver's executemany are not seen by SQLAlchemy
        with session.connection().connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        return
    if dialect.name == "sqlite" and not any(isinstance(table.c[c].type, DateTime) for c in columns):
        mark_written(session, table.name)
        statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({', '.join('?' * len(columns))})"
        session.connection().connection.driver_connection.executemany(statement, _sqlite_values(table, columns, rows))
        return
    for start in range(0, len(rows), CORE_BATCH):
        session.execute(insert(table), rows[start:start + CORE_BATCH])


def in_list(session: Session, column, values: list):
    """``column IN values`` as one bound parameter, whatever the number of values: a JSON array read by json_each
    on SQLite, an array on PostgreSQL.

    Why: the importer's 20,000 contract numbers a chunk, and the million loans whose history an import rebuilds,
    sent as statements of 900 or 5,000 bound parameters each spent more time in SQLAlchemy's compiler than in
    the database. Values are plain str or int.
    """
    if session.get_bind().dialect.name == "postgresql":
        return column == func.any(bindparam("in_values", values, type_=ARRAY(column.type)))
    return column.in_(select(text("value")).select_from(func.json_each(bindparam("in_values", json.dumps(values)))))
