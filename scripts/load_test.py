"""Load test: N concurrent real-browser sessions sign in as demo users and walk their pages.

Why a browser and not HTTP requests: a Streamlit page is a script run over a websocket per session, so the
cost that matters (one Python script run per view, per user, in the server process) only appears when a
real client drives the app. Each session signs in through the form, then clicks through the pages its role
may open, round after round, until the time is up. A page's render time is the time from the click to
Streamlit's "running" indicator disappearing (the script finished and the page is drawn).

Sessions sign in over ``--ramp`` seconds; walking starts for all of them together once every one has signed
in (or failed to), and each reads a page for ``--think`` seconds before the next click (0: click flat out).

Usage (against a server you started yourself, loopback only):
    python scripts/load_test.py http://127.0.0.1:8512 --sessions 20 --seconds 180 --pid <server pid>

Reports: page renders, median and p95 render time (overall and per page), errors (Streamlit exception
boxes, timeouts, failed sign-ins), and the server's resident memory (start, peak, end) sampled from
/proc/<pid>/status every 2 s. Exit status 1 when any error occurred or p95 exceeded --p95-target.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.roles import pages_for  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
#: demo users and their roles; sessions take them in turn
USERS = {"director": "director", "supervisor": "supervisor", "supervisor_c1": "supervisor", "officer": "officer",
         "auditor": "auditor", "admin": "admin"}
NAV_TITLES = {"overview": "NPL overview", "officers": "Officers", "my_record": "My assignments",
              "methods": "Collection methods", "assets": "Foreclosed assets", "early_warning": "Early warning",
              "decisions": "Reviews & decisions", "audit": "Audit trail", "admin": "Administration"}
RUNNING = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Results:
    renders: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    rss_kib: list[tuple[float, int]] = field(default_factory=list)


def rss_kib(pid: int) -> int | None:
    """Resident set size of the server process in KiB, from /proc (None when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


async def sample_memory(pid: int, results: Results, stop: asyncio.Event) -> None:
    start = time.monotonic()
    while not stop.is_set():
        value = rss_kib(pid)
        if value is not None:
            results.rss_kib.append((time.monotonic() - start, value))
        try:
            await asyncio.wait_for(stop.wait(), timeout=2)
        except asyncio.TimeoutError:
            pass


async def settle(page, timeout_ms: int) -> None:
    """Wait for the script run to finish: the status widget appears while running and goes away after."""
    await page.wait_for_timeout(150)
    await page.wait_for_function(RUNNING, timeout=timeout_ms)


@dataclass
class Start:
    """The walking starts together once every session has signed in (or failed to): the morning sign-in
    is measured on its own, then N sessions really browse at the same time."""

    sessions: int
    done: int = 0
    event: asyncio.Event = field(default_factory=asyncio.Event)

    def arrive(self) -> None:
        self.done += 1
        if self.done >= self.sessions:
            self.event.set()


async def session(browser, base: str, username: str, seconds: float, results: Results, timeout_ms: int,
                  number: int, start: Start, think_s: float) -> None:
    """Sign in, wait for the others, then walk the role's pages for ``seconds``, reading each for ``think_s``."""
    context = await browser.new_context(viewport={"width": 1366, "height": 900})
    page = await context.new_page()
    signed_in = False
    try:
        started = time.monotonic()
        try:
            await page.goto(base, timeout=timeout_ms)
            await page.get_by_label("Username", exact=True).fill(username, timeout=timeout_ms)
            await page.get_by_label("Password", exact=True).fill(f"{username}-demo")
            await page.get_by_role("button", name="Sign in").click()
            await page.get_by_text("Sign out", exact=True).wait_for(timeout=timeout_ms)
            await settle(page, timeout_ms)
            results.renders["(sign-in)"].append(time.monotonic() - started)
            signed_in = True
        finally:
            start.arrive()
        await start.event.wait()
        deadline = time.monotonic() + seconds
        sidebar = page.locator("[data-testid='stSidebarNav']")
        keys = pages_for(USERS[username])
        step = number  # sessions start on different pages so the server sees a mix
        while time.monotonic() < deadline:
            key = keys[step % len(keys)]
            step += 1
            clicked = time.monotonic()
            try:
                link = sidebar.get_by_text(NAV_TITLES[key], exact=True)
                if len(keys) == 1:
                    # a role with one page has no sidebar menu: re-run the page with Streamlit's "r" key
                    await page.locator("body").press("r")
                else:
                    await link.first.click(timeout=timeout_ms)
                await settle(page, timeout_ms)
            except Exception as problem:  # noqa: BLE001 - every failure is counted, the walk goes on
                results.errors.append(f"{username}#{number} {key}: {type(problem).__name__}: {str(problem)[:120]}")
                continue
            results.renders[key].append(time.monotonic() - clicked)
            if await page.locator("[data-testid='stException']").count():
                results.errors.append(f"{username}#{number} {key}: exception shown on the page")
            await page.wait_for_timeout(think_s * 1000)  # a person reads the page before the next click
    except Exception as problem:  # noqa: BLE001
        stage = "walk" if signed_in else "sign-in"
        results.errors.append(f"{username}#{number} {stage}: {type(problem).__name__}: {str(problem)[:120]}")
    finally:
        await context.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def report(results: Results, *, sessions: int, seconds: float, p95_target: float) -> bool:
    page_times = [v for key, values in results.renders.items() if key != "(sign-in)" for v in values]
    print(f"sessions: {sessions}, wall time: {seconds:.0f} s (sign-in + walking)")
    print(f"{'page':<16}{'renders':>8}{'median s':>10}{'p95 s':>8}{'max s':>8}")
    for key in sorted(results.renders):
        values = results.renders[key]
        print(f"{key:<16}{len(values):>8}{statistics.median(values):>10.2f}{percentile(values, .95):>8.2f}"
              f"{max(values):>8.2f}")
    ok = True
    if page_times:
        p95 = percentile(page_times, .95)
        print(f"{'ALL PAGES':<16}{len(page_times):>8}{statistics.median(page_times):>10.2f}{p95:>8.2f}"
              f"{max(page_times):>8.2f}")
        print(f"throughput: {len(page_times) / seconds:.2f} page renders/s over the wall time")
        ok = p95 <= p95_target
    else:
        ok = False
    print(f"errors: {len(results.errors)}")
    for line in results.errors[:20]:
        print(f"  {line}")
    if results.rss_kib:
        values = [v for _, v in results.rss_kib]
        print(f"server RSS MiB: start {values[0] / 1024:.0f}, peak {max(values) / 1024:.0f}, "
              f"end {values[-1] / 1024:.0f} ({len(values)} samples)")
    return ok and not results.errors


async def main_async(args) -> bool:
    from playwright.async_api import async_playwright

    results = Results()
    stop = asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        sampler = asyncio.create_task(sample_memory(args.pid, results, stop)) if args.pid else None
        begin = time.monotonic()
        names = list(USERS)
        tasks = []
        start = Start(args.sessions)
        for number in range(args.sessions):
            tasks.append(asyncio.create_task(session(browser, args.url.rstrip("/"), names[number % len(names)],
                                                     args.seconds, results, args.timeout * 1000, number, start,
                                                     args.think)))
            await asyncio.sleep(args.ramp / max(args.sessions, 1))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - begin
        stop.set()
        if sampler:
            await sampler
        await browser.close()
    return report(results, sessions=args.sessions, seconds=elapsed, p95_target=args.p95_target)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the running server, e.g. http://127.0.0.1:8512 (loopback only)")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20)")
    parser.add_argument("--seconds", type=float, default=120, help="how long each session walks (default 120)")
    parser.add_argument("--pid", type=int, default=None, help="server process id, to sample its memory")
    parser.add_argument("--timeout", type=float, default=120, help="seconds before one render counts as failed")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which sessions start (default 10)")
    parser.add_argument("--think", type=float, default=2.0,
                        help="seconds a session reads a page before its next click (default 2; 0 = flat out)")
    parser.add_argument("--p95-target", type=float, default=3.0, help="p95 render seconds counted as OK")
    args = parser.parse_args(argv)
    host = urlparse(args.url).hostname
    if host not in LOOPBACK:
        parser.error(f"only a loopback server may be load-tested (got {host!r})")
    if args.sessions < 1 or args.seconds <= 0:
        parser.error("--sessions and --seconds must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    return 0 if asyncio.run(main_async(parse(argv))) else 1


if __name__ == "__main__":
    sys.exit(main())
