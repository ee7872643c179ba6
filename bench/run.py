"""Benchmark: every page's server-side render time at one or more portfolio sizes, against the framework floor.

Why: the dashboard must stay fast from a county union (tens of thousands of loans) to a provincial one
(millions), because pages read pre-aggregates and bounded rows, never raw monthly rows. Absolute times
vary on shared machines, so the report is built on medians and ratios:

* each page run through ``streamlit.testing.v1.AppTest`` as a union-wide user (director; admin for the
  admin page; officer for my_record), cold (``st.cache_data`` cleared) and warm (caches kept);
* the framework floor: ``bench/floor_page.py`` drawing as many charts, metrics and tables as the page,
  from constants; warm / floor says how much the page costs beyond Streamlit itself;
* the read functions each page calls, timed directly (no Streamlit), the one-month aggregate rebuild,
  and peak memory (``ru_maxrss``) of this process;
* with several ``--loans`` sizes, each page's time at the largest size as a ratio to the smallest.

Run ``python bench/run.py --help``. The result is printed and written to docs/benchmarks.md (one section
per database engine, so a SQLite run and a PostgreSQL run sit side by side).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from sqlalchemy import Engine, create_engine, event, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from components.auth import SESSION_KEY  # noqa: E402
from data.db import make_engine, session_factory, upgrade_schema  # noqa: E402
from domain.roles import ADMIN, DIRECTOR, OFFICER, PAGE_ROLES  # noqa: E402

DEFAULT_URL = "sqlite:////tmp/npl-bench-{loans}x{months}.db"
COOKIE_KEY = "bench-cookie-key-0123456789-abcdefghijklmnop"
FLOOR_PAGE = ROOT / "bench" / "floor_page.py"
REPORT = ROOT / "docs" / "benchmarks.md"
PAGE_TIMEOUT_S = 900
#: the issue's targets (at 1,000,000 loans x 36 months on a 2-core machine)
WARM_FLOOR_RATIO_MAX = 1.5
COLD_MAX_S = 1.0
SCALE_RATIO_MAX = 1.3
REBUILD_MAX_S = 10.0
IMPORT_MAX_S = 60.0
IMPORT_MAX_MB = 1_024


#: --user: a demo user who opens every page their role may see (e.g. supervisor_c1, one cooperative)
USER: tuple[str, str] | None = None  # (username, role)


def user_for(page: str) -> str:
    """The union-wide demo user who opens a page: director where allowed, else admin / officer (or --user)."""
    roles = PAGE_ROLES[page]
    if USER is not None and USER[1] in roles:
        return USER[0]
    if DIRECTOR in roles:
        return "director"
    return "admin" if ADMIN in roles else "officer" if OFFICER in roles else sorted(roles)[0]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- databases ----------------------------------------------------------------------------------------------
def url_for(template: str, loans: int, months: int) -> str:
    return template.format(loans=loans, months=months)


def engine_name(url: str) -> str:
    return make_url(url).get_backend_name()


def ensure_database_exists(url: str) -> None:
    """PostgreSQL: CREATE DATABASE when missing (SQLite creates its file itself)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


@dataclass
class Generation:
    """How the demo generator did for one size (None when the database already held data)."""

    seconds: float | None
    peak_rss_mb: float | None
    summary: str


def generate_if_empty(url: str, loans: int, months: int) -> Generation:
    """Fill the database with ``python -m data.demo`` in a child process, measuring its time and peak RSS.

    A child process so its memory is its own (``os.wait4`` returns the child's rusage).
    """
    from data.demo import is_empty

    ensure_database_exists(url)
    engine = make_engine(url)
    try:
        upgrade_schema(engine)
        empty = is_empty(engine)
    finally:
        engine.dispose()
    if not empty:
        return Generation(None, None, "existing database (generator not run)")
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "data.demo", "--url", url, "--loans", str(loans),
                              "--months", str(months)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    output = child.stdout.read() if child.stdout else ""
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"demo generator failed for {loans} loans:\n{output}")
    return Generation(round(time.perf_counter() - started, 1), round(usage.ru_maxrss / 1024), output.strip())


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.scalar(text(f"SELECT COUNT(*) FROM {name}"))
                for name in ("loan", "loan_month", "assignment", "collection_action", "portfolio_month")}


