"""Two app servers on one PostgreSQL: supervisors and directors on both record and decide decisions at once.

Why: the deployment runs several stateless ``streamlit run app.py`` processes behind a sticky proxy, all
on one PostgreSQL (docs/operations.md). The claim to check is that no write is lost or doubled when users on
different processes act at the same moment: every proposal stored exactly once with its exact text, every
approval recorded once with its audit row, and two directors approving *the same* pending decision on two
servers at the same instant giving one approval and one clean refusal (never two approvals, never a
traceback).

The scenario (real Chromium sessions driven with Playwright's async API, so they really overlap):

1. four sessions sign in at once: ``supervisor`` and ``director`` on server A, ``supervisor_c1`` and
   ``director2`` (a second union director the script adds when missing) on server B;
2. both supervisors propose ``--proposals`` warnings each, concurrently, from the decisions page (each
   reason carries a run tag, HTML and an SQL fragment, and must come back byte for byte);
3. for ``--contested`` of the new decisions, both directors open the same decision, type a comment, and
   press Approve on their own server at the same instant: one must win, the other must be refused with
   the app's "someone else decided this" or "no longer pending" message;
4. the remaining decisions are decided across servers at once (director on A decides what was proposed on
   B and the other way round; director2 rejects one);
5. the database is read back: decisions, their statuses and deciders, and the audit rows per decision.

Usage (loopback servers only; the script WRITES decisions, so use a demo or staging database):

    # drop/re-create a PostgreSQL database, fill it with a small demo, start two servers on it, run:
    python scripts/two_servers.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/npl_two_servers --fresh

    # or against two servers you started yourself on the same database (same NPL_COOKIE_KEY):
    python scripts/two_servers.py --database-url <their DATABASE_URL> --urls http://127.0.0.1:8501 http://127.0.0.1:8502

Prints the counts (proposals, approvals, rejections, refusals, audit rows per decision) and PASS or FAIL;
exit status 0 on PASS, 1 on FAIL. ``tests/test_two_servers.py`` runs the same scenario in the test suite.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from data.db import make_engine, transaction, upgrade_schema  # noqa: E402
from data.models import AppUser, AuditLog, Decision, Officer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
COOKIE_NAME = "npl_oversight_auth"  # components.auth.COOKIE_NAME
#: the second director the scenario needs (the demo has one); password policy: 10+ characters, letters and digits
SECOND_DIRECTOR = "director2"
#: who acts on which server (index 0 = server A, 1 = server B)
SUPERVISORS = ("supervisor", "supervisor_c1")
DIRECTORS = ("director", SECOND_DIRECTOR)
SERVER_NAMES = ("A", "B")
#: what the app shows (English UI, locales/en/LC_MESSAGES/messages.po)
PROPOSED = "Proposal recorded as pending"
APPROVED_TEXT = "Decision approved."
REJECTED_TEXT = "Decision rejected."
REFUSALS = {"changed_meanwhile": "someone else decided this decision a moment ago",
            "not_pending": "this decision is no longer pending"}
#: a reason with markup and an SQL fragment: it must be stored and read back exactly as typed
REASON = "two-servers {tag} {server}{number}: deadline missed on <b>two</b> loans'; DROP TABLE decision;--"
SCRIPT_DONE = ("() => document.querySelector('[data-test-script-state]')?.getAttribute('data-test-script-state')"
               " === 'notRunning'")
OUTCOME = ("[data-testid='stAlertContentSuccess'], [data-testid='stAlertContentError'], "
           "[data-testid='stException']")


def password(username: str) -> str:
    return f"{username}-demo"


# --------------------------------------------------------------------------------------------- results
@dataclass
class Step:
    """One click in one browser session and what the page answered."""

    server: str
    username: str
    action: str  # propose / approve / reject
    decision_id: int | None
    result: str  # done / refused / error
    message: str
    seconds: float
    reason: str = ""

    @property
    def refusal(self) -> str | None:
        """Which clean refusal the page showed (a key of REFUSALS), if any."""
        return next((key for key, words in REFUSALS.items() if words in self.message), None)


@dataclass
class Report:
    urls: tuple[str, str]
    tag: str
    steps: list[Step] = field(default_factory=list)
    contested: dict[int, list[Step]] = field(default_factory=dict)
    decisions: dict[int, dict] = field(default_factory=dict)  # id -> status, reason, proposed_by, decided_by
    audit: dict[int, Counter] = field(default_factory=dict)  # id -> Counter(action)
    audit_users: dict[tuple[int, str], list[str]] = field(default_factory=dict)  # (id, action) -> usernames
    reasons_found: dict[str, int] = field(default_factory=dict)  # reason typed -> rows holding it exactly
    problems: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)  # phase -> wall seconds
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def of(self, action: str, result: str | None = None) -> list[Step]:
        return [s for s in self.steps if s.action == action and (result is None or s.result == result)]


# --------------------------------------------------------------------------------------------- database
def fresh_database(url: str, *, loans: int = 1500, months: int = 24, seed: int = 11,
                   end_month: dt.date = dt.date(2026, 10, 1), cooperatives: int = 4, officers: int = 24) -> None:
    """Drop and re-create the PostgreSQL database of ``url`` (from the server's ``postgres`` database, in
    AUTOCOMMIT), migrate it and fill it with a small demo plus the second director."""
    from data.demo import generate

    target = make_url(url)
    name = target.database or ""
    if target.get_backend_name() != "postgresql":
        raise SystemExit("--fresh needs a PostgreSQL URL")
    if name in {"", "postgres", "test"} or name.startswith("template"):
        raise SystemExit(f"refusing to drop the database {name!r}: name a database of its own")
    maintenance = make_engine(target.set(database="postgres").render_as_string(hide_password=False))
    try:
        with maintenance.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        maintenance.dispose()
    engine = make_engine(url)
    try:
        upgrade_schema(engine)
        generate(engine, loans=loans, months=months, seed=seed, end_month=end_month, cooperatives=cooperatives,
                 officers=officers)
        ensure_second_director(engine)
    finally:
        engine.dispose()


def ensure_second_director(engine: Engine) -> None:
    """Add ``director2`` (union director, password ``director2-demo``) through the audited users command."""
    from data import users
    from data.importer import system_actor

    with transaction(engine) as s:
        if users.get_by_username(s, username=SECOND_DIRECTOR) is None:
            users.create(s, actor=system_actor(), username=SECOND_DIRECTOR, display_name="Second Director",
                         password=password(SECOND_DIRECTOR), role="director", cooperative_id=None)


def officers_for(engine: Engine) -> dict[str, list[str]]:
    """Employee numbers of the active officers each supervisor proposes about: supervisor_c1's cooperative;
    the union supervisor takes the other cooperatives' officers, so the two servers write about different
    officers."""
    with transaction(engine) as s:
        users = {u.username: u for u in s.scalars(select(AppUser).where(AppUser.username.in_(
            SUPERVISORS + DIRECTORS)))}
        missing = [name for name in SUPERVISORS + DIRECTORS if name not in users]
        if missing:
            raise SystemExit(f"users missing from the database: {', '.join(missing)} (use a demo database)")
        rows = s.execute(select(Officer.employee_no, Officer.cooperative_id).where(Officer.active.is_(True))
                         .order_by(Officer.employee_no)).all()
        own = users["supervisor_c1"].cooperative_id
    mine = [number for number, coop in rows if coop == own]
    others = [number for number, coop in rows if coop != own] or mine
    return {"supervisor": others, "supervisor_c1": mine}


def read_back(engine: Engine, report: Report, reasons: list[str]) -> None:
    """The run's decisions and their audit rows, straight from the database."""
    with transaction(engine) as s:
        names = dict(s.execute(select(AppUser.id, AppUser.username)).all())
        rows = s.scalars(select(Decision).where(Decision.reason.like(f"two-servers {report.tag} %"))).all()
        for d in rows:
            report.decisions[d.id] = {"status": d.status, "reason": d.reason, "proposed_by": names[d.proposed_by_id],
                                      "decided_by": names.get(d.decided_by_id)}
        ids = [str(i) for i in report.decisions]
        for entity_id, action, username in s.execute(
                select(AuditLog.entity_id, AuditLog.action, AuditLog.username)
                .where(AuditLog.entity == "decision", AuditLog.entity_id.in_(ids))):
            report.audit.setdefault(int(entity_id), Counter())[action] += 1
            report.audit_users.setdefault((int(entity_id), action), []).append(username)
        for reason in reasons:
            report.reasons_found[reason] = int(s.scalar(select(func.count()).select_from(Decision)
                                                        .where(Decision.reason == reason)))


