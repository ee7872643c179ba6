"""Each loan simulated month by month from its issue to repayment or the end month: payments,
arrears, default, concealment, evergreening; the simulated loans written in batches.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from data.demo.months import _add_months, _days
from data.demo.parameters import (RECENT_MONTHS, STREAM_ROWS, WRITE_OFF_DAYS, _DEF, _DEFAULT_HAZARD_NEW, _DEFAULT_HAZARD_OLD,
    _DEFAULT_HAZARD_PRE_WINDOW, _PERF, _PURPOSE_RISK, _RESTR, _TEMP, _TEMP_HAZARD, _TEMP_LENGTHS)
from data.demo.records import _Loan, _Run
from data.models import Assignment, Base, CollectionAction, Loan, LoanMonth
from domain import assets as asset_rules
from domain.assignments import MISSED, OPEN, PARTIAL
from domain.classes import DOUBTFUL, LOSS, NORMAL, SPECIAL_MENTION, SUBSTANDARD
from domain.methods import DIRECT


def _floor_class(dpd: int, restructured: bool) -> str:
    """domain.classes.floor_class with the default thresholds, inlined: it runs once per loan-month."""
    if dpd > 360:
        return LOSS
    if dpd > 270:
        return DOUBTFUL
    if dpd > 90 or restructured:
        return SUBSTANDARD
    return SPECIAL_MENTION if dpd > 0 else NORMAL


class Lifecycle:
    """Each loan's months, from issue to repayment or the end month. A part of data.demo.generator._Generator."""

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