# --- running pages -----------------------------------------------------------------------------------------
def point_app_at(url: str) -> None:
    """Aim the app's cached engine at ``url`` (what tests/apptest_support.point_app_at does)."""
    os.environ["DATABASE_URL"] = url
    os.environ["NPL_COOKIE_KEY"] = COOKIE_KEY
    st.cache_data.clear()
    st.cache_resource.clear()


_SESSIONS: dict[tuple[str, str], str] = {}


def _session_for(username: str) -> str:
    """A server-side session for ``username`` in the database the app points at (the app signs nobody in
    without one); started once per user and database, outside the timed run."""
    from data import sessions
    from data.db import make_engine, transaction
    from data.users import get_by_username

    url = os.environ["DATABASE_URL"]
    if (url, username) not in _SESSIONS:
        engine = make_engine(url)
        try:
            with transaction(engine) as session:
                user = get_by_username(session, username=username)
                _SESSIONS[url, username] = sessions.start(session, user_id=user.id) if user else "no-such-user"
        finally:
            engine.dispose()
    return _SESSIONS[url, username]


def run_page(path: Path, *, username: str | None, cold: bool) -> tuple[AppTest, float]:
    """One AppTest run of a page script as ``username``; returns the result and its wall time in seconds."""
    if cold:
        st.cache_data.clear()
    at = AppTest.from_file(str(path), default_timeout=PAGE_TIMEOUT_S)
    if username:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state[SESSION_KEY] = _session_for(username)
    at.session_state["lang"] = "en"
    at.session_state["entered_via_app"] = True
    started = time.perf_counter()
    at.run()
    return at, time.perf_counter() - started


def element_counts(at: AppTest) -> dict[str, int]:
    return {"charts": len(at.get("plotly_chart")), "metrics": len(at.metric), "frames": len(at.dataframe)}


@contextmanager
def recording_reads() -> Iterator[list[tuple[Callable[..., Any], dict[str, Any]]]]:
    """Record every ``store.read(fn, **kwargs)`` a page makes (pages look ``store.read`` up at call time)."""
    from components import store

    calls: list[tuple[Callable[..., Any], dict[str, Any]]] = []
    original = store.read

    def read(function, **arguments):
        calls.append((function, arguments))
        return original(function, **arguments)

    store.read = read
    try:
        yield calls
    finally:
        store.read = original