# --------------------------------------------------------------------------------------------- servers
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def app_server(database_url: str, cookie_key: str, log: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port; yields its base URL, stops it afterwards."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "NPL_COOKIE_KEY": cookie_key}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server on port {port} did not start; see {log}") from None
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------------------------- browser
async def settle(page, timeout_ms: int) -> None:
    """Wait until Streamlit has finished the script run of this view."""
    await page.wait_for_timeout(300)
    await page.wait_for_function(SCRIPT_DONE, timeout=timeout_ms)
    await page.wait_for_timeout(300)


class SignInFailed(RuntimeError):
    pass


async def sign_in(browser, base: str, username: str, timeout_ms: int, attempts: int = 2):
    """A fresh browser context signed in as ``username``; SignInFailed tells what the page showed instead.

    Signing in writes nothing a test counts, so a sign-in lost in a rerun of a loaded server is tried again.
    """
    context = await browser.new_context(viewport={"width": 1440, "height": 1400})
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    for attempt in range(1, attempts + 1):
        try:
            await page.goto(f"{base}/decisions")  # lands there after signing in (lighter than the overview)
            name, secret = page.get_by_label("Username", exact=True), page.get_by_label("Password", exact=True)
            await ready(page, name, timeout_ms)
            await name.fill(username)
            await secret.fill(password(username))
            if (await name.input_value(), await secret.input_value()) != (username, password(username)):
                raise RuntimeError("the sign-in form lost what was typed")
            await page.get_by_role("button", name="Sign in").click()
            await page.get_by_text("Sign out", exact=True).wait_for()
            await settle(page, timeout_ms)
            # later steps open pages in new sessions, signed in by the cookie: wait until the browser holds it
            deadline = time.monotonic() + timeout_ms / 1000
            while not any(c["name"] == COOKIE_NAME for c in await context.cookies()):
                if time.monotonic() > deadline:
                    raise TimeoutError("the sign-in cookie was not set")
                await page.wait_for_timeout(200)
            return page
        except Exception as problem:  # noqa: BLE001 - tried again, then reported with what the page showed
            if attempt == attempts:
                shown = " ".join((await page.inner_text("body")).split())[:300]
                raise SignInFailed(f"{username} on {base}: {type(problem).__name__} ({attempts} attempts); "
                                   f"the page showed: {shown}") from None
    raise AssertionError("unreachable")


