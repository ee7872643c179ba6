"""Browser benchmark: what a director waits for in Chromium, against a real app server.

Why: the server-side benchmark (bench/run.py) times a page's script; a person waits for more: the JavaScript
bundle (Streamlit's Plotly chunk alone is 4.7 MB), the websocket round trips, and the charts being laid out
in the browser. Measured here with Playwright on a copy of a given database (the source is never modified):

* **sign-in**: from the click on "Sign in" to every chart of the overview drawn (each plotly chart present
  with its SVG laid out, the script finished, nothing stale);
* **navigation**: from the click on a page's sidebar link to every chart of that page drawn;
* **JavaScript bytes** from opening the address to the overview drawn: as sent on the wire, decoded, and as a
  gzip-compressing reverse proxy would send them (docs/operations.md), plus the browser's main-thread time.

Each run starts the server afresh and opens a new browser context: **cold** is that first sign-in (empty read
caches, empty browser cache) and the first visit of each page; **warm** is the same browser signing in again
(its cache kept, as a returning user) on the now warm server, and visiting each page again. The median (p50)
of ``--runs`` runs is reported against the targets (sign-in < 3 s, any navigation < 1.5 s). With
``--proxy`` the browser goes through nginx with gzip on (docs/operations.md), when nginx is installed.

    python -m bench.browser --database /work/bench-data/g20000.db --database /tmp/browser/g200000.db
    python bench/run.py --browser --url sqlite:////tmp/browser/g200000.db --no-write
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from components.i18n import translate  # noqa: E402
from domain.roles import DIRECTOR, pages_for  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
USERNAME, PASSWORD = "director", "director-demo"
SIGN_IN_TARGET_S = 3.0
NAVIGATION_TARGET_S = 1.5
TIMEOUT_MS = 180_000
#: true once the page titled args[0] shows at least args[1] plotly charts, each laid out, and nothing is pending
DRAWN = """([title, expected]) => {
  const state = document.querySelector('[data-test-script-state]')?.getAttribute('data-test-script-state');
  if (state !== 'notRunning') return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || main.querySelector('[data-stale="true"]')) return false;
  if (![...main.querySelectorAll('h1')].some(h => h.textContent.trim().startsWith(title))) return false;
  const charts = main.querySelectorAll('[data-testid="stPlotlyChart"]');
  if (charts.length < expected) return false;
  for (const chart of charts) {  // laid out when shown; one in a hidden tab only needs its SVG
    const svg = chart.querySelector('.main-svg');
    // a chart below the first screen may be drawn only when scrolled to: what the reader sees is what counts
    if (!svg && chart.getBoundingClientRect().top > window.innerHeight) continue;
    if (!svg || (chart.offsetParent !== null && svg.getBoundingClientRect().width === 0)) return false;
  }
  return true;
}"""
NGINX_CONF = """worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
{gzip}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 86400;
    }}
  }}
}}
"""
#: the gzip settings docs/operations.md recommends (kept identical: the benchmark measures the documented setup)
NGINX_GZIP = """  gzip on;
  gzip_comp_level 6;
  gzip_min_length 1024;
  gzip_proxied any;
  gzip_vary on;
  gzip_types text/plain text/css application/javascript text/javascript application/json image/svg+xml;"""


@dataclass
class Bytes:
    """JavaScript downloaded while opening the app and signing in."""

    files: int = 0
    cached: int = 0  # of them, taken from the browser's cache (nothing downloaded)
    wire: int = 0  # received from the network, headers included (compressed when the server or proxy compressed)
    decoded: int = 0
    gzip: int = 0  # what gzip -6 (a reverse proxy's usual level) would have sent of the same files


@dataclass
class Result:
    database: str
    loans: int | None
    proxy: bool
    sign_in: dict[str, list[float]] = field(default_factory=lambda: {"cold": [], "warm": []})
    navigation: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # page -> cold/warm -> seconds
    main_thread: dict[str, list[float]] = field(default_factory=lambda: {"cold": [], "warm": []})
    server_cpu: dict[str, list[float]] = field(default_factory=lambda: {"cold": [], "warm": []})
    bytes_: dict[str, list[Bytes]] = field(default_factory=lambda: {"cold": [], "warm": []})
    charts: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------- servers
@contextmanager
def app_server(database: Path, port: int, log: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a loopback port; yields its URL once healthy, stops it afterwards."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "NPL_COOKIE_KEY": secrets.token_urlsafe(40)}
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    _SERVER_PIDS[url] = process.pid
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


#: URL -> process id of the app servers started here (their CPU time is read from /proc)
_SERVER_PIDS: dict[str, int] = {}


def server_cpu_s(url: str) -> float:
    """User + system CPU seconds the app server at ``url`` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{_SERVER_PIDS[url]}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_healthy(url: str, process: subprocess.Popen | None = None, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the server at {url} stopped (exit {process.returncode})")
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not start")


@contextmanager
def gzip_proxy(upstream: int, port: int, work: Path) -> Iterator[int]:
    """nginx in front of the app with the gzip settings of docs/operations.md; yields its port."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("--proxy needs nginx (apt-get install nginx-light)")
    folder = work / "nginx"
    folder.mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=folder, port=port, upstream=upstream, gzip=NGINX_GZIP))
    subprocess.run([nginx, "-c", str(conf), "-p", str(folder), "-g", "daemon on;"], check=True)
    try:
        yield port
    finally:
        pid = (folder / "nginx.pid").read_text().strip() if (folder / "nginx.pid").exists() else None
        if pid:
            subprocess.run(["kill", pid], check=False)


# ---------------------------------------------------------------------------------------------- browser
def title(page_key: str) -> str:
    return translate(f"nav.{page_key}", "en")


def drawn(page, page_key: str, expected: int) -> None:
    page.wait_for_function(DRAWN, arg=[title(page_key), expected], polling="raf", timeout=TIMEOUT_MS)


def _main_thread_s(cdp) -> float:
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics.get("TaskDuration", 0.0)


def sign_in(page, url: str, expected: int, cdp) -> tuple[float, float]:
    """Open the app, fill the form, click Sign in, then the overview's link (a sign-in lands on Today);
    (seconds from the click on Sign in to the overview drawn, main-thread seconds)."""
    page.goto(url)
    page.get_by_label("Username", exact=True).fill(USERNAME)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    idle(page)  # a click while the sign-in page still runs can be lost
    busy = _main_thread_s(cdp)
    started = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    drawn(page, "today", 0)  # a click on a link while Today still runs can be lost
    open_page(page, "overview")
    drawn(page, "overview", expected)
    return time.perf_counter() - started, _main_thread_s(cdp) - busy


def nav_link(page, page_key: str):
    """The page's sidebar link, found by its title: the first page (Today) is served at the root, so its address
    does not end in its key."""
    return page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=title(page_key)).first


def navigate(page, page_key: str, expected: int) -> float:
    """Click the page's sidebar link; seconds until its charts are drawn."""
    link = nav_link(page, page_key)
    link.wait_for(timeout=TIMEOUT_MS)
    started = time.perf_counter()
    open_page(page, page_key)
    drawn(page, page_key, expected)
    return time.perf_counter() - started


def _path_of(address: str) -> str:
    """'/overview' of 'http://host:port/overview?cooperative=2' ('/' for the first page, served at the root)."""
    from urllib.parse import urlsplit

    return urlsplit(address).path.rstrip("/") or "/"


def open_page(page, page_key: str, attempts: int = 5) -> None:
    """Click the page's sidebar link until the address shows it: a click that lands while the app reruns (the
    sign-in cookie being set, a page still drawing) is lost, and the benchmark then waited forever for a page that
    was never asked for. The time of a repeated click counts, as it would for a person."""
    for _ in range(attempts):
        nav_link(page, page_key).click()
        try:
            page.wait_for_url(lambda address: _path_of(address) in (f"/{page_key}", "/" if page_key == "today" else None),
                              timeout=5_000)
            return
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: the click was lost, click again
            continue
    raise SystemExit(f"the {page_key} page never opened from its sidebar link")


def idle(page) -> None:
    page.wait_for_function("() => document.querySelector('[data-test-script-state]')"
                           "?.getAttribute('data-test-script-state') === 'notRunning'", timeout=TIMEOUT_MS)


class Downloads:
    """JavaScript responses seen through the DevTools protocol: bytes received from the network (none for the
    browser's cache), decoded bytes, and what gzip -6 of the same file (Streamlit's static folder) weighs."""

    def __init__(self, cdp) -> None:
        self.urls: dict[str, str] = {}
        self.cached: set[str] = set()
        self.wire: dict[str, int] = {}
        self.decoded: dict[str, int] = {}
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event: dict) -> None:
        url = event["response"]["url"].split("?")[0]
        if url.endswith(".js"):
            self.urls[event["requestId"]] = url
            if event["response"].get("fromDiskCache") or event["response"].get("fromPrefetchCache"):
                self.cached.add(event["requestId"])

    def _data(self, event: dict) -> None:
        self.decoded[event["requestId"]] = self.decoded.get(event["requestId"], 0) + event["dataLength"]

    def _finished(self, event: dict) -> None:
        self.wire[event["requestId"]] = int(event["encodedDataLength"])

    def reset(self) -> None:
        for held in (self.urls, self.wire, self.decoded):
            held.clear()
        self.cached.clear()

    def total(self) -> Bytes:
        out = Bytes()
        for request_id, url in self.urls.items():
            out.files += 1
            if request_id in self.cached:
                out.cached += 1
                continue
            out.wire += self.wire.get(request_id, 0)
            out.decoded += self.decoded.get(request_id, 0)
            out.gzip += _gzip_size(url)
        return out


