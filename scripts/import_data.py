"""Import any kind of record from the command line: the same code as the admin page's Import tab.

    python scripts/import_data.py KIND FILE... [--month YYYY-MM] [--decimal . | ,] [--encoding ENC]
                                  [--dry-run] [--allow-shrink] [--url URL] [--lang en|es|zh]

KIND is one of: cooperatives villages officers tape assignments actions legal_cases assets. Several tape files,
or one file holding several months, are imported month by month, oldest first, each month all or nothing.
Runs as the system admin (audit username 'system'). Exit status: 0 imported (or clean, with --dry-run);
1 a file refused (the problem report printed; nothing written for it but an ``import.refused`` audit row, and for a
tape no later month is tried);
2 a usage error; 3 another import held the database too long (nothing written: run it again).

What it prints is in the language of ``--lang`` (default: the ``NPL_LANG`` environment variable, else English), in
the words and number formats of the import page; a problem's reason code (``error.import.…``) is printed beside its
text in every language, so a log can be searched for it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.format import number, share  # noqa: E402
from components.format import month as month_text  # noqa: E402
from components.i18n import LANGUAGES, translate, translate_plural  # noqa: E402
from data.db import database_url, make_engine, transaction, upgrade_schema  # noqa: E402
from data.importer import ENCODINGS, ImportBusyError, ImportFileError, refusals, system_actor  # noqa: E402
from data.importer.history import import_history, plan  # noqa: E402
from data.importer.records import import_records  # noqa: E402
from data.importer.tape import ImportResult  # noqa: E402
from data.templates import KINDS  # noqa: E402


def _language(argv: Sequence[str] | None) -> str:
    """The language of the output: --lang, else NPL_LANG, else English (read before the other arguments, so their
    own errors are worded in it)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", default=None)
    wanted = early.parse_known_args(argv)[0].lang or os.environ.get("NPL_LANG", "en")
    return wanted if wanted in LANGUAGES else "en"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    lang = _language(argv)

    def _month(value: str) -> dt.date:
        try:
            return dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise argparse.ArgumentTypeError(translate("cli.import.bad_month", lang)) from None

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
    parser.add_argument("--lang", choices=sorted(LANGUAGES), default=lang,
                        help="the language of the output (default: NPL_LANG, else en)")
    args = parser.parse_args(argv)
    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        parser.error(translate("cli.import.no_file", lang, files=", ".join(missing)))
    if args.month and args.kind != "tape":
        parser.error(translate("cli.import.month_for_tapes", lang))
    return args


def _headed(frame, lang: str):
    """A problem or name-change table as the import page shows it: each reason code beside its text, headers in
    the language."""
    if "reason" in frame.columns:
        frame = frame.assign(message=[translate(reason, lang) for reason in frame.reason])
    return frame.rename(columns=lambda c: translate(f"import.col.{c}", lang))


def _report(label: str, result: ImportResult, lang: str) -> bool:
    """Print what happened to one file or month; True when it was written (or is clean, in a dry run)."""
    def say(text: str, **where) -> None:
        print(f"{label}: {text}", **where)

    if result.ignored_columns:
        say(translate("cli.import.ignored_columns", lang, columns=", ".join(result.ignored_columns)))
    if not result.ok:
        print(_headed(result.errors, lang).to_string(index=False))
        if result.more_errors:
            print(translate_plural("import.more_errors", result.more_errors, lang))
        say(translate_plural("import.errors", result.error_count, lang, rows=number(result.rows, lang=lang)),
            file=sys.stderr)
        return False
    if result.name_change_count:
        say(translate_plural("import.names_changed", result.name_change_count, lang))
        print(_headed(result.name_changes, lang).to_string(index=False))
    shrink = result.shrink
    if shrink and shrink.loans_missing:
        say(translate("cli.import.shrink", lang, missing=number(shrink.loans_missing, lang=lang),
                      before=number(shrink.loans_before, lang=lang), month=month_text(shrink.reference_month),
                      share=share(shrink.share_pct / 100, 1, lang=lang)))
    if result.needs_confirmation:
        say(translate("cli.import.shrink_refused", lang, limit=share(shrink.limit_pct / 100, 0, lang=lang)),
            file=sys.stderr)
        return False
    counts = {k: number(v, lang=lang) for k, v in result.counts.items()}
    if result.written and result.month is None:
        text = translate_plural("import.done_records", result.counts["rows"], lang, **counts)
    elif result.written:
        text = translate("import.done", lang, month=month_text(result.month), **counts)
    elif result.month is not None:
        text = translate("import.valid", lang, rows=number(result.rows, lang=lang), month=month_text(result.month))
    else:
        text = translate_plural("import.valid_records", result.rows, lang)
    say(f"{text} {translate('cli.import.seconds', lang, seconds=number(result.seconds, 1, lang=lang))}")
    return True


def _refusal(error, lang: str) -> str:
    """A refused file's message in the language, its reason code beside it."""
    return f"{translate(error.key, lang, **(error.params or {}))} {translate('common.nothing_written', lang)} " \
           f"[{error.key}]"


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
                if not _report(month_file.label, result, args.lang):
                    if not result.ok:
                        refused(month_file.label, "problems", result.error_count)
                    return 1
            return 0
        for path in args.files:
            with transaction(engine) as session:
                result = import_records(session, actor=actor, kind=args.kind, data=path.read_bytes(),
                                        filename=path.name, decimal=args.decimal, encoding=args.encoding,
                                        dry_run=args.dry_run)
            if not _report(path.name, result, args.lang):
                refused(path.name, "problems", result.error_count)
                return 1
        return 0
    except ImportBusyError as error:
        print(_refusal(error, args.lang), file=sys.stderr)
        return 3
    except ImportFileError as error:
        print(_refusal(error, args.lang), file=sys.stderr)
        for path in args.files:
            refused(path.name, f"{error.key} {error.params or ''}".rstrip())
        return 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