async def ready(page, locator, timeout_ms: int) -> None:
    """A page opened in a new session runs more than once (the sign-in cookie is read, then the page is
    drawn): wait until the element is there and no run is in progress, then check both again."""
    await locator.wait_for(state="visible", timeout=timeout_ms)
    await settle(page, timeout_ms)
    await locator.wait_for(state="visible", timeout=timeout_ms)
    await page.wait_for_function(SCRIPT_DONE, timeout=timeout_ms)


async def outcome(page, timeout_ms: int) -> tuple[str, str]:
    """After a click: ('done' | 'refused' | 'error', the text shown)."""
    await page.locator(OUTCOME).first.wait_for(timeout=timeout_ms)
    await settle(page, timeout_ms)
    if await page.locator("[data-testid='stException']").count():
        return "error", (await page.locator("[data-testid='stException']").first.inner_text())[:300]
    errors = page.locator("[data-testid='stAlertContentError']")
    if await errors.count():
        return "refused", " ".join(await errors.all_inner_texts())
    return "done", " ".join(await page.locator("[data-testid='stAlertContentSuccess']").all_inner_texts())


async def choose(page, label: str, typed: str, option: str, timeout_ms: int) -> None:
    """Pick an option of a Streamlit select box: open it, type to filter, click the option."""
    box = page.get_by_label(label, exact=True)
    await ready(page, box, timeout_ms)
    await box.click()
    await page.keyboard.type(typed)
    await page.get_by_role("option", name=option).first.click()
    await settle(page, timeout_ms)