@contextmanager
def recording_statements() -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement sent by any engine (with its parameters), via before_cursor_execute."""
    statements: list[tuple[str, Any]] = []

    def before(_conn, _cursor, statement, parameters, _context, executemany):
        if not executemany:
            statements.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", before)


@dataclass
class PageResult:
    page: str
    user: str
    cold_s: float
    warm_s: float
    floor_s: float
    counts: dict[str, int]
    error: str | None
    reads: list[tuple[str, float]] = field(default_factory=list)  # (function with arguments, median seconds)

    @property
    def floor_ratio(self) -> float:
        return self.warm_s / self.floor_s if self.floor_s else float("nan")

    @property
    def read_total_s(self) -> float:
        return sum(seconds for _name, seconds in self.reads)


def _short(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "cooperative_ids"):
        return "union" if value.cooperative_ids is None and value.officer_id is None else "scoped"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_short(v) for v in value) + "]"
    return repr(value)


def describe_call(function: Callable[..., Any], arguments: dict[str, Any]) -> str:
    args = ", ".join(f"{k}={_short(v)}" for k, v in sorted(arguments.items()) if k not in ("scope", "actor"))
    return f"{function.__module__}.{function.__qualname__}({args})"


def time_reads(engine: Engine, calls: list[tuple[Callable[..., Any], dict[str, Any]]],
               repeats: int) -> list[tuple[str, float]]:
    """Each distinct read alone, through a plain session: what the database work costs without Streamlit."""
    seen: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {}
    for function, arguments in calls:
        seen.setdefault(describe_call(function, arguments), (function, arguments))
    timings = []
    for name, (function, arguments) in seen.items():
        samples = []
        for _ in range(repeats):
            with session_factory(engine)() as session:
                started = time.perf_counter()
                function(session, **arguments)
                samples.append(time.perf_counter() - started)
        timings.append((name, median(samples)))
    return sorted(timings, key=lambda item: -item[1])


def measure_floor(counts: dict[str, int], repeats: int) -> float:
    os.environ["BENCH_FLOOR_CHARTS"] = str(counts["charts"])
    os.environ["BENCH_FLOOR_METRICS"] = str(counts["metrics"])
    os.environ["BENCH_FLOOR_FRAMES"] = str(counts["frames"])
    run_page(FLOOR_PAGE, username=None, cold=False)  # warm-up: imports
    return median([run_page(FLOOR_PAGE, username=None, cold=False)[1] for _ in range(repeats)])


def measure_page(page: str, engine: Engine, repeats: int) -> PageResult:
    """Warm-up (recording the reads), then ``repeats`` x (cold run, warm run); medians."""
    user = user_for(page)
    path = ROOT / "pages" / f"{page}.py"
    with recording_reads() as calls:
        at, _ = run_page(path, username=user, cold=True)
    error = "; ".join(str(e.value)[:200] for e in at.exception) or None
    counts = element_counts(at)
    cold, warm = [], []
    for _ in range(repeats):
        cold.append(run_page(path, username=user, cold=True)[1])
        warm.append(run_page(path, username=user, cold=False)[1])
    floor = measure_floor(counts, repeats)
    return PageResult(page, user, median(cold), median(warm), floor, counts, error,
                      time_reads(engine, calls, repeats))


@dataclass
class ImportResult:
    """A monthly loan tape imported into the size's database (rolled back, so the data stays)."""

    rows: int
    megabytes: float
    seconds: float
    counts: dict[str, int]
    peak_rss_mb: float = 0.0  # of the importing process alone (bench/tape_import.py)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds


def measure_import(url: str, engine: Engine, rows: int) -> ImportResult:
    """Import a tape of ``rows`` rows for the newest month: that month's own rows (updates of known loans)
    repeated under new contract numbers up to the size (new loans), as bench/import_bench.py builds it.

    One run, validation included, in a process of its own (bench/tape_import.py: its peak RSS is the
    importer's) and a transaction that is rolled back, with the upload limit raised to 500 MB inside it.
    """
    from bench.tape_import import measure

    figures = measure(url, rows)
    return ImportResult(figures["rows"], figures["megabytes"], figures["import_s"], dict(figures["counts"]),
                        figures["peak_rss_mb"])


def measure_rebuild(engine: Engine, repeats: int) -> float:
    """data.aggregates.rebuild_month for the newest month, in a transaction rolled back (the data stays)."""
    from data.aggregates import rebuild_month
    from data.models import LoanMonth

    samples = []
    with session_factory(engine)() as session:
        month = session.scalar(select(func.max(LoanMonth.month)))
    for _ in range(repeats):
        with session_factory(engine)() as session:
            session.begin()
            started = time.perf_counter()
            rebuild_month(session, month)
            session.flush()
            samples.append(time.perf_counter() - started)
            session.rollback()
    return median(samples)


@dataclass
class SizeResult:
    loans: int
    months: int
    url: str
    generation: Generation
    rows: dict[str, int]
    pages: list[PageResult]
    rebuild_s: float
    rss_mb: float
    tape: ImportResult | None = None


