"""Import any kind of record from the command line: the same code as the admin page's Import tab.

    python scripts/import_data.py KIND FILE... [--month YYYY-MM] [--decimal . | ,] [--encoding ENC]
                                  [--dry-run] [--allow-shrink] [--url URL]

KIND is one of: cooperatives villages officers tape assignments actions legal_cases assets. Several tape files,
or one file holding several months, are imported month by month, oldest first, each month all or nothing.
Runs as the system admin (audit username 'system'). Exit status: 0 imported (or clean, with --dry-run);
1 a file refused (the problem report printed; nothing written for it but an ``import.refused`` audit row, and for a
tape no later month is tried);
2 a usage error; 3 another import held the database too long (nothing written: run it again).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.db import database_url, make_engine, transaction, upgrade_schema  # noqa: E402
from data.importer import ENCODINGS, ImportBusyError, ImportFileError, refusals, system_actor  # noqa: E402
from data.importer.history import import_history, plan  # noqa: E402
from data.importer.records import import_records  # noqa: E402
from data.importer.tape import ImportResult  # noqa: E402
from data.templates import KINDS  # noqa: E402


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError("use YYYY-MM, e.g. 2026-10") from None


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Import records (CSV or Excel) of one kind.")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--month", type=_month, default=None,
                        help="the month of a tape, YYYY-MM (default: its month column)")
    parser.add_argument("--decimal", choices=[".", ","], default=None,
                        help="the decimal mark of the amounts when it is not clear from the values")
    parser.add_argument("--encoding", choices=[*ENCODINGS, "gbk", "windows-1252"], default=None,
                        help="the text encoding of CSV files (default: detected, refused when uncertain)")
    parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    parser.add_argument("--allow-shrink", action="store_true",
                        help="import a tape even when it leaves out more of the month's loans than the setting allows")
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or the demo SQLite file)")
    args = parser.parse_args(argv)
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        parser.error(f"no such file: {', '.join(missing)}")
    if args.month and args.kind != "tape":
        parser.error("--month applies to tapes only")
    return args


def _report(label: str, result: ImportResult) -> bool:
    """Print what happened to one file or month; True when it was written (or is clean, in a dry run)."""
    if result.ignored_columns:
        print(f"{label}: ignored columns: {', '.join(result.ignored_columns)}")
    if not result.ok:
        print(result.errors.to_string(index=False))
        if result.more_errors:
            print(f"... and {result.more_errors} more problem(s) not listed")
        print(f"{label}: {result.error_count} problem(s) in {result.rows} row(s): nothing was written.",
              file=sys.stderr)
        return False
    if result.name_change_count:
        print(f"{label}: {result.name_change_count} borrower name(s) differ from the names on record:")
        print(result.name_changes.to_string(index=False))
    shrink = result.shrink
    if shrink and shrink.loans_missing:
        print(f"{label}: {shrink.loans_missing} of the {shrink.loans_before} loans open in "
              f"{shrink.reference_month:%Y-%m} ({shrink.share_pct:.1f} %) are not in the file and will count as closed")
    if result.needs_confirmation:
        print(f"{label}: not imported: more than {shrink.limit_pct:g} % of the loans are left out; check the file, "
              "or run again with --allow-shrink", file=sys.stderr)
        return False
    counts = ", ".join(f"{k}={v}" for k, v in result.counts.items())
    print(f"{label}: {result.rows} row(s) {'valid (dry run)' if not result.written else 'imported: ' + counts}"
          f" in {result.seconds:.1f} s")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    engine = make_engine(args.url or database_url())
    upgrade_schema(engine)
    actor = system_actor()

    def refused(filename: str, reason: str, problems: int = 0) -> None:
        """A real import that wrote nothing is audited (data.importer.refusals); a dry run is only a check."""
        if not args.dry_run:
            with transaction(engine) as session:
                refusals.record(session, actor=actor, kind=args.kind, filename=filename, reason=reason,
                                problems=problems)

    try:
        if args.kind == "tape":
            months = plan([(f.name, f.read_bytes()) for f in args.files], month=args.month, encoding=args.encoding)
            for month_file, result in import_history(
                    engine, actor=actor, months=months, decimal=args.decimal, encoding=args.encoding,
                    dry_run=args.dry_run, allow_shrink=args.allow_shrink,
                    progress=lambda done, total, m: print(f"[{done + 1}/{total}] {m.label}", flush=True)):
                if not _report(month_file.label, result):
                    if not result.ok:
                        refused(month_file.label, "problems", result.error_count)
                    return 1
            return 0
        for path in args.files:
            with transaction(engine) as session:
                result = import_records(session, actor=actor, kind=args.kind, data=path.read_bytes(),
                                        filename=path.name, decimal=args.decimal, encoding=args.encoding,
                                        dry_run=args.dry_run)
            if not _report(path.name, result):
                refused(path.name, "problems", result.error_count)
                return 1
        return 0
    except ImportBusyError as error:
        print(f"{error.key} {error.params or ''}".rstrip(), file=sys.stderr)
        return 3
    except ImportFileError as error:
        print(f"{error.key} {error.params or ''}".rstrip(), file=sys.stderr)
        for path in args.files:
            refused(path.name, f"{error.key} {error.params or ''}".rstrip())
        return 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