async def propose(page, base: str, server: str, username: str, employee_no: str, reason: str,
                  timeout_ms: int, *, reload: bool = True) -> Step:
    """Open the propose section (``reload``; else stay on the page, as a person proposing again would), choose
    the officer, type the reason, press Propose (kind: the first, a warning, which needs no amount)."""
    if reload:
        await page.goto(f"{base}/decisions")
    await choose(page, "Officer", employee_no, f"({employee_no})", timeout_ms)
    field = page.get_by_label("Reason", exact=True)
    await ready(page, field, timeout_ms)
    await field.fill(reason)
    if await field.input_value() != reason:
        raise RuntimeError("the reason typed did not stay in the field")
    started = time.monotonic()
    await page.get_by_role("button", name="Propose", exact=True).click()
    result, message = await outcome(page, timeout_ms)
    if result == "done" and PROPOSED not in message:
        result = "error"
    return Step(server, username, "propose", None, result, message, time.monotonic() - started, reason=reason)


async def open_decision(page, base: str, decision_id: int, comment: str, timeout_ms: int, *,
                        reload: bool = True) -> None:
    """Open the queue (``reload``; else choose in the queue already shown), choose the decision and type the
    comment (the button is not pressed yet). Choosing another decision re-runs the page, which clears the
    previous answer."""
    if reload:
        await page.goto(f"{base}/decisions")
    await choose(page, "Decision to decide", f"#{decision_id} ·", f"#{decision_id} ·", timeout_ms)
    field = page.get_by_role("textbox", name="Comment (required)")
    await ready(page, field, timeout_ms)
    await field.fill(comment)
    if await field.input_value() != comment:
        raise RuntimeError("the comment typed did not stay in the field")


async def press(page, server: str, username: str, decision_id: int, verb: str, timeout_ms: int) -> Step:
    """Press Approve or Reject on the open decision and read the answer."""
    started = time.monotonic()
    await page.get_by_role("button", name=verb.capitalize(), exact=True).click()
    result, message = await outcome(page, timeout_ms)
    expected = APPROVED_TEXT if verb == "approve" else REJECTED_TEXT
    if result == "done" and expected not in message:
        result = "error"
    return Step(server, username, verb, decision_id, result, message, time.monotonic() - started)


async def decide(page, base: str, server: str, username: str, decision_id: int, verb: str,
                 timeout_ms: int, *, reload: bool = True) -> Step:
    await open_decision(page, base, decision_id, f"{verb} on server {server} by {username}", timeout_ms,
                        reload=reload)
    return await press(page, server, username, decision_id, verb, timeout_ms)


async def _guard(coroutine, page, server: str, username: str, action: str, decision_id: int | None = None,
                 reason: str = "", *, shots: Path | None = None) -> Step | None:
    """A browser step that failed (timeout, missing element) is recorded as an error with what the page
    showed, not raised."""
    started = time.monotonic()
    try:
        return await coroutine
    except Exception as problem:  # noqa: BLE001 - every failure is reported, the run goes on
        try:
            shown = " ".join((await page.locator("[data-testid='stMain']").inner_text(timeout=5_000)).split())[:600]
            if shots:
                shots.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(shots / f"two-servers-{server}-{username}-{action}-"
                                                        f"{int(time.time() * 1000)}.png"), full_page=True)
        except Exception:  # noqa: BLE001
            shown = "(page unreadable)"
        message = f"{type(problem).__name__}: {str(problem).splitlines()[0][:200]}; the page showed: {shown}"
        return Step(server, username, action, decision_id, "error", message, time.monotonic() - started,
                    reason=reason)


