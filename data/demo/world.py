"""The union the demo simulates: cooperatives, villages, officers, borrowers and the book of loans,
drawn before the simulation so that the same seed gives the same rows.
"""
from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence

from data.demo.months import _days, cutoff_months_before_end
from data.demo.names import _COOPERATIVES, _COUNTIES, _GIVEN, _INDUSTRIES, _SURNAMES, _VILLAGE_HEADS, _VILLAGE_TAILS
from data.demo.parameters import (PRE_WINDOW_MONTHS, STREAM_ROWS, _ENTERPRISE_PURPOSES, _GUARANTEES,
    _HOUSEHOLD_PURPOSES, _PURPOSE_RISK, _RATE_RANGE, _TERMS)
from data.demo.records import _Asset, _Assignment, _Borrower, _Case, _Loan, _Officer
from data.models import Base, Borrower, Cooperative, Officer, Village
from domain import assets as asset_rules
from domain.methods import LEGAL, OTHER, RESTRUCTURING, SUPPORT, VILLAGE
from domain.months import month_start, previous_month


class World:
    """The union and its book of loans, drawn before the simulation. A part of data.demo.generator._Generator."""

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

    def day_in(self, s: int, lo: int = 1, hi: int | None = None) -> dt.date:
        """A random day of simulated month s between day lo and day hi (default: its last day)."""
        hi = min(hi or self.dim[s], self.dim[s])
        return self.mstart[s] + _days(self.rng.randint(min(lo, hi), hi) - 1)

    def month_index(self, day: dt.date) -> int:
        return (day.year - self.mstart[0].year) * 12 + day.month - self.mstart[0].month

    def person_name(self) -> str:
        return f"{self.rng.choice(_SURNAMES)} {self.rng.choice(_GIVEN)}"

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
