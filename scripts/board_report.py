"""Write the monthly board report PDF from the command line (the same figures as the overview button).

    python scripts/board_report.py --month YYYY-MM [--cooperative CODE] [--lang en|es|zh] [--out FILE] [--url URL]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from components.i18n import LANGUAGES, translate  # noqa: E402
from data import settings  # noqa: E402
from data.board_report import FontMissing, build_pdf  # noqa: E402
from data.db import database_url, make_engine, session_factory, upgrade_schema  # noqa: E402
from data.models import Cooperative  # noqa: E402
from domain.scope import Scope  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the monthly board report (PDF).")
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--cooperative", default=None, help="a cooperative code (default: the whole union)")
    parser.add_argument("--lang", choices=sorted(LANGUAGES), default="en")
    parser.add_argument("--out", type=Path, default=None, help="output file (default board-report-YYYY-MM.pdf)")
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or the demo SQLite file)")
    args = parser.parse_args(argv)
    month = dt.datetime.strptime(args.month, "%Y-%m").date()
    engine = make_engine(args.url or database_url())
    upgrade_schema(engine)

    def text(key: str, **values: object) -> str:
        return translate(key, args.lang, **values)

    with session_factory(engine)() as session:
        scope, name = Scope.union(), text("frame.union")
        if args.cooperative:
            coop = session.scalar(select(Cooperative).where(Cooperative.code == args.cooperative))
            if coop is None:
                print(f"unknown cooperative code: {args.cooperative}", file=sys.stderr)
                return 2
            scope, name = Scope.cooperative(coop.id), coop.name
        try:
            pdf = build_pdf(session, scope=scope, month=month, text=text,
                            label=lambda vocabulary, code: text(f"{vocabulary}.{code}"),
                            symbol=settings.get(session).currency_symbol, scope_name=name, lang=args.lang)
        except FontMissing:
            print(text("report.font_missing"), file=sys.stderr)
            return 3
    engine.dispose()
    out = args.out or Path(f"board-report-{args.month}.pdf")
    out.write_bytes(pdf)
    print(f"wrote {out} ({len(pdf):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