def _phase(report: Report, name: str, since: float) -> float:
    now = time.monotonic()
    report.phases[name] = now - since
    return now


async def _in_turn(steps) -> list[Step]:
    """Run one session's steps one after the other (a person clicks one thing at a time)."""
    return [await step() for step in steps]


@dataclass
class _Run:
    """The signed-in pages and what every step needs: supervisors[i] and directors[i] are on urls[i]."""

    urls: tuple[str, str]
    supervisors: list
    directors: list
    report: Report
    timeout_ms: int
    shots: Path | None
    #: pages to open afresh before their next step: at first (a director's queue must be read after the
    #: proposals), and after a failed step; otherwise a person stays on the page and acts again
    stale: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.stale = {id(page) for page in self.supervisors + self.directors}

    def reload(self, page) -> bool:
        return id(page) in self.stale

    async def guard(self, coroutine, page, i: int, username: str, action: str, decision_id: int | None = None,
                    reason: str = ""):
        self.stale.discard(id(page))
        failed = await _guard(coroutine, page, SERVER_NAMES[i], username, action, decision_id, reason,
                              shots=self.shots)
        if isinstance(failed, Step) and failed.result == "error":
            self.stale.add(id(page))
        return failed

    async def proposals(self, officers: dict[str, list[str]], count: int) -> None:
        """Both supervisors propose ``count`` warnings each, at the same time, on their own server."""
        def step(i: int, n: int):
            reason = REASON.format(tag=self.report.tag, server=SERVER_NAMES[i], number=n)
            pool = officers[SUPERVISORS[i]]
            page = self.supervisors[i]
            # choosing another officer re-runs the page and clears the last answer; the same one would not
            reload = len(pool) == 1

            def run():
                return self.guard(propose(page, self.urls[i], SERVER_NAMES[i], SUPERVISORS[i], pool[n % len(pool)],
                                          reason, self.timeout_ms, reload=reload or self.reload(page)),
                                  page, i, SUPERVISORS[i], "propose", reason=reason)
            return run

        plans = [[step(i, n) for n in range(1, count + 1)] for i in (0, 1)]
        for steps in await asyncio.gather(*(_in_turn(plan) for plan in plans)):
            self.report.steps.extend(steps)

    async def contest(self, decision_id: int) -> None:
        """Both directors open the same decision and type a comment; then both press Approve at once."""
        prepared = await asyncio.gather(*(
            self.guard(open_decision(self.directors[i], self.urls[i], decision_id,
                                     f"contested approval on server {SERVER_NAMES[i]}", self.timeout_ms,
                                     reload=self.reload(self.directors[i])),
                       self.directors[i], i, DIRECTORS[i], "approve", decision_id) for i in (0, 1)))
        failed = [p for p in prepared if isinstance(p, Step)]
        if failed:
            self.report.steps.extend(failed)
            return
        pair = await asyncio.gather(*(
            self.guard(press(self.directors[i], SERVER_NAMES[i], DIRECTORS[i], decision_id, "approve",
                             self.timeout_ms), self.directors[i], i, DIRECTORS[i], "approve", decision_id)
            for i in (0, 1)))
        self.report.contested[decision_id] = list(pair)
        self.report.steps.extend(pair)

    async def decide_rest(self, decision_ids: list[int]) -> None:
        """The director on A decides what was proposed on B and the other way round, both at once; director2
        rejects the last of theirs."""
        work: list[list[int]] = [[], []]
        for decision_id in decision_ids:
            proposed_on_a = self.report.decisions[decision_id]["proposed_by"] == SUPERVISORS[0]
            work[1 if proposed_on_a else 0].append(decision_id)
        for i in (0, 1):  # both servers get work even when one supervisor's proposals ran out
            if not work[i] and len(work[1 - i]) > 1:
                work[i].append(work[1 - i].pop())

        def step(i: int, decision_id: int, verb: str):
            page = self.directors[i]
            return lambda: self.guard(decide(page, self.urls[i], SERVER_NAMES[i], DIRECTORS[i], decision_id, verb,
                                             self.timeout_ms, reload=self.reload(page)),
                                      page, i, DIRECTORS[i], verb, decision_id)

        plans = [[step(i, d, "reject" if i == 1 and n == len(work[i]) - 1 else "approve")
                  for n, d in enumerate(work[i])] for i in (0, 1)]
        for steps in await asyncio.gather(*(_in_turn(plan) for plan in plans)):
            self.report.steps.extend(steps)