def prepare(url: str, loans: int, months: int) -> tuple[Engine, Generation]:
    """Generate the data if needed, bring the schema to head (new indexes are built here, untimed), ANALYZE."""
    generation = generate_if_empty(url, loans, months)
    engine = make_engine(url)
    upgrade_schema(engine)
    if engine_name(url) == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return engine, generation


def measure_sizes(urls: list[str], sizes: list[int], months: int, pages: list[str],
                  repeats: int, tape_rows: int | None = None) -> list[SizeResult]:
    """Every page at every size, the sizes interleaved page by page.

    Interleaved so that a change of load on a shared machine hits both sizes of a page alike, which
    keeps the size ratio meaningful even when the absolute times drift.
    """
    prepared = [prepare(url, n, months) for url, n in zip(urls, sizes)]
    by_size: list[list[PageResult]] = [[] for _ in sizes]
    for page in pages:
        for k, (url, n) in enumerate(zip(urls, sizes)):
            print(f"  {n:>9,} loans: {page} ...", file=sys.stderr, flush=True)
            point_app_at(url)  # the warm-up run of measure_page absorbs the new engine
            by_size[k].append(measure_page(page, prepared[k][0], repeats))
    results = []
    for k, (url, n) in enumerate(zip(urls, sizes)):
        engine, generation = prepared[k]
        rebuild = measure_rebuild(engine, max(1, min(repeats, 3)))
        rows = table_counts(engine)
        print(f"  {n:>9,} loans: import of a {tape_rows or n:,}-row tape ...", file=sys.stderr, flush=True)
        tape = measure_import(url, engine, tape_rows or n) if tape_rows != 0 else None
        engine.dispose()
        results.append(SizeResult(n, months, url, generation, rows, by_size[k], rebuild, peak_rss_mb(), tape))
    return results


# --- the report ----------------------------------------------------------------------------------------------
def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


