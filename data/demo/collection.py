"""Collection of a recognised NPL: assignments, reviews of missed targets, and the actions of every
method (direct, village-coordinated, support-linked, restructuring, legal).
"""
from __future__ import annotations

import datetime as dt

from data.demo.months import _add_months, _days
from data.demo.parameters import _DEF, _RESTR
from data.demo.records import _Assignment, _Case, _Loan, _Officer, _Run, _yuan
from domain.assignments import MISSED, OPEN, PARTIAL, REASSIGNED, RECOVERED
from domain.methods import DIRECT, LEGAL, OTHER, RESTRUCTURING, SUPPORT, VILLAGE, VILLAGE_SOURCES


class Collection:
    """Assignments of NPLs and the collection actions of every method. A part of data.demo.generator._Generator."""

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
