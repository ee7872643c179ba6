"""Deterministic demo data: a union of rural credit cooperatives collecting its non-performing loans.

Why this exists: every page of the dashboard needs a database that tells the story of DOMAIN.md -- a large
old NPL stock that shrinks under collection after management's cutoff, new NPLs that keep appearing (more
from careless officers), hidden NPLs, evergreening, assignments met, missed and forgotten, every collection
method, foreclosed assets past their legal limit, reviews and four-eyes decisions. One seeded
``random.Random`` drives everything, so the same (seed, end month, sizes) always gives the same database:
the app's first start, the tests and any screenshot all see the same figures.

How it works: each loan is simulated month by month from its issue (up to four years before the first
reported month) to repayment or the end month. A borrower-side step decides payment, temporary arrears or
default; after the cutoff every recognised NPL gets an assignment and its officer's diligence drives
collection actions whose recoveries are the only thing that lowers an NPL's balance. Rows are collected as
plain dicts and bulk inserted; the monthly aggregates are rebuilt at the end. The first occurrences of rare
events (a hidden NPL, each legal stage, each asset type and status, a due-soon deadline...) are steered, so
that a small demo, as the tests use, still shows every part of the story.

Run ``python -m data.demo --help``.
"""
from __future__ import annotations

import argparse
import bisect
import calendar
import datetime as dt
import functools
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

from data.aggregates import rebuild_all
from data.bulk import insert_rows
from data.db import database_url, make_engine, transaction, upgrade_schema
from data.models import (AppUser, Assignment, AuditLog, Base, Borrower, CollectionAction, Cooperative, Decision,
                         DecisionAssignment, ForeclosedAsset, LegalCase, Loan, LoanMonth, Officer, Review,
                         ReviewAssignment, Village)
from data.passwords import hash_password
from data.settings import seed as seed_settings
from domain import assets as asset_rules
from domain import decisions as dec
from domain.assignments import MISSED, OPEN, PARTIAL, REASSIGNED, RECOVERED
from domain.classes import DOUBTFUL, LOSS, NORMAL, SPECIAL_MENTION, SUBSTANDARD
from domain.methods import (ASSET_DISPOSAL, DIRECT, LEGAL, OTHER, RESTRUCTURING, SUPPORT, VILLAGE,
                            VILLAGE_SOURCES)
from domain.months import month_start, previous_month
from domain.settings import Settings

DEFAULT_LOANS = 20_000
DEFAULT_MONTHS = 36
DEFAULT_SEED = 7
#: loans are issued from this many months before the first reported month: the old stock's history
PRE_WINDOW_MONTHS = 48
#: the segment cutoff sits this many months before the end month (fewer for short histories)
CUTOFF_MONTHS_BEFORE_END = 24
#: concealment and the careless officers' misreporting happen in the latest months only
RECENT_MONTHS = 12
#: a Loss loan this many days past due is written off at the next quarter end (data.demo._Generator.write_off)
WRITE_OFF_DAYS = 720
#: monthly rows simulated before the loans behind them are written and dropped (bounds the generator's memory)
STREAM_ROWS = 200_000
DEMO_PASSWORD_ROUNDS = 10

#: (username, password, role, scope): scope None = the whole union, else a cooperative code
DEMO_USERS: list[tuple[str, str, str, str | None]] = [
    ("director", "director-demo", "director", None),
    ("supervisor", "supervisor-demo", "supervisor", None),
    ("officer", "officer-demo", "officer", None),
    ("auditor", "auditor-demo", "auditor", None),
    ("admin", "admin-demo", "admin", None),
    ("supervisor_c1", "supervisor_c1-demo", "supervisor", "C01"),
]
_USER_IDS = {name: i + 1 for i, (name, *_rest) in enumerate(DEMO_USERS)}
_USER_NAMES = {"director": "Demo Director (union)", "supervisor": "Demo Supervisor (credit department)",
               "auditor": "Demo Internal Auditor", "admin": "Demo Administrator",
               "supervisor_c1": "Demo Supervisor (C01)"}

# --- names --------------------------------------------------------------------------------------------
_COOPERATIVES = ("Hezhuang", "Liujiawan", "Qingshui", "Dongba", "Xinglong", "Shuangmiao", "Baiyang", "Taohuayuan",
                 "Gaoping", "Longquan", "Shiqiao", "Nanhu")
_COUNTIES = ("Pingyuan", "Linshui", "Anxi", "Fengning", "Yongchang", "Jianping", "Huaiyuan", "Luoning",
             "Xiangcheng", "Qianshan", "Weining", "Dingyuan")
_SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Hu", "Zhu",
             "Gao", "Lin", "He", "Guo", "Ma", "Luo", "Liang", "Song", "Zheng", "Xie", "Han", "Tang", "Feng", "Deng")
_GIVEN = ("Wei", "Fang", "Min", "Jing", "Lei", "Jun", "Yong", "Yan", "Jie", "Tao", "Ming", "Chao", "Xiuying", "Hua",
          "Ping", "Gang", "Hong", "Qiang", "Guiying", "Jianhua", "Jianguo", "Guoqiang", "Haiyan", "Dongmei",
          "Chunlan", "Shulan", "Zhiqiang", "Yuming", "Xiaohong", "Lihua", "Baoshan", "Fulin")
_VILLAGE_HEADS = ("Zhang", "Wang", "Li", "Zhao", "Liu", "Chen", "Yang", "Huang", "Zhou", "Wu", "Ma", "Gao", "Guo",
                  "Song", "Tian", "Cao", "Dong", "Yuan")
_VILLAGE_TAILS = ("jiazhuang", "jiacun", "zhai", "wan", "gou", "po", "ying", "tun", "qiao", "ling", "dian", "he")
_INDUSTRIES = ("Fruit Processing", "Tea Plantation", "Brick Works", "Agricultural Machinery", "Poultry Farm",
               "Feed Mill", "Rice Milling", "Greenhouse Vegetables", "Cold-chain Logistics", "Building Materials",
               "Edible Fungus", "Pig Breeding")

# --- lending ------------------------------------------------------------------------------------------
_HOUSEHOLD_PURPOSES = (("planting", 30), ("livestock", 22), ("machinery", 12), ("small_business", 18),
                       ("housing", 10), ("education", 8))
_ENTERPRISE_PURPOSES = (("small_business", 45), ("machinery", 25), ("planting", 15), ("livestock", 15))
_GUARANTEES = (("credit", 40), ("guarantee", 35), ("mortgage", 18), ("pledge", 7))
_RATE_RANGE = {"credit": (600, 900), "guarantee": (550, 800), "mortgage": (480, 650), "pledge": (450, 600)}
_TERMS = (12, 12, 12, 24, 24, 36)
#: monthly hazard of default (by vintage) and of temporary arrears, before the risk multipliers
_DEFAULT_HAZARD_PRE_WINDOW = 0.0042
_DEFAULT_HAZARD_OLD = 0.0034
_DEFAULT_HAZARD_NEW = 0.0024
_TEMP_HAZARD = 0.012
_TEMP_LENGTHS = (1, 1, 1, 2, 2, 3)  # months in arrears before the cure; 3 keeps days past due <= 90
_PURPOSE_RISK = {"refinance": 3.5, "interest_payment": 4.5}

# --- loan states in the simulation ------------------------------------------------------------------------
_PERF, _TEMP, _DEF, _RESTR = 0, 1, 2, 3

_ASSET_DESCRIPTIONS = {
    "land_use_right": "Contracted land-use right, {n} mu of farmland",
    "building": "Residential building with courtyard, {n} m2",
    "machinery": "Agricultural machinery: {n} hp tractor with implements",
    "vehicle": "Light truck, {n} t payload",
    "livestock": "Herd of {n} head of cattle",
    "equity": "{n}% equity stake in a township enterprise",
    "other": "Stock of fertiliser and seed, {n} t",
}
_DISPOSAL_METHODS_BY_TYPE = {
    "land_use_right": ("leasing", "sale", "auction"),
    "building": ("auction", "sale", "leasing"),
    "machinery": ("auction", "sale"),
    "vehicle": ("auction", "sale"),
    "livestock": ("sale", "auction"),
    "equity": ("restructuring", "sale", "auction"),
    "other": ("sale", "auction"),
}
_HOUSEHOLD_ASSETS = ("land_use_right", "building", "machinery", "vehicle", "livestock", "other")
_ENTERPRISE_ASSETS = ("building", "machinery", "vehicle", "equity", "land_use_right", "other")


@dataclass(frozen=True)
class DemoSummary:
    """What a generation produced: counts to print and to compare between runs, and how long it took."""

    cooperatives: int
    villages: int
    officers: int
    borrowers: int
    loans: int
    loan_months: int
    assignments: int
    collection_actions: int
    legal_cases: int
    foreclosed_assets: int
    reviews: int
    decisions: int
    users: int
    first_month: dt.date
    end_month: dt.date
    segment_cutoff: dt.date
    elapsed_seconds: float = field(compare=False)

    def line(self) -> str:
        """The one-line report printed by the command line."""
        return (f"demo data {self.first_month:%Y-%m}..{self.end_month:%Y-%m} (cutoff {self.segment_cutoff:%Y-%m}): "
                f"{self.cooperatives} cooperatives, {self.officers} officers, {self.borrowers} borrowers, "
                f"{self.loans} loans, {self.loan_months} loan-months, {self.assignments} assignments, "
                f"{self.collection_actions} actions, {self.legal_cases} legal cases, "
                f"{self.foreclosed_assets} assets, {self.reviews} reviews, {self.decisions} decisions "
                f"in {self.elapsed_seconds:.1f} s")


