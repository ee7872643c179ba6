"""Benchmark (not a test): a union's whole history imported into an empty database, month by month.

    python bench/history_bench.py [--loans 20000] [--months 24] [--url sqlite:////tmp/union.db]

Generates a demo database (the union's "core banking system"), exports its reference data and its last
--months monthly tapes as CSV files (data.templates.tape.sample_frame, the admin page's sample), then imports
them into an EMPTY database the way a new union would: cooperatives, villages, officers, then every tape in one
call (data.importer.history, as scripts/import_data.py tape FILE... does). Prints the total and the median
month. The target (issue "A real union on its own data"): 24 months of a 20,000-loan union under 60 s on SQLite.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402
from sqlalchemy import select  # noqa: E402

from data.db import make_engine, session_factory, transaction, upgrade_schema  # noqa: E402
from data.importer import system_actor  # noqa: E402
from data.importer.history import import_history, plan  # noqa: E402
from data.importer.records import import_records  # noqa: E402
from data.models import Cooperative, Officer, Setting, Village  # noqa: E402
from data.portfolio import list_months  # noqa: E402
from data.templates.tape import sample_frame  # noqa: E402


def export(source_url: str, folder: Path, months: int) -> tuple[dict[str, Path], list[Path]]:
    """The source database's reference data and last ``months`` tapes as CSV files."""
    engine = make_engine(source_url)
    with session_factory(engine)() as s:
        coops = pd.DataFrame(s.execute(select(Cooperative.code, Cooperative.name)).all(),
                             columns=["cooperative_code", "name"])
        villages = pd.DataFrame(s.execute(select(Village.code, Village.name, Cooperative.code).join(
            Cooperative, Cooperative.id == Village.cooperative_id)).all(), columns=["village_code", "name",
                                                                                   "cooperative_code"])
        officers = pd.DataFrame(s.execute(select(Officer.employee_no, Officer.name, Cooperative.code, Officer.active)
                                          .join(Cooperative, Cooperative.id == Officer.cooperative_id)).all(),
                                columns=["employee_no", "name", "cooperative_code", "active"])
        officers["active"] = officers["active"].map({True: "yes", False: "no"})
        reference = {}
        for kind, frame in (("cooperatives", coops), ("villages", villages), ("officers", officers)):
            reference[kind] = folder / f"{kind}.csv"
            frame.to_csv(reference[kind], index=False)
        tapes, frames = [], []
        for month in list_months(s)[-months:]:
            frames.append((folder / f"tape-{month:%Y-%m}.csv", sample_frame(s, month, limit=10_000_000)))
        # a loan refinancing one closed before the window names a contract the new union never sees: the
        # importer refuses an unknown refinanced contract, so such links are left blank, as an export would
        known = set().union(*(set(frame.contract_no) for _, frame in frames))
        blanked = 0
        for path, frame in frames:
            unknown = (frame.refinances_contract != "") & ~frame.refinances_contract.isin(known)
            blanked += int(unknown.sum())
            frame.loc[unknown, "refinances_contract"] = ""
            frame.to_csv(path, index=False)
            tapes.append(path)
        print(f"refinancing links to loans before the window left blank: {blanked}")
    engine.dispose()
    return reference, tapes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--url", default=None, help="the EMPTY target database (default: a new SQLite file)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="history-bench-"))
    source = f"sqlite:///{folder}/source.db"
    engine = make_engine(source)
    upgrade_schema(engine)
    from data.demo import generate

    started = time.perf_counter()
    generate(engine, loans=args.loans, months=max(args.months, 24))
    engine.dispose()
    reference, tapes = export(source, folder, args.months)
    rows = sum(sum(1 for _ in open(t)) - 1 for t in tapes)
    print(f"source: {args.loans:,} loans generated and exported in {time.perf_counter() - started:.0f} s; "
          f"{len(tapes)} tapes, {rows:,} rows, {sum(t.stat().st_size for t in tapes) / 1e6:.1f} MB")

    target = make_engine(args.url or f"sqlite:///{folder}/union.db")
    upgrade_schema(target)
    with transaction(target) as s:  # the same upload limit as the source system's month files need
        s.merge(Setting(key="max_upload_mb", value="500"))
    started = time.perf_counter()
    for kind, path in reference.items():
        with transaction(target) as s:
            result = import_records(s, actor=system_actor(), kind=kind, data=path.read_bytes(), filename=path.name)
            assert result.written, result.errors.head()
    reference_seconds = time.perf_counter() - started
    months = plan([(t.name, t.read_bytes()) for t in tapes])
    per_month = []
    started = time.perf_counter()
    last = started
    for month_file, result in import_history(target, actor=system_actor(), months=months, allow_shrink=True):
        if not result.written:
            raise SystemExit(f"{month_file.label} refused:\n{result.errors.head(20)}")
        now = time.perf_counter()
        per_month.append(now - last)
        last = now
    total = time.perf_counter() - started
    print(f"reference data: {reference_seconds:.1f} s")
    print(f"{len(months)} months: {total:.1f} s in total, median month {statistics.median(per_month):.2f} s, "
          f"slowest {max(per_month):.2f} s ({rows / total:,.0f} rows/s); target 60 s: "
          f"{'met' if total < 60 else 'missed'}")
    target.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
