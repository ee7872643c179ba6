"""Import a monthly loan tape from the command line (for scheduled runs): the same code as the admin page.

    python scripts/import_tape.py FILE --month YYYY-MM [--url DATABASE_URL] [--dry-run] [--decimal , | .]

Runs as the system admin actor (audit username 'system'), prints the error report, exits 1 on any error
(nothing written), 2 when the file cannot be read at all, 0 when the file was imported (or is clean, with
--dry-run).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.db import database_url, make_engine, transaction, upgrade_schema  # noqa: E402
from data.importer import ImportFileError, import_tape, system_actor  # noqa: E402


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError("use YYYY-MM, e.g. 2026-10") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Import a monthly loan tape (CSV or Excel).")
    parser.add_argument("file", type=Path)
    parser.add_argument("--month", type=_month, required=True, help="the month of the tape, YYYY-MM")
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or the demo SQLite file)")
    parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    parser.add_argument("--decimal", choices=[".", ","], default=None,
                        help="the decimal mark of the amounts when it is not clear from the values")
    args = parser.parse_args(argv)

    engine = make_engine(args.url or database_url())
    upgrade_schema(engine)
    data = args.file.read_bytes()
    try:
        with transaction(engine) as session:
            result = import_tape(session, actor=system_actor(), data=data, filename=args.file.name,
                                 month=args.month, decimal=args.decimal, dry_run=args.dry_run)
    except ImportFileError as error:
        print(f"{args.file}: {error.key} {error.params or ''}".rstrip(), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if result.ignored_columns:
        print(f"ignored columns: {', '.join(result.ignored_columns)}")
    if not result.ok:
        print(result.errors.to_string(index=False))
        print(f"{len(result.errors)} error(s) in {result.rows} row(s): nothing was written.", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"{result.rows} row(s) for {result.month:%Y-%m} are valid (dry run: nothing written).")
    else:
        counts = ", ".join(f"{k}={v}" for k, v in result.counts.items())
        print(f"imported {result.rows} row(s) for {result.month:%Y-%m} in {result.seconds:.1f} s: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