# --- small helpers -------------------------------------------------------------------------------------------
def default_end_month(today: dt.date | None = None) -> dt.date:
    """The last complete calendar month before today: the newest month a real import would hold."""
    return previous_month(month_start(today or dt.date.today()))


def cutoff_months_before_end(months: int) -> int:
    """24 months before the end month, but always inside the history (half of it at most, for short ones)."""
    return min(CUTOFF_MONTHS_BEFORE_END, max(months // 2, months - 12))


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _floor_class(dpd: int, restructured: bool) -> str:
    """domain.classes.floor_class with the default thresholds, inlined: it runs once per loan-month."""
    if dpd > 360:
        return LOSS
    if dpd > 270:
        return DOUBTFUL
    if dpd > 90 or restructured:
        return SUBSTANDARD
    return SPECIAL_MENTION if dpd > 0 else NORMAL


@functools.cache
def _demo_password_hash(password: str) -> str:
    """bcrypt is slow by design; one hash per demo password and process is enough (tests generate often)."""
    return hash_password(password, rounds=DEMO_PASSWORD_ROUNDS)


def _yuan(cents: int) -> str:
    return f"{cents / 100:,.0f} CNY"


# --- the simulated world -----------------------------------------------------------------------------------
@dataclass(slots=True)
class _Officer:
    id: int
    cooperative_id: int
    name: str
    diligence: float  # 0..1: drives default rates of the loans they grant and how fast they recover
    conceals: bool  # records some of their delinquent loans better than the floor (hidden NPLs)
    weight: float  # share of the cooperative's new lending


@dataclass(slots=True)
class _Borrower:
    id: int
    cooperative_id: int
    village_id: int | None
    kind: str
    poor: bool
    unwilling: bool


@dataclass(slots=True)
class _Loan:
    id: int
    borrower: _Borrower
    officer: _Officer
    issue_s: int  # simulation month index of the issue
    issue_date: dt.date
    term: int
    principal: int
    rate_bp: int
    purpose: str
    guarantee: str
    refinances: int | None = None
    restructured_on: dt.date | None = None


@dataclass(slots=True)
class _Assignment:
    id: int
    loan: _Loan
    officer: _Officer
    assigned_on: dt.date
    target: int
    deadline: dt.date
    review_on: dt.date  # when the supervisor looks at it if the target is still not met
    previous_id: int | None
    outcome: str = OPEN
    closed_on: dt.date | None = None
    recovered: int = 0
    extensions: int = 0


@dataclass(slots=True)
class _Case:
    id: int
    loan: _Loan
    court: str
    filed_on: dt.date
    claim: int
    judgment_on: dt.date
    enforcement_on: dt.date
    recover_on: dt.date | None
    closed_on: dt.date
    costs: int = 0
    recovered: int = 0
    stage: str = "filed"  # as of the end month, settled when the loan's simulation ends


@dataclass(slots=True)
class _Asset:
    id: int
    loan: _Loan
    asset_type: str
    description: str
    on_balance_sheet: bool
    acquired_on: dt.date
    book_value: int
    appraisal: int | None
    appraised_on: dt.date | None
    status: str
    disposal_on: dt.date | None  # planned disposal (an event); kept only if it happens by the end
    disposal_method: str | None = None
    proceeds: int | None = None
    lease_income: int = 0


@dataclass(slots=True)
class _Run:
    """Mutable state of one loan while it is simulated."""

    loan: _Loan
    bal: int
    inst: int
    h_def: float
    h_tmp: float
    state: int = _PERF
    dpd: int = 0
    paid: int = 0
    missed: int = 0
    temp_left: int = 0
    mask_temp: bool = False
    concealed: bool = False
    conceal_checked: bool = False
    hidden_class: str = SPECIAL_MENTION
    restr_s: int | None = None
    restr_inst: int = 0
    restr_hidden: bool = False
    assignment: _Assignment | None = None
    case: _Case | None = None
    asset: _Asset | None = None
    events: list = field(default_factory=list)  # (date, order, kind, payload)


class _Generator:
    """Builds every row of the demo database in memory, deterministically from one Random."""

    def __init__(self, *, loans: int, months: int, seed: int, end_month: dt.date, cooperatives: int,
                 officers: int) -> None:
        if loans < 50 or months < 6 or cooperatives < 1 or officers < 2 * cooperatives:
            raise ValueError("demo needs loans >= 50, months >= 6, cooperatives >= 1, officers >= 2 per cooperative")
        self.rng = random.Random(seed)
        self.n_loans, self.months, self.seed = loans, months, seed
        self.n_coops, self.n_officers = cooperatives, officers
        self.end_month = month_start(end_month)
        self.first_month = previous_month(self.end_month, months - 1)
        origin = previous_month(self.first_month, PRE_WINDOW_MONTHS)
        self.P = PRE_WINDOW_MONTHS  # index of the first reported month
        self.S = PRE_WINDOW_MONTHS + months  # number of simulated months
        self.C = self.S - 1 - cutoff_months_before_end(months)  # index of the cutoff month
        self.mstart = [previous_month(origin, -i) for i in range(self.S + 1)]
        self.mend = [self.mstart[i + 1] - _days(1) for i in range(self.S)]
        self.dim = [d.day for d in self.mend]
        self.cutoff = self.mstart[self.C]
        self.end_date = self.mend[self.S - 1]
        # scale rare events so a small demo still shows each of them
        expected_npl_loans = max(1.0, loans * 0.1)
        self.p_asset = max(0.05, min(0.6, 30 / expected_npl_loans))
        self.p_hide = max(0.02, min(0.2, 3 / expected_npl_loans))
        self.p_refi = max(0.04, min(0.2, 6 / expected_npl_loans))
        self.p_interest = self.p_refi * 0.5
        # a few first occurrences are forced so that even a small demo shows each kind of event
        self.hidden_quota = 2  # the first NPLs of the recent months are hidden whoever holds them
        self.refinance_quota = self.interest_quota = 2
        self._method_quota = [LEGAL, RESTRUCTURING, VILLAGE, SUPPORT, OTHER]  # methods not yet used (ordered)
        self._due_soon_quota = 2  # assignments whose deadline falls just after the end month
        self._extension_quota = 2  # assignments extended past their deadline and then met late
        self._late_payers: set[int] = set()
        self._forgotten: set[int] = set()
        self._early_default_quota = 2  # new loans of careless officers that default at the first instalment
        self._demo_overdue_quota = 3  # open past-deadline assignments kept for the demo officer
        self._demo_assignments = 4  # old-stock NPLs of C01 routed to the demo officer first
        self._legal_quota = ["filed", "judgment", "enforcement", "closed"]  # stages no finished case shows yet
        # output
        self.coops: list[dict] = []
        self.villages: list[dict] = []
        self.village_ids: dict[int, list[int]] = defaultdict(list)
        self.courts: dict[int, str] = {}
        self.officers: list[_Officer] = []
        self.coop_officers: dict[int, list[_Officer]] = defaultdict(list)
        self.borrowers: list[_Borrower] = []
        self.borrower_names: list[str] = []
        self.loans: list[_Loan | None] = []  # None once written: only assignments keep a loan alive
        self.first_issue: dt.date | None = None
        self.loan_month_rows: list[dict] = []  # the batch not yet written
        self.assignments: list[_Assignment] = []
        self.actions: list[dict] = []  # the batch not yet written
        self.n_loan_months = self.n_actions = 0
        self._loans_written = self._assignments_written = 0
        self.cases: list[_Case] = []
        self.assets: list[_Asset] = []
        self._asset_roles = ["pending_overdue", "disposed", "in_disposal", "pending_recent", "pending_overdue",
                             "disposed", "pending_recent", "disposed"]  # the first assets show every case
        self._asset_types = list(asset_rules.ASSET_TYPES)
        self.dismissed: set[int] = set()

    # --- helpers -------------------------------------------------------------------------------------------
    def day_in(self, s: int, lo: int = 1, hi: int | None = None) -> dt.date:
        """A random day of simulated month s between day lo and day hi (default: its last day)."""
        hi = min(hi or self.dim[s], self.dim[s])
        return self.mstart[s] + _days(self.rng.randint(min(lo, hi), hi) - 1)

    def month_index(self, day: dt.date) -> int:
        return (day.year - self.mstart[0].year) * 12 + day.month - self.mstart[0].month

    def person_name(self) -> str:
        return f"{self.rng.choice(_SURNAMES)} {self.rng.choice(_GIVEN)}"

    # --- the world -----------------------------------------------------------------------------------------
    def build_world(self) -> None:
        """Cooperatives, villages, officers (with diligence) and borrowers."""
        rng = self.rng
        sizes = [rng.uniform(0.6, 1.4) for _ in range(self.n_coops)]
        for k in range(self.n_coops):
            cid = k + 1
            base = _COOPERATIVES[k % len(_COOPERATIVES)]
            suffix = "" if k < len(_COOPERATIVES) else f" No.{k // len(_COOPERATIVES) + 1}"
            self.coops.append({"id": cid, "code": f"C{cid:02d}", "name": f"{base}{suffix} Rural Credit Cooperative"})
            self.courts[cid] = f"{_COUNTIES[k % len(_COUNTIES)]} County People's Court"
            names: set[str] = set()
            n_villages = rng.randint(8, 12)
            while len(names) < n_villages:
                names.add(f"{rng.choice(_VILLAGE_HEADS)}{rng.choice(_VILLAGE_TAILS)} Village")
            for name in sorted(names):
                vid = len(self.villages) + 1
                self.villages.append({"id": vid, "code": f"C{cid:02d}-V{len(self.village_ids[cid]) + 1:02d}",
                                      "cooperative_id": cid, "name": name})
                self.village_ids[cid].append(vid)
        # officers, spread by cooperative size (at least two each)
        counts = [2] * self.n_coops
        for _ in range(self.n_officers - 2 * self.n_coops):
            counts[rng.choices(range(self.n_coops), weights=sizes)[0]] += 1
        for k, count in enumerate(counts):
            for _ in range(count):
                oid = len(self.officers) + 1
                officer = _Officer(oid, k + 1, self.person_name(), round(rng.betavariate(2.2, 1.6), 3), False,
                                   rng.uniform(0.5, 1.5))
                self.officers.append(officer)
                self.coop_officers[k + 1].append(officer)
        # the busiest of the careless officers hide NPLs: concentrated in a couple of names
        careless = sorted(self.officers, key=lambda o: (o.diligence, o.id))[: max(4, self.n_officers // 8)]
        for officer in sorted(careless, key=lambda o: (-o.weight, o.id))[: max(2, self.n_officers // 40)]:
            officer.conceals, officer.weight = True, officer.weight * 1.5
        first = sorted((o for o in self.coop_officers[1] if not o.conceals), key=lambda o: (o.diligence, o.id))
        self.demo_officer = first[0] if first else self.coop_officers[1][0]  # C01's weakest honest officer
        self._officer_cum = {cid: self._cumulative([o.weight for o in offs])
                             for cid, offs in self.coop_officers.items()}
        # borrowers: most borrow once, some come back
        coop_cum = self._cumulative(counts)
        for bid in range(1, round(self.n_loans * 0.82) + 1):
            cid = bisect.bisect(coop_cum, rng.random() * coop_cum[-1]) + 1
            enterprise = rng.random() < 0.08
            village = rng.choice(self.village_ids[cid]) if not enterprise or rng.random() < 0.7 else None
            poor = not enterprise and rng.random() < 0.15
            unwilling = rng.random() < (0.06 if enterprise else 0.025)
            self.borrowers.append(_Borrower(bid, cid, village, "enterprise" if enterprise else "household", poor,
                                            unwilling))
            if enterprise:
                head = self.villages[village - 1]["name"].removesuffix(" Village") if village else \
                    _COUNTIES[(cid - 1) % len(_COUNTIES)]
                self.borrower_names.append(f"{head} {rng.choice(_INDUSTRIES)} Co., Ltd.")
            else:
                self.borrower_names.append(self.person_name())

    @staticmethod
    def _cumulative(weights: Sequence[float]) -> list[float]:
        out, total = [], 0.0
        for w in weights:
            total += w
            out.append(total)
        return out

    def pick_officer(self, cooperative_id: int) -> _Officer:
        cum = self._officer_cum[cooperative_id]
        return self.coop_officers[cooperative_id][bisect.bisect(cum, self.rng.random() * cum[-1])]

    def add_loan(self, borrower: _Borrower, officer: _Officer, issue_date: dt.date, principal: int, purpose: str,
                 *, term: int | None = None, refinances: int | None = None) -> _Loan:
        rng = self.rng
        guarantee = rng.choices([g for g, _ in _GUARANTEES], weights=[w for _, w in _GUARANTEES])[0]
        lo, hi = _RATE_RANGE[guarantee]
        rate = rng.randint(lo, hi)
        if purpose in _PURPOSE_RISK:
            rate = min(900, rate + 60)
        term = term or rng.choice(_TERMS)
        loan = _Loan(len(self.loans) + 1, borrower, officer, self.month_index(issue_date), issue_date, term,
                     principal, rate, purpose, guarantee, refinances)
        self.loans.append(loan)
        if self.first_issue is None or issue_date < self.first_issue:
            self.first_issue = issue_date
        return loan

    def build_loans(self) -> None:
        """The base book: loans issued evenly from four years before the first month to the end month."""
        rng = self.rng
        for i in range(self.n_loans):
            borrower = self.borrowers[i] if i < len(self.borrowers) else rng.choice(self.borrowers)
            issue_s = rng.randrange(self.S)
            issue = self.day_in(issue_s, 1, 28)
            if borrower.kind == "enterprise":
                principal = min(5_000_000, max(300_000, int(round(rng.lognormvariate(13.6, 0.6), -4))))
                purposes = _ENTERPRISE_PURPOSES
            else:
                principal = min(500_000, max(20_000, int(round(rng.lognormvariate(11.3, 0.7), -3))))
                purposes = _HOUSEHOLD_PURPOSES
            purpose = rng.choices([p for p, _ in purposes], weights=[w for _, w in purposes])[0]
            self.add_loan(borrower, self.pick_officer(borrower.cooperative_id), issue, principal * 100, purpose)

    # --- the monthly simulation ----------------------------------------------------------------------------
    def simulate(self, write: Callable[[type[Base], list[dict]], None]) -> None:
        """Every loan month by month; loans created by evergreening are appended and simulated in turn.

        Streaming: whenever a batch of monthly rows is full, every loan simulated so far is final (its
        assignments, monthly rows and actions included) and is handed to ``write`` and dropped, so memory
        holds one batch of rows, not the whole history.
        """
        i = 0
        while i < len(self.loans):
            self.simulate_loan(self.loans[i])
            i += 1
            if len(self.loan_month_rows) >= STREAM_ROWS:
                self.flush(i, write)
        self.flush(i, write)

    def flush(self, simulated: int, write: Callable[[type[Base], list[dict]], None]) -> None:
        """Write the loans simulated up to index ``simulated`` with their assignments, rows and actions."""
        codes = {c["id"]: c["code"] for c in self.coops}
        loans = self.loans[self._loans_written:simulated]
        write(Loan, [{"id": ln.id, "contract_no": f"{codes[ln.borrower.cooperative_id]}-{ln.issue_date.year}-{ln.id:06d}",
                      "borrower_id": ln.borrower.id, "officer_id": ln.officer.id,
                      "cooperative_id": ln.borrower.cooperative_id, "issue_date": ln.issue_date,
                      "maturity_date": _add_months(ln.issue_date, ln.term), "principal_cents": ln.principal,
                      "rate_bp": ln.rate_bp, "purpose": ln.purpose, "guarantee_type": ln.guarantee,
                      "refinances_loan_id": ln.refinances, "restructured_on": ln.restructured_on} for ln in loans])
        self.loans[self._loans_written:simulated] = [None] * len(loans)
        self._loans_written = simulated
        write(Assignment, [{"id": a.id, "loan_id": a.loan.id, "officer_id": a.officer.id,
                            "cooperative_id": a.loan.borrower.cooperative_id, "assigned_on": a.assigned_on,
                            "target_cents": a.target, "deadline": a.deadline, "outcome": a.outcome,
                            "closed_on": a.closed_on, "previous_assignment_id": a.previous_id}
                           for a in self.assignments[self._assignments_written:]])
        self._assignments_written = len(self.assignments)
        write(LoanMonth, self.loan_month_rows)
        self.n_loan_months += len(self.loan_month_rows)
        self.loan_month_rows = []
        write(CollectionAction, self.actions)
        self.actions = []

    def simulate_loan(self, loan: _Loan) -> None:
        rng, P, C, S = self.rng, self.P, self.C, self.S
        officer, borrower = loan.officer, loan.borrower
        risk = (0.35 + 1.6 * (1 - officer.diligence) ** 1.5) * _PURPOSE_RISK.get(loan.purpose, 1.0)
        risk *= (3.0 if borrower.unwilling else 1.0) * (1.5 if borrower.poor else 1.0)
        risk *= 1.2 if borrower.kind == "enterprise" else 1.0
        base = (_DEFAULT_HAZARD_NEW if loan.issue_s >= C else
                _DEFAULT_HAZARD_OLD if loan.issue_s >= P else _DEFAULT_HAZARD_PRE_WINDOW)
        x = _Run(loan, loan.principal, -(-loan.principal // loan.term), base * risk,
                 _TEMP_HAZARD * (0.35 + 1.6 * (1 - officer.diligence) ** 1.5) * (1.3 if borrower.poor else 1.0))
        if (self._early_default_quota > 0 and C <= loan.issue_s <= S - 8 and officer.diligence < 0.5
                and loan.purpose not in _PURPOSE_RISK):
            x.h_def, self._early_default_quota = 1.0, self._early_default_quota - 1  # a new NPL from day one
        coop = borrower.cooperative_id
        for s in range(loan.issue_s, S):
            if s > loan.issue_s and not self.borrower_step(x, s):
                return self.finish(x, self.day_in(s, 5, 25))  # repaid on schedule or after a cure
            if s >= C and x.state in (_DEF, _RESTR) and x.assignment is None and (x.dpd > 90 or x.restr_s is not None):
                self.check_concealment(x, s)
                if x.concealed and x.dpd > 360:
                    x.concealed = False  # too late to hide: recognised as a loss and assigned
                if not x.concealed:
                    self.assign(x, s)
            if s >= P and (x.assignment is not None or x.events or (x.state == _DEF and x.dpd > 90)):
                closed_on = self.collect(x, s)
                if closed_on is not None:
                    return self.finish(x, closed_on)
            if s < P:
                continue
            if self.write_off(x, s):
                return self.finish(x, self.mend[s])
            # the month-end row
            if x.state == _PERF:
                overdue, cls = 0, NORMAL
            elif x.state == _RESTR:
                overdue = 0
                cls = NORMAL if x.restr_hidden and s - x.restr_s >= 6 else SUBSTANDARD
            else:
                matured = s - loan.issue_s >= loan.term
                overdue = x.bal if matured else min(x.bal, (x.restr_inst or x.inst) * x.missed)
                cls = _floor_class(x.dpd, x.restr_s is not None)
                if x.concealed:
                    cls = x.hidden_class
                elif x.mask_temp:
                    cls = NORMAL
            self.loan_month_rows.append({"loan_id": loan.id, "month": self.mstart[s], "cooperative_id": coop,
                         "outstanding_cents": x.bal, "overdue_cents": overdue, "days_past_due": x.dpd,
                         "loan_class": cls, "written_off_cents": 0})
            if (s < S - 1 and x.state in (_TEMP, _DEF) and x.assignment is None and not x.concealed
                    and x.case is None and x.asset is None):
                refinanced_on = self.maybe_evergreen(x, s)
                if refinanced_on is not None:
                    return self.finish(x, refinanced_on)
        self.finish(x, None)

    def write_off(self, x: _Run, s: int) -> bool:
        """The quarter-end write-off batch: a Loss loan that crossed two years past due this quarter, with no
        court case or asset still pending, is written off in full (every second such loan: the others are
        still pursued). Its last monthly row reports balance 0 (no arrears left) and the amount written off, so
        the balance leaves the NPL stock as a write-off; an open assignment closes (missed, or partial if
        anything came in). Deterministic: it draws no random number.
        """
        if (s < self.C or self.mstart[s].month % 3 or x.state != _DEF or x.concealed or x.loan.id % 2
                or not WRITE_OFF_DAYS < x.dpd <= WRITE_OFF_DAYS + sum(self.dim[s - 2:s + 1]) or x.bal <= 0
                or (x.case is not None and (x.case.closed_on is None or x.case.closed_on > self.mend[s]))
                or (x.asset is not None and x.asset.status != asset_rules.DISPOSED)):
            return False
        self.loan_month_rows.append({"loan_id": x.loan.id, "month": self.mstart[s],
                                     "cooperative_id": x.loan.borrower.cooperative_id, "outstanding_cents": 0,
                                     "overdue_cents": 0, "days_past_due": 0, "loan_class": LOSS,
                                     "written_off_cents": x.bal})
        a = x.assignment
        if a is not None and a.outcome == OPEN:
            a.outcome = PARTIAL if a.recovered > 0 else MISSED
            a.closed_on = max(self.mend[s], a.assigned_on + _days(1))
        x.bal = 0
        return True

    def borrower_step(self, x: _Run, s: int) -> bool:
        """The borrower's month: pay, fall into (temporary) arrears, or stay in default. False = repaid."""
        rng, loan = self.rng, x.loan
        if x.state == _PERF:
            r = rng.random()
            if r < x.h_def:
                x.state, x.dpd, x.missed = _DEF, rng.randint(1, 28), 1
                return True
            if r < x.h_def + x.h_tmp:
                x.state, x.dpd, x.missed = _TEMP, rng.randint(1, 28), 1
                x.temp_left = rng.choice(_TEMP_LENGTHS)
                if self.P <= s < self.C - 6 and rng.random() < 0.1:
                    x.temp_left = rng.randint(4, 5)  # before the directive some NPLs cured on their own
                x.mask_temp = s >= self.S - RECENT_MONTHS and loan.officer.conceals and rng.random() < 0.5
                return True
            x.paid += 1
            x.bal = max(0, loan.principal - x.inst * x.paid)
            return x.bal > 0
        if x.state == _TEMP:
            if x.temp_left <= 1:  # cured: arrears paid, back on the schedule
                was_npl, before = x.dpd > 90, x.bal
                x.state, x.dpd, x.missed, x.mask_temp = _PERF, 0, 0, False
                x.paid = min(loan.term, s - loan.issue_s)
                x.bal = max(0, loan.principal - x.inst * x.paid)
                if was_npl and s >= self.P:  # an NPL paid up: a recovery like any other
                    self.record_action(loan, None, self.day_in(s, 5, 25), DIRECT, before - x.bal,
                                       rng.randint(50, 200) * 100, "paid_full" if x.bal == 0 else "paid_partial",
                                       None, "Borrower cleared the arrears after the officer's visits")
                return x.bal > 0
            x.temp_left -= 1
            x.dpd += self.dim[s]
            x.missed += 1
            return True
        if x.state == _DEF:
            x.dpd += self.dim[s]
            x.missed += 1
            return True
        # restructured and paying under the new terms (payments are collection events); may default again
        if rng.random() < 0.025 * (1.5 - loan.officer.diligence):
            x.state, x.dpd, x.missed = _DEF, rng.randint(1, 28), 1
        return True

    def check_concealment(self, x: _Run, s: int) -> None:
        """In the latest months some officers record a new NPL as performing: the hidden NPLs."""
        if x.conceal_checked or x.h_def >= 1.0:  # a forced early default stays visible
            return
        x.conceal_checked = True
        if s >= self.S - RECENT_MONTHS and x.state == _DEF:
            p = 0.95 if x.loan.officer.conceals else self.p_hide
            if self.rng.random() < p or self.hidden_quota > 0:
                self.hidden_quota -= 1
                x.concealed = True
                x.hidden_class = SPECIAL_MENTION if self.rng.random() < 0.8 else NORMAL

    def maybe_evergreen(self, x: _Run, s: int) -> dt.date | None:
        """Borrow new to repay old: a refinancing loan (old one closes) or a loan to pay the interest."""
        rng, loan = self.rng, x.loan
        r = rng.random()
        p_refi = max(self.p_refi * (1.3 - loan.officer.diligence) * 0.3, 0.2 * (self.refinance_quota > 0))
        p_interest = max(self.p_interest * (1.3 - loan.officer.diligence) * 0.3, 0.2 * (self.interest_quota > 0))
        if r < p_refi and x.dpd >= 15:
            self.refinance_quota -= 1
            issue = self.mend[s] + _days(rng.randint(1, 28))
            interest = x.bal * loan.rate_bp * x.dpd // 3_650_000
            principal = -(-(x.bal + interest) // 100_000) * 100_000
            purpose = "refinance" if rng.random() < 0.65 else loan.purpose
            self.add_loan(loan.borrower, loan.officer, issue, principal, purpose, term=rng.choice((12, 24)),
                          refinances=loan.id)
            return issue
        if r < p_refi + p_interest and x.dpd <= 60:
            self.interest_quota -= 1
            issue = self.day_in(s + 1, 1, 15)
            principal = max(500_000, int(round(x.bal * loan.rate_bp / 10_000 * rng.uniform(0.5, 1.2), -5)))
            self.add_loan(loan.borrower, loan.officer, issue, principal, "interest_payment", term=12)
            x.state, x.temp_left = _TEMP, 1  # the arrears are paid with the new loan next month
        return None

    # --- responsibility ---------------------------------------------------------------------------------
    def new_assignment(self, loan: _Loan, officer: _Officer, on: dt.date, balance: int,
                       previous: _Assignment | None, *, share: float | None = None) -> _Assignment:
        """Target 30-100% of the balance, deadline 3-12 months on; the supervisor reviews it after the deadline."""
        rng = self.rng
        months = rng.randint(3, 12)
        to_end = (self.end_month.year - on.year) * 12 + self.end_month.month - on.month + 1
        if self._due_soon_quota > 0 and 3 <= to_end <= 12 and on.day <= 28:
            months, share = to_end, 1.0  # due in the month after the end month: "due soon" on the last day
            self._due_soon_quota -= 1
        deadline = _add_months(on, months)
        target = max(1, int(balance * (share or rng.uniform(0.3, 1.0))))
        a = _Assignment(len(self.assignments) + 1, loan, officer, on, target, deadline,
                        deadline + _days(rng.randint(1, 20)), previous.id if previous else None)
        self.assignments.append(a)
        return a

    def assign(self, x: _Run, s: int) -> None:
        """A recognised NPL after the cutoff gets a responsible officer, a target and a deadline."""
        rng, loan = self.rng, x.loan
        on = self.cutoff + _days(rng.randint(0, 14)) if s == self.C else self.day_in(s, 1, 20)
        if loan.issue_s >= self.C or rng.random() < 0.35:
            officer = loan.officer  # new NPLs: the officer who granted the loan answers for it
        elif self._demo_assignments > 0 and loan.borrower.cooperative_id == self.demo_officer.cooperative_id:
            officer, self._demo_assignments = self.demo_officer, self._demo_assignments - 1  # the demo login's share
        else:
            officer = rng.choice(self.coop_officers[loan.borrower.cooperative_id])
        x.assignment = self.new_assignment(loan, officer, on, x.bal, None,
                                           share=1.0 if officer is self.demo_officer else None)
        if x.asset is None and rng.random() < self.p_asset:
            self.plan_asset(x, s, on)

    def other_officer(self, current: _Officer) -> _Officer:
        """A different officer of the same cooperative, the most diligent of three drawn."""
        pool = [o for o in self.coop_officers[current.cooperative_id] if o.id != current.id] or [current]
        return max(self.rng.sample(pool, min(3, len(pool))), key=lambda o: o.diligence)

    def review(self, x: _Run, on: dt.date) -> None:
        """The supervisor looks at an assignment past its deadline: extend, close as missed/partial, reassign."""
        rng, a = self.rng, x.assignment
        if a.officer is self.demo_officer and self._demo_overdue_quota > 0:
            self._demo_overdue_quota -= 1  # forgotten by all: the demo officer's login shows it overdue
            a.review_on = self.end_date + _days(365)
            self._forgotten.add(a.id)
            return
        r = rng.random()
        if self._extension_quota > 0 and x.state == _DEF:
            r, self._extension_quota = 0.0, self._extension_quota - 1
            self._late_payers.add(a.id)
        if a.extensions < 2 and r < 0.3:
            a.extensions += 1
            a.review_on = on + _days(rng.randint(30, 120))
            return
        a.closed_on = on
        if r < 0.42 + 0.2 * (1 - a.officer.diligence):
            a.outcome = REASSIGNED
            successor = self.other_officer(a.officer)
        else:
            a.outcome = PARTIAL if a.recovered >= a.target // 4 and a.recovered > 0 else MISSED
            successor = a.officer if rng.random() < 0.6 else self.other_officer(a.officer)
        x.assignment = self.new_assignment(x.loan, successor, on, x.bal, a)

    # --- collection ---------------------------------------------------------------------------------------
    def collect(self, x: _Run, s: int) -> dt.date | None:
        """One month of collection on an NPL: scheduled events, the officer's action, the supervisor's review.

        Every recovery lowers the balance; returns the day the loan is repaid in full, else None.
        """
        rng, mend = self.rng, self.mend[s]
        events = [e for e in x.events if e[0] <= mend]
        if events:
            x.events = [e for e in x.events if e[0] > mend]
        a = x.assignment
        if a is not None and a.outcome == OPEN and a.review_on <= mend:
            events.append((a.review_on, 0, "review", a.id))
        if x.state == _RESTR and s > x.restr_s and (s - x.restr_s) % 3 == 0:
            events.append((self.day_in(s, 10, 25), 1, "restr_pay", None))
        if x.state == _DEF:
            lo = max(self.mstart[s], a.assigned_on) if a is not None else self.mstart[s]
            events.append((lo + _days(rng.randint(0, (mend - lo).days)), 2, "act", None))
        events.sort(key=lambda e: (e[0], e[1]))
        for on, _, kind, payload in events:
            a = x.assignment
            if kind == "review":
                if a is not None and a.id == payload and a.outcome == OPEN:
                    self.review(x, on)
                continue
            if kind == "act":
                action = self.voluntary_action(x, on)
            elif kind == "restr_pay":
                amount = min(x.bal, 3 * x.restr_inst)
                action = (RESTRUCTURING, amount, 0, "paid_full" if amount == x.bal else "paid_partial", None,
                          "Quarterly instalment under the restructured terms")
            elif kind == "dispose":
                action = self.dispose_asset(x, on)
            else:
                action = self.legal_event(x, on, kind)
            if action is None:
                continue
            linked = a if a is not None and on >= a.assigned_on else None
            amount = action[1]
            self.record_action(x.loan, linked, on, *action)
            if amount <= 0:
                continue
            x.bal -= amount
            if linked is not None:
                linked.recovered += amount
            if x.bal <= 0:
                x.bal = 0
                if a is not None and a.outcome == OPEN:
                    a.outcome, a.closed_on = RECOVERED, max(on, a.assigned_on)
                return on
            if linked is not None and linked.outcome == OPEN and linked.recovered >= linked.target:
                linked.outcome, linked.closed_on = RECOVERED, on
                successor = linked.officer if rng.random() < 0.8 else self.other_officer(linked.officer)
                x.assignment = self.new_assignment(x.loan, successor, on, x.bal, linked)
        return None

    def record_action(self, loan: _Loan, assignment: _Assignment | None, on: dt.date, method: str, amount: int,
                      cost: int, outcome: str, source: str | None, note: str) -> None:
        """A collection action row: by the assignment's officer, or the originating officer when unassigned."""
        self.n_actions += 1
        self.actions.append({
            "id": self.n_actions, "loan_id": loan.id, "assignment_id": assignment.id if assignment else None,
            "officer_id": (assignment.officer if assignment else loan.officer).id,
            "cooperative_id": loan.borrower.cooperative_id, "method": method, "action_date": on,
            "recovered_cents": amount, "cost_cents": cost, "outcome": outcome, "village_source": source,
            "note": note})

    def voluntary_action(self, x: _Run, on: dt.date) -> tuple | None:
        """What the responsible officer does this month, if anything; its recovery depends on diligence."""
        rng, loan, a = self.rng, x.loan, x.assignment
        borrower = loan.borrower
        if a is None or on < a.assigned_on:  # before the directive: sporadic calls by the originating officer
            if rng.random() >= 0.05:
                return None
            if x.case is None and rng.random() < (0.35 if borrower.unwilling or borrower.kind == "enterprise"
                                                  else 0.08):
                return self.file_lawsuit(x, on)
            return self.simple_action(x, DIRECT, 0.3, 0.6)
        dil = a.officer.diligence
        if a.id in self._forgotten:
            return None
        if a.id in self._late_payers and on > a.deadline:
            self._late_payers.discard(a.id)  # the borrower pays the rest of the target after the deadline
            amount = min(x.bal, a.target - a.recovered)
            return (DIRECT, amount, rng.randint(50, 300) * 100, "paid_full" if amount >= x.bal else "paid_partial",
                    None, f"Borrower paid after the deadline; {_yuan(amount)} recovered")
        p = 0.15 + 0.6 * dil
        if x.case is not None and x.case.closed_on > on:
            p *= 0.15  # waiting for the court
        if x.asset is not None and x.asset.disposal_on is not None:
            p *= 0.5
        if rng.random() >= p:
            return None
        weights = {
            DIRECT: 6.0,
            VILLAGE: (1.2 + 3.0 * borrower.poor) if borrower.village_id else 0.0,
            LEGAL: 0.0 if x.case is not None else
            0.12 + 2.5 * borrower.unwilling + 0.6 * (borrower.kind == "enterprise") + 0.4 * (x.bal > 20_000_000),
            SUPPORT: 0.5 + 2.0 * borrower.poor + 0.8 * (loan.purpose in ("planting", "livestock")),
            RESTRUCTURING: 0.0 if borrower.unwilling or x.restr_s is not None else
            0.12 + 0.3 * (borrower.kind == "enterprise"),
            OTHER: 0.5,
        }
        unseen = [m for m in self._method_quota if weights[m] > 0]
        days_left = (self.end_date - on).days
        feasible = {"filed": days_left < 400, "judgment": 75 < days_left < 780, "enforcement": days_left > 105,
                    "closed": days_left > 180}
        if weights[LEGAL] and any(feasible[stage] for stage in self._legal_quota):
            unseen.insert(0, LEGAL)  # a lawsuit now would show a stage no case has reached yet
        if unseen and rng.random() < 0.3:
            method = unseen[0]
        else:
            method = rng.choices(list(weights), weights=list(weights.values()))[0]
        if method in self._method_quota:
            self._method_quota.remove(method)
        if method == LEGAL:
            return self.file_lawsuit(x, on)
        if method == RESTRUCTURING:
            return self.restructure(x, on)
        return self.simple_action(x, method, dil, 0.5 + dil)

    def simple_action(self, x: _Run, method: str, dil: float, strength: float) -> tuple:
        """Direct, village, support and other actions: a chance of success and a share of the balance."""
        rng, borrower = self.rng, x.loan.borrower
        source = None
        if method == DIRECT:
            p, share, cost = (0.25 + 0.35 * dil) * (0.3 if borrower.unwilling else 1.0), rng.uniform(0.04, 0.2), \
                rng.randint(50, 300) * 100
            note = "Home visit by the responsible officer"
        elif method == VILLAGE:
            p, share = 0.35 + 0.25 * borrower.poor + 0.2 * dil, rng.uniform(0.08, 0.3)
            cost = rng.randint(100, 600) * 100
            source = rng.choices(VILLAGE_SOURCES, weights=(3, 4 if borrower.poor else 1, 2))[0]
            note = {"village_funds": "Repaid from village committee funds after a villagers' meeting",
                    "subsidy": "Agricultural subsidy assigned to the loan through the village committee",
                    "collective_property": "Paid with village collective property income"}[source]
        elif method == SUPPORT:
            p, share, cost = 0.5, rng.uniform(0.02, 0.08), rng.randint(0, 150) * 100
            note = "Repayment plan tied to agricultural support services (seed, technical advice)"
        else:
            p, share, cost = 0.3, rng.uniform(0.05, 0.25), rng.randint(50, 1500) * 100
            note = "Guarantor called in under the cooperative's own recovery measures"
        if rng.random() >= p:
            outcome = "promise" if rng.random() < 0.5 else "no_result"
            return method, 0, cost, outcome, source, note + ("; borrower promised to pay" if outcome == "promise"
                                                             else "; nothing recovered")
        amount = max(100, min(x.bal, int(x.bal * share * strength)))
        if x.bal < 500_000 or rng.random() < 0.02 + 0.05 * dil:
            amount = x.bal  # small remainder or a settlement in full
        outcome = "paid_full" if amount >= x.bal else "paid_partial"
        return method, amount, cost, outcome, source, f"{note}; {_yuan(amount)} recovered"

    def restructure(self, x: _Run, on: dt.date) -> tuple:
        """New terms for a borrower who can pay under them: a down payment, then quarterly instalments."""
        rng, loan = self.rng, x.loan
        down = max(100, int(x.bal * rng.uniform(0.05, 0.2)))
        if down >= x.bal:
            down = x.bal
        remaining = x.bal - down
        n = rng.choice((12, 24, 36))
        x.restr_s, x.restr_inst = self.month_index(on), max(1, -(-remaining // n))
        x.state, x.dpd, x.missed = _RESTR, 0, 0
        x.restr_hidden = rng.random() < (0.5 if loan.officer.conceals else 0.1)
        loan.restructured_on = on
        return (RESTRUCTURING, down, rng.randint(100, 500) * 100, "paid_full" if down == x.bal else "paid_partial",
                None, f"Loan restructured over {n} months; down payment {_yuan(down)}")

    def file_lawsuit(self, x: _Run, on: dt.date) -> tuple:
        """Sue: the court's calendar (judgment, enforcement, recovery, closure) becomes scheduled events."""
        rng, loan = self.rng, x.loan
        claim = x.bal + x.bal * loan.rate_bp * min(x.dpd, 1095) // 3_650_000
        secured = loan.guarantee in ("mortgage", "pledge")
        for attempt in range(30):  # the first cases are drawn until each stage shows by the end month
            slow = attempt >= 10  # a congested court, if the ordinary calendar cannot show a missing stage
            judgment = on + _days(rng.randint(75, 420 if slow else 240))
            enforcement = judgment + _days(rng.randint(30, 360 if slow else 200))
            success = rng.random() < 0.55 + 0.25 * secured + 0.1 * loan.borrower.unwilling
            recover_on = enforcement + _days(rng.randint(30, 180)) if success else None
            closed_on = (recover_on or enforcement + _days(rng.randint(60, 240))) + _days(rng.randint(0, 45))
            stage = next(st for st, day in (("closed", closed_on), ("enforcement", enforcement),
                                            ("judgment", judgment), ("filed", on)) if day <= self.end_date)
            if not self._legal_quota or stage in self._legal_quota:
                break
        x.case = _Case(len(self.cases) + 1, loan, self.courts[loan.borrower.cooperative_id], on, claim, judgment,
                       enforcement, recover_on, closed_on)
        self.cases.append(x.case)
        x.events += [(judgment, 3, "judgment", None), (enforcement, 3, "enforcement", None)]
        if recover_on:
            x.events.append((recover_on, 3, "legal_recovery", None))
        cost = int(claim * rng.uniform(0.008, 0.02)) + rng.randint(2000, 12000) * 100
        x.case.costs += cost
        return LEGAL, 0, cost, "no_result", None, f"Lawsuit filed at {x.case.court}, claim {_yuan(claim)}"

    def legal_event(self, x: _Run, on: dt.date, kind: str) -> tuple:
        rng, case = self.rng, x.case
        if kind == "judgment":
            amount = 0
            if rng.random() < 0.15:
                amount = min(x.bal, max(100, int(x.bal * rng.uniform(0.1, 0.4))))
            outcome = "paid_partial" if amount else "promise"
            cost, note = 0, "Judgment for the cooperative" + ("; part paid voluntarily" if amount else "")
        elif kind == "enforcement":
            amount, cost, outcome = 0, int(case.claim * rng.uniform(0.003, 0.01)), "no_result"
            note = "Application for compulsory enforcement"
        else:
            share = rng.uniform(0.7, 1.0) if x.loan.guarantee in ("mortgage", "pledge") else rng.uniform(0.4, 1.0)
            amount = x.bal if share > 0.95 else max(100, int(x.bal * share))
            cost, outcome = rng.randint(0, 2000) * 100, "paid_full" if amount >= x.bal else "paid_partial"
            note = f"Enforcement proceeds paid by the court, {_yuan(amount)}"
        case.costs += cost
        case.recovered += amount
        return LEGAL, amount, cost, outcome, None, note

    # --- foreclosed assets -----------------------------------------------------------------------------------
    def plan_asset(self, x: _Run, s: int, assigned_on: dt.date) -> None:
        """Take an asset in payment (old stock: before the cutoff) and plan its disposal, if any."""
        rng, loan = self.rng, x.loan
        defaulted_on = self.mend[s] - _days(x.dpd)
        if s == self.C and rng.random() < 0.6:
            lo, hi = max(defaulted_on + _days(60), self.cutoff - _days(1000)), self.cutoff - _days(10)
            acquired = (lo + _days(rng.randint(0, (hi - lo).days)) if lo <= hi else
                        assigned_on + _days(rng.randint(20, 150)))
        else:
            acquired = assigned_on + _days(rng.randint(20, 400 if s == self.C else 150))
        if acquired > self.end_date - _days(20):
            return
        forced = bool(self._asset_roles)
        role = self._asset_roles.pop(0) if forced else \
            rng.choices(("disposed", "in_disposal", "pending"), weights=(5, 2, 3))[0]
        pool = list(_ENTERPRISE_ASSETS if loan.borrower.kind == "enterprise" else _HOUSEHOLD_ASSETS)
        if role in ("pending_overdue", "pending_recent"):  # pending past / within the legal disposal limit
            fitting = [t for t in asset_rules.ASSET_TYPES
                       if self.past_disposal_limit(acquired, t) == (role == "pending_overdue")]
            if fitting:
                pool = fitting
            else:
                self._asset_roles.insert(0, role)  # this loan cannot show it; a later asset will
            role = "pending"
        unseen = [t for t in self._asset_types if t in pool]
        asset_type = unseen[0] if unseen else rng.choice(pool)
        if asset_type in self._asset_types:
            self._asset_types.remove(asset_type)
        disposal = None
        if role == "disposed":
            start = max(acquired, self.cutoff)
            room = (self.end_date - _days(5) - start).days
            if forced and room >= 30:
                disposal = start + _days(rng.randint(30, min(600, room)))
            else:
                disposal = start + _days(rng.randint(60, 600))
            if disposal > self.end_date - _days(5):
                if forced:
                    self._asset_roles.insert(0, role)
                disposal, role = None, "in_disposal"
        book = max(100_000, int(x.bal * rng.uniform(0.3, 0.9)))
        appraised = acquired + _days(rng.randint(0, 400)) if rng.random() < 0.85 else None
        if appraised is not None and appraised > self.end_date:
            appraised = self.end_date
        n = {"land_use_right": rng.randint(3, 40), "building": rng.randint(80, 400), "machinery": rng.randint(30, 180),
             "vehicle": rng.randint(2, 10), "livestock": rng.randint(8, 60), "equity": rng.randint(5, 40),
             "other": rng.randint(5, 60)}[asset_type]
        on_bs = len(self.assets) % 2 == 0 if len(self.assets) < 2 else rng.random() < 0.75
        asset = _Asset(len(self.assets) + 1, loan, asset_type, _ASSET_DESCRIPTIONS[asset_type].format(n=n), on_bs,
                       acquired, book, int(book * rng.uniform(0.6, 1.3)) if appraised else None, appraised,
                       "in_disposal" if role == "in_disposal" else "pending", disposal)
        if role == "in_disposal" and asset_type in ("land_use_right", "building") and rng.random() < 0.5:
            asset.lease_income = int(book * rng.uniform(0.02, 0.08))  # leased out while a buyer is sought
        self.assets.append(asset)
        x.asset = asset
        if disposal is not None:
            x.events.append((disposal, 3, "dispose", None))

    def past_disposal_limit(self, acquired: dt.date, asset_type: str) -> bool:
        """Still undisposed at the end month, an asset acquired then would be past its legal time limit."""
        years = asset_rules.limit_years(asset_type)
        return asset_rules.disposal_deadline(acquired, years) < self.end_date

    def dispose_asset(self, x: _Run, on: dt.date) -> tuple:
        rng, asset = self.rng, x.asset
        method = rng.choice(_DISPOSAL_METHODS_BY_TYPE[asset.asset_type])
        if method == "leasing":
            proceeds = int(asset.book_value * rng.uniform(0.3, 0.7))
            asset.lease_income = int(asset.book_value * rng.uniform(0.05, 0.15))
        else:
            proceeds = int(asset.book_value * rng.uniform(0.6, 1.5))
        asset.status, asset.disposal_method, asset.proceeds = asset_rules.DISPOSED, method, proceeds
        amount = min(x.bal, proceeds)
        cost = int(proceeds * rng.uniform(0.01, 0.05))
        return (ASSET_DISPOSAL, amount, cost, "paid_full" if amount >= x.bal else "paid_partial", None,
                f"{asset.description} disposed by {method}; proceeds {_yuan(proceeds)}")

    def finish(self, x: _Run, closed_on: dt.date | None) -> None:
        """Settle what outlives the simulation: court dates not reached, an asset disposal that did not happen."""
        case = x.case
        if case is not None:
            if closed_on is not None and closed_on < case.closed_on:
                case.closed_on = closed_on + _days(self.rng.randint(5, 40))
            limit = min(self.end_date, case.closed_on)
            case.judgment_on = case.judgment_on if case.judgment_on <= limit else None
            case.enforcement_on = case.enforcement_on if case.enforcement_on <= limit else None
            case.closed_on = case.closed_on if case.closed_on <= self.end_date else None
            case.stage = ("closed" if case.closed_on else "enforcement" if case.enforcement_on else
                          "judgment" if case.judgment_on else "filed")
            if case.stage in self._legal_quota:
                self._legal_quota.remove(case.stage)
        asset = x.asset
        if asset is not None and asset.status != asset_rules.DISPOSED and asset.disposal_on is not None:
            asset.disposal_on, asset.status = None, "in_disposal"
        x.events = []

    # --- people and decisions -----------------------------------------------------------------------------
    def pick_demo_officer(self) -> None:
        """The 'officer' login: an officer of C01 holding overdue assignments (the one prepared, if it does)."""
        held: dict[int, list[_Assignment]] = defaultdict(list)
        for a in self.assignments:
            held[a.officer.id].append(a)

        def key(o: _Officer) -> tuple:
            overdue = sum(a.outcome == OPEN and a.deadline < self.end_date for a in held[o.id])
            return overdue > 0, o is self.demo_officer, not o.conceals, len(held[o.id]), -o.id

        self.demo_officer = max(self.coop_officers[1], key=key)

    def stamp(self, day: dt.date) -> dt.datetime:
        """A working-hours timestamp on a day, never after the end of the end month."""
        day = min(day, self.end_date)
        return dt.datetime.combine(day, dt.time(8 + self.rng.randint(0, 9), self.rng.randint(0, 59)))

    def reviews(self, supervisor_id: int, supervisor_c1_id: int) -> tuple[list[dict], list[dict]]:
        """Quarterly written evaluations of officers after the cutoff, linked to the assignments reviewed."""
        rng, rows, links = self.rng, [], []
        by_officer: dict[int, list[_Assignment]] = defaultdict(list)
        for a in self.assignments:
            by_officer[a.officer.id].append(a)
        q = dt.date(self.cutoff.year, (self.cutoff.month - 1) // 3 * 3 + 1, 1)
        if q < self.cutoff:
            q = _add_months(q, 3)
        while _add_months(q, 3) - _days(1) <= self.end_date:
            q_end = _add_months(q, 3) - _days(1)
            for officer in self.officers:
                held = [a for a in by_officer[officer.id] if a.assigned_on <= q_end and
                        (a.closed_on is None or a.closed_on >= q)]
                if not held or rng.random() >= 0.45:
                    continue
                met = sum(1 for a in held if a.outcome == RECOVERED and a.closed_on and q <= a.closed_on <= q_end)
                missed = sum(1 for a in held if a.outcome in (MISSED, PARTIAL) and a.closed_on and
                             q <= a.closed_on <= q_end)
                late = sum(1 for a in held if a.deadline < q_end and (a.closed_on is None or a.closed_on > q_end))
                score = 0.6 * officer.diligence + 0.4 * (met / (met + missed) if met + missed else 0.5)
                score += rng.uniform(-0.12, 0.12) - 0.05 * late
                rating = dec.REVIEW_RATINGS[0 if score > 0.78 else 1 if score > 0.6 else 2 if score > 0.45
                                            else 3 if score > 0.3 else 4]
                remark = {"excellent": "Recoveries ahead of targets; keep as a reference for the team.",
                          "good": "Steady recovery work; follow up promises more quickly.",
                          "satisfactory": "Targets partly met; more village-coordinated visits advised.",
                          "needs_improvement": "Deadlines slipping; weekly follow-up with the supervisor.",
                          "unsatisfactory": "Few actions recorded and targets missed; sanction to be considered."}
                findings = (f"Q{(q.month - 1) // 3 + 1} {q.year}: {len(held)} NPL assignments held, {met} targets met, "
                            f"{missed} missed or partial, {late} past deadline. {remark[rating]}")
                rid = len(rows) + 1
                reviewer = supervisor_c1_id if officer.cooperative_id == 1 and rng.random() < 0.5 else supervisor_id
                rows.append({"id": rid, "officer_id": officer.id, "cooperative_id": officer.cooperative_id,
                             "period_start": q, "period_end": q_end, "rating": rating, "findings": findings,
                             "reviewer_id": reviewer, "created_at": self.stamp(q_end + _days(rng.randint(3, 20)))})
                for a in rng.sample(held, min(3, len(held))):
                    links.append({"review_id": rid, "assignment_id": a.id})
            q = _add_months(q, 3)
        return rows, links

    def decisions(self, proposer_id: int, proposer_c1_id: int, director_id: int) -> tuple[list[dict], list[dict]]:
        """Sanctions for officers who missed targets, rewards for the best recoverers, in every status.

        About half of the officers with missed assignments get no decision at all, and most overdue open
        assignments stay unlinked: the accountability gap the dashboard must show.
        """
        rng = self.rng
        by_officer: dict[int, list[_Assignment]] = defaultdict(list)
        for a in self.assignments:
            by_officer[a.officer.id].append(a)
        officers = {o.id: o for o in self.officers}

        def count(oid: int, *outcomes: str) -> int:
            return sum(a.outcome in outcomes for a in by_officer[oid])

        def badness(oid: int) -> float:
            overdue = sum(a.outcome == OPEN and a.deadline < self.end_date for a in by_officer[oid])
            return (2 * count(oid, MISSED) + count(oid, PARTIAL) + overdue) / max(3, len(by_officer[oid]))

        def recovered(oid: int) -> int:
            return sum(a.recovered for a in by_officer[oid] if a.outcome == RECOVERED)

        missed = [a for a in self.assignments if a.outcome == MISSED]
        forgotten = max(missed, key=lambda a: (a.closed_on, a.id)) if missed else None  # the newest stays undecided
        missers = sorted((oid for oid in by_officer if count(oid, MISSED, PARTIAL)),
                         key=lambda oid: (-badness(oid), oid))
        chosen = missers[: max(1, len(missers) * 11 // 20)]
        plans: list[tuple[int, str]] = []
        worst = next((oid for oid in chosen if oid != self.demo_officer.id), None)  # the demo login stays active
        for rank, oid in enumerate(chosen):  # the worse the record, the heavier the sanction
            share = rank / len(chosen)
            if officers[oid].conceals:
                kind = dec.LEGAL_REFERRAL
            elif oid == worst:
                kind = dec.DISMISSAL
            else:
                kind = (dec.DUTY_SUSPENSION if share < 0.12 else dec.COMPENSATION if share < 0.3 else
                        dec.SALARY_SUSPENSION if share < 0.55 else dec.WARNING)
            plans.append((oid, kind))
        recoverers = sorted((oid for oid in by_officer if oid not in chosen and count(oid, RECOVERED) >= 2 and
                             count(oid, RECOVERED) >= count(oid, MISSED, PARTIAL)),
                            key=lambda oid: (-recovered(oid), oid))
        if not recoverers:
            recoverers = sorted((oid for oid in by_officer if count(oid, RECOVERED)),
                                key=lambda oid: (-recovered(oid), oid))
        plans += [(oid, dec.REWARD) for oid in recoverers[: max(1, len(self.officers) // 12)]]
        # every kind appears at least once: the missing ones go to the next sanction candidates
        spare = chosen + [oid for oid in missers if oid not in chosen]
        spare += sorted((oid for oid in by_officer if oid not in spare), key=lambda oid: (-badness(oid), oid))
        for kind in dec.KINDS:
            if kind != dec.REWARD and spare and all(k != kind for _, k in plans):
                oid = spare.pop(0)
                if kind == dec.DISMISSAL and oid == self.demo_officer.id and spare:
                    oid = spare.pop(0)
                plans.append((oid, kind))
        rows, links = [], []
        for oid, kind in plans:
            officer, lst = officers[oid], by_officer[oid]
            if kind == dec.REWARD:
                linked = [a for a in lst if a.outcome == RECOVERED][:4]
                amount = min(3_000_000, max(100_000, int(sum(a.recovered for a in linked) * rng.uniform(0.01, 0.03))))
                reason = f"Reward for recovering {_yuan(sum(a.recovered for a in linked))} on {len(linked)} NPLs"
            else:
                failed = [a for a in lst if a.outcome in (MISSED, PARTIAL) and a is not forgotten]
                linked = rng.sample(failed, min(3, len(failed) - 1)) if len(failed) > 1 else failed
                overdue = [a for a in lst if a.outcome == OPEN and a.deadline < self.end_date]
                if overdue and (rng.random() < 0.3 or not linked):
                    linked.append(overdue[0])
                if not linked:  # an officer without a failure yet: a warning about the pace of an open one
                    linked = [a for a in lst if a is not forgotten][:1]
                shortfall = sum(max(0, a.target - a.recovered) for a in linked)
                amount = min(5_000_000, max(200_000, int(shortfall * rng.uniform(0.02, 0.08)))) \
                    if kind == dec.COMPENSATION else None
                what = ("recovery targets missed or only partly met" if any(a.outcome != OPEN for a in linked)
                        else "assignments behind their deadline")
                reason = (f"{len(linked)} {what}; shortfall {_yuan(shortfall)}"
                          + ("; NPLs recorded as performing" if officer.conceals else ""))
            if not linked:
                continue
            basis = max(a.closed_on or a.deadline for a in linked)
            proposed = min(basis + _days(rng.randint(5, 40)), self.end_date - _days(1))
            did = len(rows) + 1
            rows.append({"id": did, "officer_id": oid, "cooperative_id": officer.cooperative_id, "kind": kind,
                         "amount_cents": amount if kind in dec.KINDS_WITH_AMOUNT else None,
                         "months": rng.randint(1, 6) if kind in dec.KINDS_WITH_MONTHS else None,
                         "reason": reason, "effective_on": proposed, "status": dec.PENDING,
                         "proposed_by_id": proposer_c1_id if officer.cooperative_id == 1 and rng.random() < 0.5
                         else proposer_id, "proposed_at": self.stamp(proposed), "decided_by_id": None,
                         "decided_at": None, "decision_comment": None, "revoked_by_id": None, "revoked_at": None,
                         "revocation_reason": None})
            links += [{"decision_id": did, "assignment_id": a.id} for a in linked]
        # statuses: the newest proposals wait; the rest are decided by the director (four eyes)
        order = sorted(rows, key=lambda r: (r["proposed_at"], r["id"]))
        n_pending = max(1, len(order) // 6)
        statuses = [rng.choices((dec.APPROVED, dec.REJECTED, dec.REVOKED), weights=(70, 15, 15))[0]
                    for _ in order[:-n_pending]] + [dec.PENDING] * n_pending
        for status in (dec.APPROVED, dec.REJECTED, dec.REVOKED):  # every status shows at least once
            if status not in statuses:
                spare_ix = [i for i, st in enumerate(statuses) if st != dec.PENDING and statuses.count(st) > 1]
                if spare_ix:
                    statuses[spare_ix[0]] = status
        for row, status in zip(order, statuses):
            if status == dec.PENDING:
                continue
            proposed = row["proposed_at"]
            decided = proposed + dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))
            if decided.date() > self.end_date:
                decided = proposed + dt.timedelta(hours=2)
            row.update(status=status, decided_by_id=director_id, decided_at=decided, effective_on=decided.date())
            if status == dec.REJECTED:
                row["decision_comment"] = "Rejected: the file does not show the officer could have met the target"
                continue
            row["decision_comment"] = "Approved after reviewing the assignments and the officer's statement"
            if status == dec.REVOKED:
                revoked = decided + dt.timedelta(days=rng.randint(5, 60))
                if revoked.date() > self.end_date:
                    revoked = decided + dt.timedelta(hours=3)
                row.update(revoked_by_id=director_id, revoked_at=revoked,
                           revocation_reason="Revoked: the borrower repaid after the decision and the officer appealed")
            if status == dec.APPROVED and row["kind"] == dec.DISMISSAL:
                self.dismissed.add(row["officer_id"])
        return rows, links

    def world_tables(self) -> Iterator[tuple[type[Base], list[dict]]]:
        """Cooperatives, villages, officers and borrowers (in batches): written before the loans that refer to them.

        Officers are written active; those dismissed by an approved decision are switched off at the end.
        Borrower names are needed only here, so they are dropped once written.
        """
        yield Cooperative, self.coops
        yield Village, self.villages
        yield Officer, [{"id": o.id, "cooperative_id": o.cooperative_id, "name": o.name,
                         "employee_no": f"E{o.cooperative_id:02d}{o.id:04d}", "active": True,
                         "hired_on": self.first_issue - _days(365 * (1 + o.id % 15) + o.id % 200)}
                        for o in self.officers]
        for start in range(0, len(self.borrowers), STREAM_ROWS):
            yield Borrower, [{"id": b.id, "cooperative_id": b.cooperative_id, "village_id": b.village_id,
                              "name": self.borrower_names[b.id - 1], "kind": b.kind, "poor_household": b.poor,
                              "able_but_unwilling": b.unwilling} for b in self.borrowers[start:start + STREAM_ROWS]]
        self.borrower_names = []

    def closing_tables(self) -> dict[type[Base], list[dict]]:
        """What is known only once every loan is simulated: users, cases, assets, reviews and decisions."""
        user_ids = _USER_IDS
        reviews, review_links = self.reviews(user_ids["supervisor"], user_ids["supervisor_c1"])
        decisions, decision_links = self.decisions(user_ids["supervisor"], user_ids["supervisor_c1"],
                                                   user_ids["director"])
        codes = {c["id"]: c["code"] for c in self.coops}
        created = dt.datetime.combine(self.cutoff - _days(7), dt.time(9, 0))
        users = [{"id": user_ids[name], "username": name, "email": f"{name}@demo.example",
                  "display_name": self.demo_officer.name if name == "officer" else _USER_NAMES[name],
                  "password_hash": _demo_password_hash(password), "role": role,
                  "cooperative_id": next(cid for cid, code in codes.items() if code == scope) if scope else None,
                  "officer_id": self.demo_officer.id if name == "officer" else None, "active": True,
                  "failed_logins": 0, "locked_until": None, "created_at": created}
                 for name, password, role, scope in DEMO_USERS]
        cases = [{"id": c.id, "loan_id": c.loan.id, "cooperative_id": c.loan.borrower.cooperative_id,
                  "court": c.court, "filed_on": c.filed_on, "claim_cents": c.claim, "stage": c.stage,
                  "judgment_on": c.judgment_on, "enforcement_on": c.enforcement_on, "closed_on": c.closed_on,
                  "costs_cents": c.costs, "recovered_cents": c.recovered} for c in self.cases]
        assets = [{"id": a.id, "loan_id": a.loan.id, "cooperative_id": a.loan.borrower.cooperative_id,
                   "asset_type": a.asset_type, "description": a.description, "on_balance_sheet": a.on_balance_sheet,
                   "acquired_on": a.acquired_on, "book_value_cents": a.book_value, "appraisal_cents": a.appraisal,
                   "appraised_on": a.appraised_on, "status": a.status, "disposal_method": a.disposal_method,
                   "disposed_on": a.disposal_on if a.status == asset_rules.DISPOSED else None,
                   "proceeds_cents": a.proceeds, "lease_income_cents": a.lease_income} for a in self.assets]
        return {AppUser: users, LegalCase: cases, ForeclosedAsset: assets, Review: reviews,
                ReviewAssignment: review_links, Decision: decisions, DecisionAssignment: decision_links}


# --- writing ---------------------------------------------------------------------------------------------
def _reset_sequences(session: Session) -> None:
    """After inserting explicit ids, PostgreSQL's sequences must continue after them (SQLite needs nothing)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                 f"COALESCE((SELECT MAX(id) FROM {table.name}), 1), "
                                 f"(SELECT COUNT(*) FROM {table.name}) > 0)"))


def is_empty(engine: Engine) -> bool:
    """True when the database holds no cooperative, loan or user: safe to fill with demo data."""
    with transaction(engine) as session:
        return not any(session.scalar(select(func.count()).select_from(model)) for model in
                       (Cooperative, Loan, AppUser))


def delete_all(engine: Engine) -> None:
    """Empty the database for ``--replace``, audit trail included (it is append-only, so no DELETE).

    PostgreSQL: TRUNCATE, which needs table-owner rights (production's app user has none: a safety catch).
    SQLite: drop every table and migrate again; DROP TABLE fires no trigger.
    """
    tables = Base.metadata.sorted_tables
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY CASCADE"))
            return
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_schema(engine)


def generate(engine: Engine, *, loans: int = DEFAULT_LOANS, months: int = DEFAULT_MONTHS, seed: int = DEFAULT_SEED,
             end_month: dt.date | None = None, cooperatives: int = 10, officers: int = 100) -> DemoSummary:
    """Fill an empty, migrated database with the demo story; one transaction, aggregates rebuilt.

    Deterministic: the same arguments (with an explicit end_month) always give the same rows, because all
    randomness comes from ``random.Random(seed)`` and no value depends on the clock (only the elapsed time
    reported does, and the password salts).
    """
    started = time.perf_counter()
    g = _Generator(loans=loans, months=months, seed=seed, end_month=end_month or default_end_month(),
                   cooperatives=cooperatives, officers=officers)
    g.build_world()
    g.build_loans()
    counts: dict[type[Base], int] = defaultdict(int)
    with transaction(engine) as session:
        def write(model: type[Base], rows: list[dict]) -> None:
            insert_rows(session, model.__table__, rows)
            counts[model] += len(rows)

        for model, rows in g.world_tables():
            write(model, rows)
        g.simulate(write)
        g.pick_demo_officer()
        for model, rows in g.closing_tables().items():
            write(model, rows)
        if g.dismissed:
            session.execute(update(Officer).where(Officer.id.in_(sorted(g.dismissed))).values(active=False))
        seed_settings(session, Settings(segment_cutoff=g.cutoff, npl_reduction_target_pct=15.0))
        insert_rows(session, AuditLog.__table__, [{
            "id": 1, "at": dt.datetime.combine(g.end_date + _days(1), dt.time(6, 0)), "user_id": None,
            "username": "system", "action": "demo.generate", "entity": "database", "entity_id": "",
            "before": None, "after": json.dumps({"loans": loans, "months": months, "seed": seed,
                                                 "end_month": g.end_month.isoformat(),
                                                 "cooperatives": cooperatives, "officers": officers},
                                                sort_keys=True)}])
        _reset_sequences(session)
        session.flush()
        rebuild_all(session)
    return DemoSummary(cooperatives=counts[Cooperative], villages=counts[Village], officers=counts[Officer],
                       borrowers=counts[Borrower], loans=counts[Loan], loan_months=counts[LoanMonth],
                       assignments=counts[Assignment], collection_actions=counts[CollectionAction],
                       legal_cases=counts[LegalCase], foreclosed_assets=counts[ForeclosedAsset],
                       reviews=counts[Review], decisions=counts[Decision], users=counts[AppUser],
                       first_month=g.first_month, end_month=g.end_month, segment_cutoff=g.cutoff,
                       elapsed_seconds=round(time.perf_counter() - started, 2))


def ensure_demo_database(engine: Engine, *, loans: int = DEFAULT_LOANS, months: int = DEFAULT_MONTHS,
                         seed: int = DEFAULT_SEED, end_month: dt.date | None = None, cooperatives: int = 10,
                         officers: int = 100) -> bool:
    """Upgrade the schema and, on a database with no cooperative, loan or user yet, generate the demo; True if it
    did.

    The app calls this on first start so ``streamlit run app.py`` works on a fresh machine; the sizes are
    those of :func:`generate` (tests pass a small demo). A database someone has begun to fill -- an admin made
    by ``python -m data.setup create-admin``, a first cooperative -- never gets demo rows or demo accounts.
    """
    upgrade_schema(engine)
    if not is_empty(engine):
        return False
    generate(engine, loans=loans, months=months, seed=seed, end_month=end_month, cooperatives=cooperatives,
             officers=officers)
    return True


# --- command line ------------------------------------------------------------------------------------------
def _parse_month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM, got {value!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=DEFAULT_LOANS, help="number of loans (default %(default)s)")
    parser.add_argument("--months", type=int, default=DEFAULT_MONTHS,
                        help="months of history ending at --end (default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--end", type=_parse_month, default=None,
                        help="last month, YYYY-MM (default: the last complete month)")
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL or data/npl.db)")
    parser.add_argument("--replace", action="store_true", help="delete every row first if the database has data")
    args = parser.parse_args(argv)
    engine = make_engine(args.url or database_url())
    try:
        upgrade_schema(engine)
        if not is_empty(engine):
            if not args.replace:
                print("the database already holds data; use --replace to delete it and generate again",
                      file=sys.stderr)
                return 2
            delete_all(engine)
        summary = generate(engine, loans=args.loans, months=args.months, seed=args.seed, end_month=args.end)
    finally:
        engine.dispose()
    print(summary.line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
