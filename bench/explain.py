"""Query plans of every statement the pages send, flagging full scans of the large tables.

Why: a page stays fast as the union grows only if its queries reach the big tables (loan_month, loan,
collection_action, assignment) through an index. This runs each page once with empty caches through
AppTest (as bench/run.py does), captures every SQL statement with a ``before_cursor_execute`` event,
tags it with the ``store.read`` function that sent it, and asks the database for its plan: SQLite
``EXPLAIN QUERY PLAN``, PostgreSQL ``EXPLAIN``. A full table scan of a large table is flagged; on SQLite
a scan of a whole *index* (``SCAN t USING [COVERING] INDEX``) is reported separately, since it still
reads every row.

PostgreSQL picks sequential scans on small tables by cost, so run it on a large database (after
``ANALYZE``, which bench/run.py does) for the verdict to mean anything.

Run ``python bench/explain.py --url URL``; prints a table and writes docs/explain.md (one section per engine).
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, event  # noqa: E402

from bench.run import describe_call, engine_name, point_app_at, run_page, user_for  # noqa: E402
from data.db import make_engine, upgrade_schema  # noqa: E402
from domain.roles import PAGE_ROLES  # noqa: E402

LARGE_TABLES = ("loan_month", "loan", "collection_action", "assignment")
REPORT = ROOT / "docs" / "explain.md"
_SQL_KEYWORDS = {"on", "where", "join", "left", "inner", "outer", "group", "order", "limit", "union", "cross",
                 "using", "natural", "set", "values", "as", "and", "or", "full", "right"}


@dataclass
class Statement:
    page: str
    source: str  # the read that sent it
    sql: str
    parameters: object


@dataclass
class Plan:
    statement: Statement
    lines: list[str]
    full_scans: list[str]  # large tables read whole (sequential / table scan)
    index_scans: list[str]  # SQLite: large tables read through a whole index


@contextmanager
def capturing(page: str) -> Iterator[list[Statement]]:
    """Statements sent while a page runs, each tagged with the store.read function being executed."""
    from components import store

    captured: list[Statement] = []
    current = ["(page frame)"]
    original = store.read

    def read(function, **arguments):
        previous = current[0]
        current[0] = describe_call(function, arguments)
        try:
            return original(function, **arguments)
        finally:
            current[0] = previous

    def before(_conn, _cursor, statement, parameters, _context, executemany):
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append(Statement(page, current[0], statement, parameters))

    store.read = read
    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield captured
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        store.read = original


def aliases(sql: str) -> dict[str, str]:
    """alias -> large table, from ``FROM/JOIN table [AS] alias`` in the statement (SQLite plans use aliases)."""
    found = {}
    for table in LARGE_TABLES:
        found[table] = table
        for match in re.finditer(rf'\b"?{table}"?\s+(?:AS\s+)?"?(\w+)"?', sql, re.I):
            alias = match.group(1)
            if alias.lower() not in _SQL_KEYWORDS:
                found[alias] = table
    return found


def explain(engine: Engine, statement: Statement) -> Plan:
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement.sql, statement.parameters)
            lines = [row[3] for row in cursor.fetchall()]
        else:
            cursor.execute("EXPLAIN " + statement.sql, statement.parameters)
            lines = [row[0] for row in cursor.fetchall()]
        cursor.close()
    finally:
        connection.close()
    names = aliases(statement.sql)
    full, whole_index = [], []
    for line in lines:
        if engine.dialect.name == "sqlite":
            match = re.match(r"\s*SCAN (\w+)(.*)", line)
            if match and match.group(1) in names:
                (whole_index if "INDEX" in match.group(2) else full).append(names[match.group(1)])
        else:
            match = re.search(r"Seq Scan on (\w+)", line)
            if match and match.group(1) in LARGE_TABLES:
                full.append(match.group(1))
    return Plan(statement, lines, sorted(set(full)), sorted(set(whole_index)))


def collect(url: str, pages: list[str]) -> list[Plan]:
    engine = make_engine(url)
    upgrade_schema(engine)
    point_app_at(url)
    plans: list[Plan] = []
    seen: set[tuple[str, str]] = set()
    for page in pages:
        with capturing(page) as statements:
            run_page(ROOT / "pages" / f"{page}.py", username=user_for(page), cold=True)
        for statement in statements:
            key = (statement.source, statement.sql)
            if key in seen:
                continue
            seen.add(key)
            plans.append(explain(engine, statement))
    engine.dispose()
    return plans


def render(plans: list[Plan], *, engine: str, url: str) -> str:
    flagged = [p for p in plans if p.full_scans or p.index_scans]
    lines = [f"## {engine}", "", f"Database: `{url.split('@')[-1]}`; {len(plans)} distinct statements from "
             f"{len({p.statement.page for p in plans})} pages; {len([p for p in plans if p.full_scans])} with a "
             f"full table scan of {', '.join(LARGE_TABLES)}; "
             f"{len([p for p in plans if p.index_scans and not p.full_scans])} more reading a whole index.", "",
             "| page | read | full table scan | whole-index scan |", "|---|---|---|---|"]
    for plan in flagged:
        lines.append(f"| {plan.statement.page} | `{plan.statement.source}` | {', '.join(plan.full_scans) or '-'} | "
                     f"{', '.join(plan.index_scans) or '-'} |")
    lines += ["", "<details><summary>Plans of the flagged statements</summary>", ""]
    for plan in flagged:
        sql = " ".join(plan.statement.sql.split())
        lines += [f"**{plan.statement.page}** `{plan.statement.source}`", "", "```sql", sql[:1500], "```", "```",
                  *plan.lines, "```", ""]
    lines += ["</details>", ""]
    return "\n".join(lines)


def write_report(section: str, engine: str) -> None:
    start, end = f"<!-- explain:{engine} -->", f"<!-- /explain:{engine} -->"
    block = f"{start}\n{section}{end}"
    existing = REPORT.read_text() if REPORT.exists() else ""
    if not existing.startswith("# Query plans"):
        existing = ("# Query plans of the page reads\n\nWritten by `python bench/explain.py`: every statement a page "
                    "sends with empty caches, as a union-wide user, with its plan. Flagged: a full scan of "
                    f"{', '.join(LARGE_TABLES)}.\n\n")
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    out = pattern.sub(lambda _m: block, existing) if pattern.search(existing) else existing.rstrip() + "\n\n" + block
    REPORT.write_text(out.rstrip() + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/explain.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="database URL (a generated demo database)")
    parser.add_argument("--pages", default=",".join(PAGE_ROLES), help="comma-separated page keys (default: all)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/explain.md alone")
    args = parser.parse_args(argv)
    plans = collect(args.url, [p for p in args.pages.split(",") if p])
    section = render(plans, engine=engine_name(args.url), url=args.url)
    print(section)
    if not args.no_write:
        write_report(section, engine_name(args.url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
