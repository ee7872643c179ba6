"""Benchmark (not a test): validate and import a 100,000-row loan tape built from a demo database.

    python bench/import_bench.py [--rows 100000] [--url sqlite:////tmp/bench.db]

Builds a fresh demo database (unless --url points at one), takes its last month's rows as a pattern and
repeats them under new contract numbers up to --rows, then times: validation alone (dry run), the first
import (loans created) and a re-import of the same month (idempotent replace). Prints rows/second.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from data.db import make_engine, session_factory, transaction, upgrade_schema  # noqa: E402
from data.templates.tape import sample_frame  # noqa: E402
from data.importer import import_tape, system_actor  # noqa: E402
from data.models import LoanMonth  # noqa: E402


def build_tape(url: str, rows: int) -> tuple[bytes, dt.date]:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        month = session.scalar(select(func.max(LoanMonth.month)))
        pattern = sample_frame(session, month, limit=1_000_000)
    engine.dispose()
    copies = -(-rows // len(pattern))
    frames = []
    for copy in range(copies):
        frame = pattern.copy()
        if copy:  # new contracts with balances of their own, so no two rows share an amount text
            frame["contract_no"] = [f"BX{copy:03d}-{c}" for c in frame.contract_no]
            frame["outstanding"] = [f"{float(v.replace(',', '')) + copy / 100:,.2f}" for v in frame.outstanding]
        frames.append(frame)
    import pandas as pd

    tape = pd.concat(frames, ignore_index=True).head(rows)
    return tape.to_csv(index=False).encode("utf-8"), month


def timed(url: str, data: bytes, month: dt.date, *, dry_run: bool) -> tuple[float, dict]:
    engine = make_engine(url)
    started = time.perf_counter()
    with transaction(engine) as session:
        result = import_tape(session, actor=system_actor(), data=data, filename="bench.csv", month=month,
                             dry_run=dry_run, allow_shrink=True)
    elapsed = time.perf_counter() - started
    engine.dispose()
    if not result.ok:
        raise SystemExit(f"the benchmark tape has errors:\n{result.errors.head(20)}")
    return elapsed, result.counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--url", default=None)
    parser.add_argument("--loans", type=int, default=3_000, help="size of the generated demo database")
    args = parser.parse_args()
    url = args.url
    if url is None:
        from data.demo import generate

        url = f"sqlite:///{tempfile.mkdtemp(prefix='import-bench-')}/bench.db"
        engine = make_engine(url)
        upgrade_schema(engine)
        generate(engine, loans=args.loans)
        engine.dispose()
    data, month = build_tape(url, args.rows)
    print(f"tape: {args.rows:,} rows, {len(data) / 1e6:.1f} MB, month {month:%Y-%m}, database {url}")
    for label, dry_run in (("validation only", True), ("first import", False), ("re-import", False)):
        seconds, counts = timed(url, data, month, dry_run=dry_run)
        print(f"{label:16s} {seconds:7.1f} s  {args.rows / seconds:10,.0f} rows/s  {counts or ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