def render(sizes: list[SizeResult], *, engine: str, repeats: int) -> str:
    """The Markdown section for one engine: tables, then targets met / missed, stated plainly."""
    big, small = sizes[-1], sizes[0]
    title = engine if USER is None else f"{engine}, as {USER[0]} ({USER[1]})"
    lines = [f"## {title}", "",
             f"Run {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, median of {repeats} runs, "
             f"Python {sys.version.split()[0]}, Streamlit {st.__version__}.", ""]
    lines += ["### Data and generator", "", "| loans | months | loan_month rows | assignments | actions | "
              "generator s | generator peak RSS MB |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for s in sizes:
        g = s.generation
        lines.append(f"| {s.loans:,} | {s.months} | {s.rows['loan_month']:,} | {s.rows['assignment']:,} | "
                     f"{s.rows['collection_action']:,} | {g.seconds if g.seconds is not None else 'n/a'} | "
                     f"{g.peak_rss_mb if g.peak_rss_mb is not None else 'n/a'} |")
    for s in sizes:
        lines += ["", f"### Pages at {s.loans:,} loans x {s.months} months (ms)", "",
                  "| page | user | cold | warm | floor | warm / floor | charts | metrics | tables | reads alone | error |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for p in s.pages:
            c = p.counts
            lines.append(f"| {p.page} | {p.user} | {_ms(p.cold_s)} | {_ms(p.warm_s)} | {_ms(p.floor_s)} | "
                         f"{p.floor_ratio:.2f} | {c['charts']} | {c['metrics']} | {c['frames']} | "
                         f"{_ms(p.read_total_s)} | {p.error or ''} |")
    if len(sizes) > 1:
        lines += ["", f"### Scaling: {big.loans:,} / {small.loans:,} loans "
                      f"({big.loans / small.loans:.0f}x the data)", "",
                  "| page | cold ratio | warm ratio | reads-alone ratio |", "|---|---:|---:|---:|"]
        for p_big, p_small in zip(big.pages, small.pages):
            lines.append(f"| {p_big.page} | {p_big.cold_s / p_small.cold_s:.2f} | {p_big.warm_s / p_small.warm_s:.2f} | "
                         f"{p_big.read_total_s / max(p_small.read_total_s, 1e-9):.2f} |")
    lines += ["", f"### Slowest reads alone at {big.loans:,} loans (ms, plain session, no Streamlit)", "",
              "| page | read | ms |", "|---|---|---:|"]
    for p in big.pages:
        for name, seconds in p.reads[:4]:
            lines.append(f"| {p.page} | `{name}` | {_ms(seconds)} |")
    lines += ["", "### Other measures", "", "| measure | " + " | ".join(f"{s.loans:,} loans" for s in sizes) + " |",
              "|---|" + "---:|" * len(sizes),
              "| data.aggregates.rebuild_month, newest month (s) | " +
              " | ".join(f"{s.rebuild_s:.2f}" for s in sizes) + " |",
              "| peak RSS of the benchmark process after this size (MB) | " +
              " | ".join(f"{s.rss_mb:,.0f}" for s in sizes) + " |"]
    if any(s.tape for s in sizes):
        def tape(s: SizeResult, text: Callable[[ImportResult], str]) -> str:
            return text(s.tape) if s.tape else "n/a"

        lines += ["| monthly tape imported: rows (CSV MB) | " +
                  " | ".join(tape(s, lambda t: f"{t.rows:,} ({t.megabytes:,.0f})") for s in sizes) + " |",
                  "| monthly tape: import s, validation + write + aggregates | " +
                  " | ".join(tape(s, lambda t: f"{t.seconds:.1f}") for s in sizes) + " |",
                  "| monthly tape: rows per second | " +
                  " | ".join(tape(s, lambda t: f"{t.rows_per_s:,.0f}") for s in sizes) + " |",
                  "| monthly tape: peak RSS of the importing process (MB) | " +
                  " | ".join(tape(s, lambda t: f"{t.peak_rss_mb:,.0f}") for s in sizes) + " |",
                  "| monthly tape: loans created / month rows replaced | " +
                  " | ".join(tape(s, lambda t: f"{t.counts.get('loans_created', 0):,} / "
                                               f"{t.counts.get('month_rows_replaced', 0):,}") for s in sizes) + " |"]
    lines += ["", f"### Targets (stated for 1,000,000 loans; measured at {big.loans:,})", ""]
    warm_miss = [p.page for p in big.pages if not p.floor_ratio <= WARM_FLOOR_RATIO_MAX]
    cold_miss = [p.page for p in big.pages if not p.cold_s < COLD_MAX_S]
    lines.append(f"- warm render <= {WARM_FLOOR_RATIO_MAX}x floor: {_verdict(not warm_miss)}"
                 + (f" ({', '.join(warm_miss)})" if warm_miss else ""))
    lines.append(f"- cold render < {COLD_MAX_S:.0f} s: {_verdict(not cold_miss)}"
                 + (f" ({', '.join(f'{p.page} {p.cold_s:.2f} s' for p in big.pages if p.page in cold_miss)})"
                    if cold_miss else ""))
    if len(sizes) > 1:
        scale_miss = [p.page for p, q in zip(big.pages, small.pages) if not p.cold_s / q.cold_s <= SCALE_RATIO_MAX]
        lines.append(f"- cold render at {big.loans:,} <= {SCALE_RATIO_MAX}x its time at {small.loans:,}: "
                     f"{_verdict(not scale_miss)}" + (f" ({', '.join(scale_miss)})" if scale_miss else ""))
    else:
        lines.append("- scaling ratio: not measured (one size only; pass --loans 20000,1000000)")
    lines.append(f"- rebuild one month < {REBUILD_MAX_S:.0f} s: {_verdict(big.rebuild_s < REBUILD_MAX_S)} "
                 f"({big.rebuild_s:.2f} s)")
    if big.loans < 1_000_000:
        lines.append(f"- **the target size (1,000,000 loans) was not measured**: the largest run is {big.loans:,}.")
    if big.tape is None:
        lines.append("- import of a monthly tape: not measured (--tape-rows 0)")
    else:
        lines.append(f"- monthly tape of 1,000,000 loans imported < {IMPORT_MAX_S:.0f} s: "
                     + (f"{_verdict(big.tape.seconds < IMPORT_MAX_S)} ({big.tape.seconds:.1f} s)"
                        if big.tape.rows >= 1_000_000 else
                        f"not measured at that size (a {big.tape.rows:,}-row tape took {big.tape.seconds:.1f} s)"))
        lines.append(f"- importer's peak memory < {IMPORT_MAX_MB:,} MB: "
                     f"{_verdict(big.tape.peak_rss_mb < IMPORT_MAX_MB)} ({big.tape.peak_rss_mb:,.0f} MB)")
    return "\n".join(lines) + "\n"


def write_report(section: str, engine: str) -> None:
    """Replace this engine's section of docs/benchmarks.md (``engine`` may name a user too: 'sqlite:supervisor_c1'),
    keeping the others."""
    start, end = f"<!-- bench:{engine} -->", f"<!-- /bench:{engine} -->"
    block = f"{start}\n{section}{end}"
    existing = REPORT.read_text() if REPORT.exists() else ""
    header = ("# Benchmarks\n\nWritten by `python bench/run.py` (see its docstring and docs/explain.md). "
              "Times are medians on a shared machine: read the ratios, not the milliseconds.\n\n")
    if not existing.startswith("# Benchmarks"):
        existing = header
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text_out = pattern.sub(lambda _m: block, existing) if pattern.search(existing) else existing.rstrip() + "\n\n" + block
    REPORT.write_text(text_out.rstrip() + "\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", default="20000",
                        help="comma-separated sizes, smallest first, e.g. 20000,1000000 (default %(default)s)")
    parser.add_argument("--months", type=int, default=36, help="months of history (default %(default)s)")
    parser.add_argument("--url", default=DEFAULT_URL,
                        help="database URL; {loans} and {months} are filled in per size (default %(default)s). "
                             "A database that already holds data is used as it is.")
    parser.add_argument("--repeats", type=int, default=5, help="runs per measure; the median is kept")
    parser.add_argument("--pages", default=",".join(PAGE_ROLES), help="comma-separated page keys (default: all)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--tape-rows", type=int, default=None,
                        help="rows of the monthly tape imported at each size (default: the size's loans; 0: skip)")
    parser.add_argument("--user", default=None,
                        help="demo user for the pages their role may open, as username:role "
                             "(e.g. supervisor_c1:supervisor); default: director, admin, officer")
    parser.add_argument("--browser", action="store_true",
                        help="measure in Chromium instead (bench/browser.py): sign-in to the overview drawn, "
                             "navigation, JavaScript bytes; on the SQLite files of --url, --repeats runs each")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    global USER
    USER = tuple(args.user.split(":", 1)) if args.user else None
    sizes = [int(n) for n in args.loans.split(",")]
    pages = [p for p in args.pages.split(",") if p]
    unknown = set(pages) - set(PAGE_ROLES)
    if unknown:
        raise SystemExit(f"unknown pages: {', '.join(sorted(unknown))}")
    if len(sizes) > 1 and "{loans}" not in args.url:
        raise SystemExit("several --loans sizes need {loans} in --url (one database per size)")
    if args.browser:
        from bench import browser
        files = [make_url(url_for(args.url, n, args.months)).database or "" for n in sizes]
        return browser.main([a for f in files for a in ("--database", f)] + ["--runs", str(args.repeats)])
    results = measure_sizes([url_for(args.url, n, args.months) for n in sizes], sizes, args.months, pages,
                            args.repeats, args.tape_rows)
    engine = engine_name(results[0].url)
    section = render(results, engine=engine, repeats=args.repeats)
    print(section)
    if not args.no_write:  # a --user run has a section of its own beside the default users' one
        write_report(section, engine if USER is None else f"{engine}:{USER[0]}")
    print(json.dumps({"peak_rss_mb": round(peak_rss_mb())}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
