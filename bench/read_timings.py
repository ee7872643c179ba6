"""The reads of chosen pages alone, per user, with one cold render each: a quick loop for tuning reads.

Why: bench/run.py measures every page cold, warm and against the floor, which takes many minutes at
1,000,000 loans; tuning one read needs only its own time. This renders each page once with empty caches
through AppTest as each user (recording its ``store.read`` calls, as bench/run.py does), then times every
read alone through a plain session (median of ``--repeats``).

    python bench/read_timings.py --url sqlite:////tmp/x.db --pages officers,overview \\
        --users director:director,supervisor_c1:supervisor
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402
from data.db import make_engine  # noqa: E402


def time_summaries(engine) -> None:
    """Each summary's full rebuild, in a transaction rolled back: what an import or a setting change adds."""
    import time

    from data import summaries
    from data.db import session_factory

    for name, rebuild in (("refresh_recovered (all assignments)", summaries.refresh_recovered),
                          ("refresh_recovery_months (all months)", summaries.refresh_recovery_months),
                          ("rebuild_vintages", summaries.rebuild_vintages),
                          ("rebuild_evergreen_pairs", summaries.rebuild_evergreen_pairs)):
        with session_factory(engine)() as session:
            session.begin()
            started = time.perf_counter()
            rebuild(session)
            session.flush()
            print(f"summary {name:40} {time.perf_counter() - started:7.2f} s")
            session.rollback()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/read_timings.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--pages", default="overview,officers,methods,early_warning")
    parser.add_argument("--users", default="director:director", help="comma-separated username:role")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--summaries", action="store_true",
                        help="also time each full rebuild of data/summaries.py (rolled back)")
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    if args.summaries:
        time_summaries(engine)
    run.point_app_at(args.url)
    for user in args.users.split(","):
        run.USER = tuple(user.split(":", 1))
        for page in args.pages.split(","):
            username = run.user_for(page)
            with run.recording_reads() as calls:
                at, cold = run.run_page(run.ROOT / "pages" / f"{page}.py", username=username, cold=True)
            errors = "; ".join(str(e.value)[:200] for e in at.exception)
            reads = run.time_reads(engine, calls, args.repeats)
            print(f"{page:14} {username:14} cold render {cold * 1000:7,.0f} ms   reads alone "
                  f"{sum(s for _, s in reads) * 1000:7,.0f} ms {errors}")
            for name, seconds in reads[:6]:
                print(f"    {seconds * 1000:7,.0f}  {name}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
