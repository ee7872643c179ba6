"""Mail every user their Today items (the daily digest), for a cron job; see docs/operations.md.

    python scripts/send_digest.py [--dry-run] [--user NAME] [--url DATABASE_URL] [--day YYYY-MM-DD]

Recipients: active users with an e-mail address who did not opt out on their profile. Each gets only the
items of their own scope, in their own language. The mail server comes from NPL_SMTP_HOST, NPL_SMTP_PORT,
NPL_SMTP_SECURITY (none|starttls|tls), NPL_SMTP_USER, NPL_SMTP_PASSWORD, NPL_MAIL_FROM; links point at
NPL_PUBLIC_URL. --dry-run prints the messages instead of sending them and writes nothing.
Exit status: 0 all sent, 1 some recipient failed (logged; the others were sent), 2 bad settings or arguments.
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components.format import money  # noqa: E402
from components.i18n import LANGUAGES, translate  # noqa: E402
from data import digest  # noqa: E402
from data.db import database_url, make_engine, upgrade_schema  # noqa: E402


def text_in(language: str):
    """The translate function of a user's language (English when it is not one the app ships)."""
    language = language if language in LANGUAGES else "en"
    return lambda key, **values: translate(key, language, **values)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mail every user their Today items.")
    parser.add_argument("--dry-run", action="store_true", help="print the messages; send and write nothing")
    parser.add_argument("--user", default=None, help="only this username")
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or the demo SQLite file)")
    parser.add_argument("--day", default=None, help="the day the items are worked out for (default: today)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    try:
        config = digest.MailConfig.from_env(need_server=not args.dry_run)
        day = dt.date.fromisoformat(args.day) if args.day else dt.date.today()
    except ValueError as problem:
        print(f"send_digest: {problem}", file=sys.stderr)
        return 2
    engine = make_engine(args.url or database_url())
    try:
        upgrade_schema(engine)
        counts = digest.run(engine, config=config, day=day, text=text_in, money=money, dry_run=args.dry_run,
                            username=args.user)
    finally:
        engine.dispose()
    if args.user and counts.recipients == 0:
        print(f"send_digest: {args.user} is not an active user with an e-mail address who takes the digest",
              file=sys.stderr)
        return 2
    verb = "prepared" if args.dry_run else "sent"
    print(f"{counts.recipients} recipient(s): {counts.sent} {verb}, {counts.failed} failed"
          + (f" ({', '.join(counts.failed_users)})" if counts.failed_users else ""))
    return 1 if counts.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