def _gzip_size(url: str) -> int:
    """gzip -6 of the static file behind a URL (read from Streamlit's package), 0 when it is not one."""
    if url not in _GZIP_SIZES:
        import streamlit

        path = Path(streamlit.__file__).parent / "static" / url.split("://", 1)[-1].split("/", 1)[-1]
        _GZIP_SIZES[url] = len(gzip.compress(path.read_bytes(), 6)) if path.is_file() else 0
    return _GZIP_SIZES[url]


_GZIP_SIZES: dict[str, int] = {}


def charts_by_page(database: Path, pages: list[str]) -> dict[str, int]:
    """How many plotly charts each page sends the director on this database (its script run once through
    AppTest, as bench/run.py does): what 'drawn' waits for in the browser. Counted on the server side, since a
    browser still loading the Plotly chunk shows none yet."""
    from bench import run as server_bench

    server_bench.point_app_at(f"sqlite:///{database}")
    counts = {}
    for page_key in pages:
        at, _ = server_bench.run_page(ROOT / "pages" / f"{page_key}.py", username=USERNAME, cold=True)
        if at.exception:
            raise SystemExit(f"the {page_key} page failed: {at.exception[0].value}")
        counts[page_key] = len(at.get("plotly_chart"))
    return counts


def run_once(browser, url: str, result: Result, pages: list[str], server: str) -> None:
    """One cold and one warm pass on a freshly started server (``server``: its own URL, for its CPU time)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    downloads = Downloads(cdp)
    for state in ("cold", "warm"):
        if state == "warm":
            context.clear_cookies()
        downloads.reset()
        cpu = server_cpu_s(server)
        seconds, busy = sign_in(page, url, result.charts["overview"], cdp)
        result.server_cpu[state].append(server_cpu_s(server) - cpu)
        result.sign_in[state].append(seconds)
        result.main_thread[state].append(busy)
        result.bytes_[state].append(downloads.total())
        b = result.bytes_[state][-1]
        print(f"    {state} sign-in {seconds:.2f} s (main thread {busy:.2f} s, server CPU "
              f"{result.server_cpu[state][-1]:.2f} s); JavaScript {b.files} files, "
              f"{b.cached} from cache, {b.wire / 1e6:.2f} MB received, {b.decoded / 1e6:.2f} MB decoded",
              file=sys.stderr, flush=True)
        for page_key in pages:
            if page_key == "overview":
                continue
            spent = navigate(page, page_key, result.charts[page_key])
            result.navigation.setdefault(page_key, {"cold": [], "warm": []})[state].append(spent)
            print(f"    {state} -> {page_key} {spent:.2f} s", file=sys.stderr, flush=True)
    context.close()


def loans_in(database: Path) -> int | None:
    import sqlite3

    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            return int(conn.execute("SELECT count(*) FROM loan").fetchone()[0])
    except sqlite3.Error:
        return None


def measure(database: Path, *, runs: int, port: int, proxy: bool, work: Path,
            pages: list[str] | None = None) -> Result:
    """Copy the database, then ``runs`` times: start the server, sign in cold and warm, visit every page
    (``pages``: the director's pages, overview first, or those given)."""
    from playwright.sync_api import sync_playwright

    copy = work / f"{database.stem}-browser.db"
    shutil.copy(database, copy)  # the app migrates and writes sign-ins: never into the given file
    result = Result(database=str(database), loans=loans_in(database), proxy=proxy)
    pages = pages or pages_for(DIRECTOR)
    result.charts = charts_by_page(copy, pages)
    print(f"  {database.name}: charts per page {result.charts}", file=sys.stderr)
    log = work / "server.log"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for n in range(1, runs + 1):
                with app_server(copy, port, log) as url, ExitStackIf(proxy, upstream=port, work=work) as proxied:
                    run_once(browser, f"http://127.0.0.1:{proxied}" if proxied else url, result, pages, url)
                print(f"  {database.name}: run {n} of {runs} done", file=sys.stderr)
        finally:
            browser.close()
    return result


@contextmanager
def ExitStackIf(proxy: bool, *, upstream: int, work: Path) -> Iterator[int | None]:  # noqa: N802 - reads as a with
    if not proxy:
        yield None
        return
    with gzip_proxy(upstream, upstream + 1, work) as port:
        _wait_healthy(f"http://127.0.0.1:{port}")
        yield port


# ---------------------------------------------------------------------------------------------- report
def p50(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def mark(seconds: float, target: float) -> str:
    return "met" if seconds < target else "**missed**"


def render(results: list[Result], runs: int) -> str:
    lines = [f"### In the browser (Chromium, p50 of {runs} runs)", "",
             "From the click on Sign in to every chart of the overview drawn, and from a sidebar click to every "
             "chart of the page drawn (bench/browser.py; cold: fresh server and empty browser cache, warm: the "
             "same browser again on the warm server).", ""]
    for r in results:
        size = f"{r.loans:,} loans" if r.loans else Path(r.database).name
        via = " via nginx gzip" if r.proxy else ""
        lines += [f"#### {size}{via}", "", "| measure | cold p50 s | warm p50 s | target | cold | warm |",
                  "|---|---:|---:|---:|---|---|"]
        cold, warm = p50(r.sign_in["cold"]), p50(r.sign_in["warm"])
        lines.append(f"| sign-in → overview drawn ({r.charts.get('overview', 0)} charts) | {cold:.2f} | {warm:.2f} | "
                     f"< {SIGN_IN_TARGET_S:g} | {mark(cold, SIGN_IN_TARGET_S)} | {mark(warm, SIGN_IN_TARGET_S)} |")
        for page_key, times in r.navigation.items():
            cold, warm = p50(times["cold"]), p50(times["warm"])
            lines.append(f"| → {page_key} ({r.charts.get(page_key, 0)} charts) | {cold:.2f} | {warm:.2f} | "
                         f"< {NAVIGATION_TARGET_S:g} | {mark(cold, NAVIGATION_TARGET_S)} | "
                         f"{mark(warm, NAVIGATION_TARGET_S)} |")
        lines += ["", "| JavaScript, opening the app to the overview drawn | files (from cache) | on the wire | "
                      "decoded | gzip -6 would send | browser main thread p50 s | server CPU p50 s |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for state in ("cold", "warm"):
            b = r.bytes_[state][len(r.bytes_[state]) // 2] if r.bytes_[state] else Bytes()
            lines.append(f"| {state} | {b.files} ({b.cached}) | {b.wire / 1e6:.2f} MB | {b.decoded / 1e6:.2f} MB | "
                         f"{b.gzip / 1e6:.2f} MB | {p50(r.main_thread[state]):.2f} | {p50(r.server_cpu[state]):.2f} |")
        lines.append("")
    return "\n".join(lines)


def as_json(results: list[Result]) -> str:
    return json.dumps([{"database": r.database, "loans": r.loans, "proxy": r.proxy, "charts": r.charts,
                        "sign_in": r.sign_in, "navigation": r.navigation, "main_thread": r.main_thread,
                        "server_cpu": r.server_cpu,
                        "bytes": {s: [vars(b) for b in v] for s, v in r.bytes_.items()}} for r in results])


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", action="append", type=Path, required=True,
                        help="a SQLite database file (copied; repeat for several sizes)")
    parser.add_argument("--runs", type=int, default=3, help="runs per database; the median is kept (default 3)")
    parser.add_argument("--port", type=int, default=8621, help="app server port (nginx: the next one)")
    parser.add_argument("--proxy", action="store_true", help="through nginx with gzip (docs/operations.md)")
    parser.add_argument("--json", type=Path, default=None, help="also write every measurement here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    for database in args.database:
        if not database.exists():
            raise SystemExit(f"no such database: {database}")
    with tempfile.TemporaryDirectory(prefix="npl-browser-bench-") as folder:
        results = [measure(d, runs=args.runs, port=args.port, proxy=args.proxy, work=Path(folder))
                   for d in args.database]
    print(render(results, args.runs))
    if args.json:
        args.json.write_text(as_json(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
