"""What the simulation keeps of each officer, borrower, loan, assignment, case and asset, and the
summary of a run.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from data.demo.parameters import _PERF
from domain.assignments import OPEN
from domain.classes import SPECIAL_MENTION


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

def _yuan(cents: int) -> str:
    return f"{cents / 100:,.0f} CNY"

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
    disposal_cost: int | None = None
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