def _interleaved(report: Report) -> list[int]:
    """The run's decision ids A1, B1, A2, B2, ... so that contested ones come from both servers."""
    by_reason = {d["reason"]: i for i, d in report.decisions.items()}
    made = [[by_reason[s.reason] for s in report.of("propose") if s.server == name and s.reason in by_reason]
            for name in SERVER_NAMES]
    return [i for pair in zip(*made) for i in pair] + made[0][len(made[1]):] + made[1][len(made[0]):]


async def scenario(urls: tuple[str, str], database_url: str, *, proposals: int = 3, contested: int = 2,
                   timeout_s: float = 60, tag: str | None = None, shots: Path | None = None) -> Report:
    """Run the whole scenario against two running servers on ``database_url``; check and return the report.

    ``shots``: a folder for a screenshot of every failed step (None: none taken).
    """
    from playwright.async_api import async_playwright

    if not 1 <= contested <= proposals * 2 - 1:
        raise ValueError("contested must be at least 1 and leave at least one decision uncontested")
    begin = time.monotonic()
    timeout_ms = int(timeout_s * 1000)
    report = Report(urls=urls, tag=tag or f"{dt.datetime.now():%H%M%S}-{secrets.token_hex(3)}")
    engine = make_engine(database_url)
    reasons: list[str] = []
    try:
        officers = officers_for(engine)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                mark = time.monotonic()
                pages = await asyncio.gather(*(sign_in(browser, urls[i], name, timeout_ms)
                                               for names in (SUPERVISORS, DIRECTORS) for i, name in enumerate(names)),
                                             return_exceptions=True)
                failed = [str(p) for p in pages if isinstance(p, BaseException)]
                if failed:
                    report.problems.extend(f"sign-in failed: {message}" for message in failed)
                    report.seconds = time.monotonic() - begin
                    return report
                run = _Run(urls, pages[:2], pages[2:], report, timeout_ms, shots)
                mark = _phase(report, "sign-in (4 sessions at once)", mark)

                await run.proposals(officers, proposals)
                mark = _phase(report, "proposals (both servers at once)", mark)
                reasons = [s.reason for s in report.of("propose")]
                read_back(engine, report, reasons)
                order = _interleaved(report)

                for decision_id in order[:contested]:
                    await run.contest(decision_id)
                mark = _phase(report, "contested approvals", mark)

                await run.decide_rest(order[contested:])
                _phase(report, "other decisions (both servers at once)", mark)
            finally:
                await browser.close()
        report.decisions.clear()
        report.audit.clear()
        report.audit_users.clear()
        read_back(engine, report, reasons)
    finally:
        engine.dispose()
    report.seconds = time.monotonic() - begin
    check(report, proposals=proposals)
    return report


