"""Benchmark (not a test): one monthly loan tape imported in a process of its own, with its peak memory.

    python bench/tape_import.py --url sqlite:////tmp/g1000000.db --rows 1000000 [--tape /tmp/tape-1m.csv]
    python bench/tape_import.py --url ... --rebuild          # also time data.aggregates.rebuild_month alone

Why a process of its own: bench/run.py imports the tape in the process that built it and ran every page,
so its peak RSS says nothing about the importer. Here the tape is built once (bench/import_bench.build_tape:
the newest month's own rows, repeated under new contract numbers up to --rows) and kept as a CSV file; then a
child process reads the file and imports it (validation + write + summaries, in a transaction rolled back,
so the database stays as it was) and reports wall time, rows per second, its own peak RSS and CPU seconds (the CPU time of this process, the
reading, checking and SQLite's work; PostgreSQL's server time is not in it). Run it
several times and quote the median with the machine's load: the machine is shared.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def own_peak_rss_kib() -> int:
    """This process's peak resident memory since its exec (Linux VmHWM). Not ru_maxrss: Linux carries a parent's
    high-water mark into the child it forks, so a child of the benchmark process (which built the tape in memory)
    reported the parent's peak, not its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def build(url: str, rows: int, path: Path) -> str:
    """Write the tape to ``path`` unless it is there already; returns its month (YYYY-MM-DD)."""
    from bench.import_bench import build_tape

    meta = path.with_suffix(".month")
    if path.exists() and meta.exists():
        return meta.read_text().strip()
    data, month = build_tape(url, rows)
    path.write_bytes(data)
    meta.write_text(month.isoformat())
    return month.isoformat()


def child(url: str, path: Path, month: str, rebuild: bool) -> dict:
    """Import the tape in this process (rolled back) and say how long it took and how much memory it used."""
    import datetime as dt

    from sqlalchemy import func, select

    from data.db import make_engine, session_factory
    from data.importer import import_tape, system_actor
    from data.models import LoanMonth, Setting

    engine = make_engine(url)
    out: dict = {}
    data = path.read_bytes()
    with session_factory(engine)() as session:
        session.begin()
        session.merge(Setting(key="max_upload_mb", value="500"))
        session.flush()
        started = time.perf_counter()
        result = import_tape(session, actor=system_actor(), data=data, filename="bench.csv",
                             month=dt.date.fromisoformat(month), allow_shrink=True)
        session.flush()
        out["import_s"] = round(time.perf_counter() - started, 2)
        session.rollback()
    if not result.ok:
        raise SystemExit(f"the benchmark tape has errors:\n{result.errors.head(20)}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out.update(rows=result.rows, rows_per_s=round(result.rows / out["import_s"]), counts=result.counts,
               peak_rss_mb=round(own_peak_rss_kib() / 1024), cpu_s=round(usage.ru_utime + usage.ru_stime, 1))
    if rebuild:
        from data.aggregates import rebuild_month

        with session_factory(engine)() as session:
            newest = session.scalar(select(func.max(LoanMonth.month)))
        with session_factory(engine)() as session:
            session.begin()
            started = time.perf_counter()
            rebuild_month(session, newest)
            session.flush()
            out["rebuild_month_s"] = round(time.perf_counter() - started, 2)
            session.rollback()
    engine.dispose()
    return out


def measure(url: str, rows: int) -> dict:
    """Build a tape of ``rows`` rows from the database at ``url`` and import it once in a child process (rolled
    back); returns the child's figures and the tape's size. bench/run.py reports these."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="npl-tape-") as folder:
        path = Path(folder) / "tape.csv"
        month = build(url, rows, path)
        command = [sys.executable, __file__, "--url", url, "--tape", str(path), "--child", month]
        line = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
        return {**json.loads(line), "megabytes": round(path.stat().st_size / 1e6, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tape", default=None, help="CSV file of the tape (built when missing)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true", help="also time rebuild_month of the newest month")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.url, Path(args.tape), args.child, args.rebuild)))
        return 0
    path = Path(args.tape or f"/tmp/tape-{args.rows}.csv")
    month = build(args.url, args.rows, path)
    for _ in range(args.repeats):
        load = os.getloadavg()[0]
        command = [sys.executable, __file__, "--url", args.url, "--tape", str(path), "--child", month]
        if args.rebuild:
            command.append("--rebuild")
        line = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
        print(json.dumps({**json.loads(line), "load_before": round(load, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
