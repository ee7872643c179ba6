"""The command line: ``python -m data.demo --help``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence

from data.db import database_url, make_engine, upgrade_schema
from data.demo.database import delete_all, generate, is_empty
from data.demo.parameters import DEFAULT_LOANS, DEFAULT_MONTHS, DEFAULT_SEED


def _parse_month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM, got {value!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=DEFAULT_LOANS, help="number of loans (default %(default)s)")
    parser.add_argument("--months", type=int, default=DEFAULT_MONTHS,
                        help="months of history ending at --end (default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--end", type=_parse_month, default=None,
                        help="last month, YYYY-MM (default: the last complete month)")
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/npl.db)")
    parser.add_argument("--replace", action="store_true", help="delete every row first if the database has data")
    args = parser.parse_args(argv)
    engine = make_engine(args.url or database_url())
    try:
        upgrade_schema(engine)
        if not is_empty(engine):
            if not args.replace:
                print("the database already holds data; use --replace to delete it and generate again",
                      file=sys.stderr)
                return 2
            delete_all(engine)
        summary = generate(engine, loans=args.loans, months=args.months, seed=args.seed, end_month=args.end)
    finally:
        engine.dispose()
    print(summary.line())
    return 0