# --------------------------------------------------------------------------------------------- verdict
def check(report: Report, *, proposals: int) -> None:
    """Compare what the pages said with what the database holds; every mismatch is a problem."""
    problems = report.problems
    for step in report.steps:
        if step.result == "error":
            problems.append(f"{step.action} on {step.server} by {step.username} (#{step.decision_id}): "
                            f"{step.message}")
    done = report.of("propose", "done")
    if len(report.of("propose")) != 2 * proposals or len(done) != 2 * proposals:
        problems.append(f"{len(done)} of {2 * proposals} proposals confirmed by the page")
    for reason, found in report.reasons_found.items():
        if found != 1:
            problems.append(f"the reason {reason!r} is stored {found} times (expected exactly once)")
    if len(report.decisions) != len(done):
        problems.append(f"{len(report.decisions)} decisions of this run in the database, {len(done)} proposed")
    for decision_id, contest in report.contested.items():
        results = sorted(s.result for s in contest)
        if results != ["done", "refused"]:
            problems.append(f"contested #{decision_id}: outcomes {results} (expected one approval, one refusal)")
        for step in contest:
            if step.result == "refused" and step.refusal is None:
                problems.append(f"contested #{decision_id}: unexpected refusal text {step.message!r}")
    confirmed = {(s.decision_id, s.action): s.username for s in report.steps
                 if s.action in ("approve", "reject") and s.result == "done"}
    confirmed_ids = Counter(s.decision_id for s in report.steps
                            if s.action in ("approve", "reject") and s.result == "done")
    for decision_id, times in confirmed_ids.items():
        if times > 1:
            problems.append(f"#{decision_id} was confirmed as decided {times} times")
    for decision_id, row in report.decisions.items():
        audit = report.audit.get(decision_id, Counter())
        proposer = report.audit_users.get((decision_id, "decision.propose"), [])
        if audit["decision.propose"] != 1 or proposer != [row["proposed_by"]]:
            problems.append(f"#{decision_id}: propose audit rows {proposer} (expected one by {row['proposed_by']})")
        expected = {"approved": ("approve", 1, 0), "rejected": ("reject", 0, 1), "pending": (None, 0, 0)}.get(
            row["status"])
        if expected is None:
            problems.append(f"#{decision_id}: unexpected status {row['status']}")
            continue
        verb, approvals, rejections = expected
        if (audit["decision.approve"], audit["decision.reject"]) != (approvals, rejections):
            problems.append(f"#{decision_id} ({row['status']}): {audit['decision.approve']} approve and "
                            f"{audit['decision.reject']} reject audit rows")
        if verb is not None:
            decider = row["decided_by"]
            if decider == row["proposed_by"]:
                problems.append(f"#{decision_id}: decided by its proposer")
            if confirmed.get((decision_id, verb)) != decider:
                problems.append(f"#{decision_id}: {row['status']} by {decider} in the database, the page "
                                f"confirmed {confirmed.get((decision_id, verb))}")
            if report.audit_users.get((decision_id, f"decision.{verb}")) != [decider]:
                problems.append(f"#{decision_id}: {verb} audit row by "
                                f"{report.audit_users.get((decision_id, f'decision.{verb}'))}, decided by {decider}")
        elif decision_id in confirmed_ids:
            problems.append(f"#{decision_id}: the page confirmed a decision the database does not hold (lost)")


