"""Import a monthly loan tape from the command line (for scheduled runs): the same code as the admin page.

    python scripts/import_tape.py FILE --month YYYY-MM [--url DATABASE_URL] [--dry-run] [--decimal , | .]
                                  [--encoding utf-8 | gb18030 | cp1252] [--allow-shrink]

Runs as the system admin actor (audit username 'system') and prints the problem report. Exit status: 0 the
file was imported (or is clean, with --dry-run); 1 the file was refused row by row, or it leaves out more of
the month's loans than the import_max_shrink_pct setting allows and --allow-shrink was not given (nothing
written); 2 the file cannot be read at all (type, encoding, damage, a future month); 3 another import held the
database too long, or wrote the same contracts first (nothing written: run it again).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.db import database_url, make_engine, transaction, upgrade_schema  # noqa: E402
from data.importer import ENCODINGS, ImportBusyError, ImportFileError, import_tape, system_actor  # noqa: E402
from data.importer.tape import ImportResult  # noqa: E402


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
    parser.add_argument("--encoding", choices=[*ENCODINGS, "gbk", "windows-1252"], default=None,
                        help="the text encoding of a CSV file (default: detected, refused when uncertain)")
    parser.add_argument("--allow-shrink", action="store_true",
                        help="import even when the file leaves out more of the month's loans than the setting allows")
    args = parser.parse_args(argv)

    engine = make_engine(args.url or database_url())
    upgrade_schema(engine)
    data = args.file.read_bytes()
    try:
        with transaction(engine) as session:
            result = import_tape(session, actor=system_actor(), data=data, filename=args.file.name,
                                 month=args.month, decimal=args.decimal, encoding=args.encoding,
                                 dry_run=args.dry_run, allow_shrink=args.allow_shrink)
    except ImportBusyError as error:
        print(f"{args.file}: {error.key} {error.params or ''}".rstrip(), file=sys.stderr)
        return 3
    except ImportFileError as error:
        print(f"{args.file}: {error.key} {error.params or ''}".rstrip(), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return _report(args, result)


def _report(args: argparse.Namespace, result: ImportResult) -> int:
    if result.ignored_columns:
        print(f"ignored columns: {', '.join(result.ignored_columns)}")
    if result.encoding:
        print(f"read as {result.encoding}")
    if not result.ok:
        print(result.errors.to_string(index=False))
        if result.more_errors:
            print(f"... and {result.more_errors} more problem(s) not listed")
        print(f"{result.error_count} problem(s) in {result.rows} row(s): nothing was written.", file=sys.stderr)
        return 1
    if result.name_change_count:
        print(f"{result.name_change_count} borrower name(s) differ from the names on record:")
        print(result.name_changes.to_string(index=False))
    shrink = result.shrink
    if shrink and shrink.loans_missing:
        print(f"{shrink.loans_missing} of the {shrink.loans_before} loans open in {shrink.reference_month:%Y-%m} "
              f"({shrink.share_pct:.1f} %) are not in the file and will count as closed: balance "
              f"{shrink.balance_missing_cents / 100:,.2f}, of which NPL {shrink.npl_missing_cents / 100:,.2f}")
    if result.needs_confirmation:
        print(f"not imported: more than {shrink.limit_pct:g} % of the loans are left out; check the file, or run "
              "again with --allow-shrink", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"{result.rows} row(s) for {result.month:%Y-%m} are valid (dry run: nothing written).")
    else:
        counts = ", ".join(f"{k}={v}" for k, v in result.counts.items())
        print(f"imported {result.rows} row(s) for {result.month:%Y-%m} in {result.seconds:.1f} s as import "
              f"no. {result.batch_id}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
