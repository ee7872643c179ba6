"""List the imports made, or withdraw one, from the command line (the same code as the admin page).

    python scripts/withdraw_import.py --list [--url DATABASE_URL]
    python scripts/withdraw_import.py BATCH --reason "TEXT" [--url DATABASE_URL]

Withdrawing puts the import's month back as it was before it (or removes the month when it was new),
removes the loans it created that nothing else uses, rebuilds the summaries, and writes one audit row as
the system admin. Exit status: 0 done, 1 refused (unknown or withdrawn import, a later import in force, no
reason; nothing written), 2 usage error.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.db import database_url, make_engine, transaction, upgrade_schema  # noqa: E402
from data.errors import ValidationError  # noqa: E402
from data.importer import system_actor, withdraw  # noqa: E402
from data.importer.batches import list_  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List imports, or withdraw one.")
    parser.add_argument("batch", type=int, nargs="?", help="the number of the import to withdraw")
    parser.add_argument("--reason", default="", help="why the import is withdrawn (required to withdraw)")
    parser.add_argument("--list", action="store_true", help="list the latest imports")
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or the demo SQLite file)")
    args = parser.parse_args(argv)
    if args.list == (args.batch is not None):
        parser.error("give either --list or the number of an import to withdraw")
    engine = make_engine(args.url or database_url())
    upgrade_schema(engine)
    try:
        with transaction(engine) as session:
            if args.list:
                print(list_(session, actor=system_actor()).to_string(index=False))
                return 0
            counts = withdraw(session, actor=system_actor(), batch_id=args.batch, reason=args.reason)
    except ValidationError as error:
        print(f"import {args.batch}: {error.key} {error.params or ''}".rstrip(), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"import {args.batch} withdrawn: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