def summary(report: Report) -> str:
    """The printed result: counts, contested decisions, audit rows per decision, PASS or FAIL."""
    lines = [f"servers: A = {report.urls[0]}, B = {report.urls[1]} (run tag {report.tag})"]
    proposed = report.of("propose")
    for name in SERVER_NAMES:
        mine = [s for s in proposed if s.server == name]
        timing = f", {max(s.seconds for s in mine):.1f} s slowest" if mine else ""
        lines.append(f"proposals on {name}: {len([s for s in mine if s.result == 'done'])} confirmed of "
                     f"{len(mine)}{timing}")
    statuses = Counter(d["status"] for d in report.decisions.values())
    lines.append(f"decisions of this run in the database: {len(report.decisions)} "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}); each reason stored exactly once: "
                 f"{'yes' if report.reasons_found and set(report.reasons_found.values()) == {1} else 'NO'}")
    for verb in ("approve", "reject"):
        steps = report.of(verb)
        lines.append(f"{verb} clicks: {len(steps)}; confirmed {len([s for s in steps if s.result == 'done'])}, "
                     f"refused {len([s for s in steps if s.result == 'refused'])}, "
                     f"errors {len([s for s in steps if s.result == 'error'])}")
    refusals = Counter(s.refusal or "other" for s in report.steps if s.result == "refused")
    lines.append(f"refusals seen: {sum(refusals.values())} "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(refusals.items())) or 'none'})")
    for decision_id, contest in report.contested.items():
        parts = [f"{s.server}/{s.username}: {s.result}" + (f" ({s.refusal})" if s.refusal else "")
                 + f" in {s.seconds:.1f} s" for s in contest]
        lines.append(f"contested #{decision_id}: " + "; ".join(parts))
    shapes = Counter((report.decisions[i]["status"], tuple(sorted(c.items())))
                     for i, c in report.audit.items() if i in report.decisions)
    lines.append("audit rows per decision:")
    for (status, audit), count in sorted(shapes.items()):
        lines.append(f"  {count} x {status}: " + ", ".join(f"{action} {n}" for action, n in audit))
    lines.append(f"wall time: {report.seconds:.1f} s ("
                 + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items()) + ")")
    for problem in report.problems:
        lines.append(f"PROBLEM: {problem}")
    lines.append("PASS" if report.ok else "FAIL")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- command line
def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True,
                        help="the PostgreSQL both servers use (SQLAlchemy URL, e.g. postgresql+psycopg://...)")
    parser.add_argument("--urls", nargs=2, metavar=("URL_A", "URL_B"),
                        help="two running servers on that database (loopback); without it two are started")
    parser.add_argument("--fresh", action="store_true",
                        help="drop and re-create the database with a small demo first (never 'test' or 'postgres')")
    parser.add_argument("--proposals", type=int, default=3, help="proposals per supervisor (default 3)")
    parser.add_argument("--contested", type=int, default=2,
                        help="decisions both directors approve at the same instant (default 2)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds before one page step counts as failed")
    parser.add_argument("--shots", type=Path, default=None, help="folder for a screenshot of each failed step")
    args = parser.parse_args(argv)
    if make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("two servers share one PostgreSQL: give a postgresql+psycopg:// URL")
    if args.urls and args.fresh:
        parser.error("--fresh re-creates the database under running servers; start them afterwards instead")
    for url in args.urls or ():
        if urlparse(url).hostname not in LOOPBACK:
            parser.error(f"only loopback servers may be driven (got {url!r})")
    if args.proposals < 1 or not 1 <= args.contested <= 2 * args.proposals - 1:
        parser.error("--proposals must be positive and --contested between 1 and 2 x proposals - 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.fresh:
        fresh_database(args.database_url)
    else:
        engine = make_engine(args.database_url)
        try:
            if not args.urls:  # servers started at once would both apply a pending migration: do it first
                upgrade_schema(engine)
            ensure_second_director(engine)
        finally:
            engine.dispose()
    with ExitStack() as stack:
        if args.urls:
            urls = tuple(u.rstrip("/") for u in args.urls)
        else:
            key = os.environ.get("NPL_COOKIE_KEY") or secrets.token_urlsafe(48)
            logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="two-servers-")))
            started = time.monotonic()
            urls = tuple(stack.enter_context(app_server(args.database_url, key, logs / f"server-{name}.log"))
                         for name in SERVER_NAMES)
            print(f"two servers started in {time.monotonic() - started:.1f} s")
        report = asyncio.run(scenario(urls, args.database_url, proposals=args.proposals, contested=args.contested,
                                      timeout_s=args.timeout, shots=args.shots))
        if not args.urls:
            tracebacks = sum((logs / f"server-{n}.log").read_text(errors="replace").count("Traceback")
                             for n in SERVER_NAMES)
            print(f"tracebacks in the server logs: {tracebacks}")
            if tracebacks:
                report.problems.append(f"{tracebacks} tracebacks in the server logs")
    print(summary(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
