"""The checks of a loan tape, one chunk of rows at a time, with what must be remembered across chunks.

Why chunks: a union's monthly tape has a million rows; holding every parsed row before writing took 2.3 GB
(docs/benchmarks.md). The file is now read, checked and written a chunk at a time (data.importer.tape), so
only what spans rows is kept: the contracts seen (duplicates, refinancing of a contract elsewhere in the file),
the known loans of the file (loans left out), the cooperatives, the borrower names that change, and the
refinancing links to a contract that may still come later in the file. Each rule is the one the whole-file
check applied; a problem's value is the cell as written.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.importer.problems import Problems, shown
from data.importer.rows import AS_WRITTEN
from data.importer.tape_write import Known, lookup_known
from data.models import Cooperative, Loan, LoanMonth, Officer, Village
from domain.classes import NPL_CLASSES
from domain.months import month_end
from domain.scope import Actor

#: borrower name changes listed in the report; more are counted
MAX_NAME_CHANGES = 1_000


@dataclass(frozen=True)
class Shrink:
    """Loans open in the reference month that the file leaves out: they would count as closed.

    The reference month is the imported month when it already holds rows of the file's cooperatives (a
    re-import), otherwise the latest month before it that does.
    """

    reference_month: dt.date
    loans_before: int
    loans_missing: int
    balance_missing_cents: int
    npl_missing_cents: int
    limit_pct: float

    @property
    def share_pct(self) -> float:
        return 100.0 * self.loans_missing / self.loans_before if self.loans_before else 0.0

    @property
    def exceeds(self) -> bool:
        return self.share_pct > self.limit_pct


class _RowProblems:
    """The run's problems, with a row rule's value (AS_WRITTEN) filled in from the chunk's cell as written."""

    def __init__(self, problems: Problems, raw: dict[int, list], index_of: dict[str, int]) -> None:
        self.problems, self.raw, self.index_of = problems, raw, index_of

    def append(self, problem: tuple) -> None:
        row_no, name, value, reason = problem
        if value is AS_WRITTEN:
            cells, index = self.raw.get(row_no, ()), self.index_of.get(name, 10**9)
            value = shown(cells[index]) if index < len(cells) else ""
        self.problems.append((row_no, name, value, reason))


def _row_rules(values: dict, row_no: int, last_day: dt.date | None, problems: _RowProblems) -> None:
    """Checks of one row against itself: signs, arrears consistent with amounts and dates (``last_day``: the
    imported month's last day)."""
    def bad(name: str, reason: str) -> None:
        problems.append((row_no, name, AS_WRITTEN, f"error.import.{reason}"))

    outstanding, overdue, dpd = values.get("outstanding"), values.get("overdue"), values.get("days_past_due")
    for name, value in (("outstanding", outstanding), ("overdue", overdue), ("days_past_due", dpd)):
        if value is not None and value < 0:
            bad(name, "negative")
    principal = values.get("principal")
    if principal is not None and principal <= 0:
        bad("principal", "principal_not_positive")
    if outstanding is not None and overdue is not None and dpd is not None and min(outstanding, overdue, dpd) >= 0:
        if overdue > outstanding:
            bad("overdue", "overdue_above_balance")
        elif dpd > 0 and overdue == 0:
            bad("days_past_due", "dpd_without_overdue")
        elif dpd == 0 and overdue > 0:
            bad("days_past_due", "overdue_without_dpd")
    issued, maturity = values.get("issue_date"), values.get("maturity_date")
    if issued and maturity and maturity < issued:
        bad("maturity_date", "maturity_before_issue")
    if issued and last_day:
        if issued > last_day:
            bad("issue_date", "issued_after_month")
        elif dpd is not None and dpd > (last_day - issued).days:
            bad("days_past_due", "dpd_before_issue")


@dataclass
class Chunk:
    """One chunk of checked rows, ready to write: the rows' values, the known loans among them, and the ids of
    the contracts their rows refinance that are already on record (others are in the file)."""

    rows: list[dict]
    existing: dict[str, Known]
    refinanced: dict[str, int]


@dataclass
class TapeCheck:
    """What the check of a tape keeps from chunk to chunk."""

    session: Session
    actor: Actor
    month: dt.date
    problems: Problems
    limit_pct: float
    cooperatives: dict[str, int] = field(default_factory=dict)
    villages: dict[str, tuple[int, int]] = field(default_factory=dict)
    officers: dict[str, tuple[int, int]] = field(default_factory=dict)
    contracts: set[str] = field(default_factory=set)  # every contract of the file so far
    file_loans: set[int] = field(default_factory=set)  # loans on record that the file holds
    cooperative_ids: set[int] = field(default_factory=set)
    name_changes: list[tuple[int, str, str, str]] = field(default_factory=list)
    name_change_count: int = 0
    #: (row, cell as written, contract) of rows refinancing a contract not on record and not (yet) in the file
    later_refinanced: list[tuple[int, str, str]] = field(default_factory=list)
    newest_loan_before: int = 0  # loans above this id were created by this import (seen when looked up again)

    def __post_init__(self) -> None:
        session = self.session
        self.cooperatives = dict(session.execute(select(Cooperative.code, Cooperative.id)).all())
        self.villages = {code: (vid, coop) for code, vid, coop in session.execute(
            select(Village.code, Village.id, Village.cooperative_id))}
        self.officers = {no: (oid, coop) for no, oid, coop in session.execute(
            select(Officer.employee_no, Officer.id, Officer.cooperative_id))}
        self.newest_loan_before = session.scalar(select(func.max(Loan.id))) or 0

    def check(self, body: list[tuple[int, list]], rows: list[dict], index_of: dict[str, int]) -> Chunk:
        """Check a chunk's parsed rows (problems go to ``self.problems``); returns them ready to write."""
        problems = _RowProblems(self.problems, dict(body), index_of)
        actor, last_day = self.actor, month_end(self.month)
        chunk_contracts = sorted({v["contract_no"] for v in rows if v.get("contract_no") is not None})
        existing = {c: k for c, k in lookup_known(self.session, chunk_contracts).items()
                    if k.loan_id <= self.newest_loan_before}
        in_chunk = set(chunk_contracts)
        refs = {v["refinances_contract"] for v in rows if v.get("refinances_contract")}
        # contracts refinanced that are on record before this import (not loans this import created)
        known_refs = {c: k for c, k in lookup_known(self.session, sorted(refs - in_chunk)).items()
                      if k.loan_id <= self.newest_loan_before}
        knowns = {**known_refs, **existing}
        for (row_no, _), values in zip(body, rows):
            _row_rules(values, row_no, last_day, problems)
            contract = values.get("contract_no")
            if contract is not None:
                if contract in self.contracts:
                    problems.append((row_no, "contract_no", shown(contract), "error.import.duplicate_contract"))
                else:
                    self.contracts.add(contract)
            coop_code = values.get("cooperative_code")
            coop_id = self.cooperatives.get(coop_code) if coop_code is not None else None
            if coop_code is not None and (coop_id is None or not actor.scope.allows(coop_id)):
                # a scoped admin is told the same for a code that does not exist and one of another cooperative
                reason = "unknown_cooperative" if actor.scope.cooperative_ids is None else "cooperative_out_of_scope"
                problems.append((row_no, "cooperative_code", shown(coop_code), f"error.import.{reason}"))
                coop_id = None
            employee = values.get("officer_employee_no")
            if employee is not None:
                officer = self.officers.get(employee)
                if officer is None or not actor.scope.allows(officer[1]):  # nothing said of other cooperatives' staff
                    problems.append((row_no, "officer_employee_no", shown(employee), "error.import.unknown_officer"))
                elif coop_id is not None and officer[1] != coop_id:
                    problems.append((row_no, "officer_employee_no", shown(employee),
                                     "error.import.officer_other_cooperative"))
                else:
                    values["officer_id"] = officer[0]
            self._optional_columns(values, row_no, coop_id, knowns, problems)
            known = existing.get(contract)
            if coop_id is not None:
                values["cooperative_id"] = coop_id
                self.cooperative_ids.add(coop_id)
                if known is not None and known.cooperative_id != coop_id:
                    problems.append((row_no, "cooperative_code", shown(coop_code),
                                     "error.import.cooperative_changed"))
            if known is not None:
                self.file_loans.add(known.loan_id)
                if values.get("borrower_name") is not None and values["borrower_name"] != known.name:
                    self.name_change_count += 1
                    if len(self.name_changes) < MAX_NAME_CHANGES:
                        self.name_changes.append((row_no, contract, known.name, values["borrower_name"]))
        return Chunk(rows, existing, {c: k.loan_id for c, k in known_refs.items()})

    def _optional_columns(self, values: dict, row_no: int, coop_id: int | None, knowns: dict[str, Known],
                          problems: _RowProblems) -> None:
        """The columns a union's own system may add: village, refinanced contract, restructuring, write-off."""
        def bad(name: str, reason: str) -> None:
            problems.append((row_no, name, AS_WRITTEN, f"error.import.{reason}"))

        code = values.get("village_code")
        if code:
            village = self.villages.get(code)
            if village is None or not self.actor.scope.allows(village[1]):
                bad("village_code", "unknown_village")
            elif coop_id is not None and village[1] != coop_id:
                bad("village_code", "village_other_cooperative")
            else:
                values["village_id"] = village[0]
        refinanced = values.get("refinances_contract")
        if refinanced:
            known = knowns.get(refinanced)
            if refinanced == values.get("contract_no"):
                bad("refinances_contract", "refinances_itself")
            elif known is None and refinanced not in self.contracts:
                # perhaps a new contract further down the file: decided when the whole file has been read
                cells = problems.raw.get(row_no, ())
                index = problems.index_of.get("refinances_contract", 10**9)
                self.later_refinanced.append((row_no, shown(cells[index]) if index < len(cells) else "", refinanced))
            elif known is not None and coop_id is not None and known.cooperative_id != coop_id:
                bad("refinances_contract", "unknown_refinanced_contract")  # nothing said of other cooperatives
        restructured = values.get("restructured_on")
        if restructured and (restructured > month_end(self.month) or
                             (values.get("issue_date") and restructured < values["issue_date"])):
            bad("restructured_on", "restructured_outside_loan")
        if (values.get("written_off") or 0) < 0:
            bad("written_off", "negative")
        if (values.get("provision") or 0) < 0:
            bad("provision", "negative")

    def finish(self) -> None:
        """The checks that needed the whole file: a refinanced contract must be somewhere in it."""
        for row_no, cell, contract in self.later_refinanced:
            if contract not in self.contracts:
                self.problems.append((row_no, "refinances_contract", cell,
                                      "error.import.unknown_refinanced_contract"))


def shrink_of(session: Session, month: dt.date, cooperative_ids: set[int], file_loans: set[int], limit_pct: float,
              *, reference: dt.date | None = None, snapshot_batch: int | None = None) -> Shrink | None:
    """How many loans open in the reference month the file leaves out, and their balances.

    ``reference`` is found here unless given; when the import has already replaced the month's rows
    (``snapshot_batch``), a reference month equal to the imported month is read from that import's snapshot.
    """
    from data.models import ImportSnapshot

    coops = sorted(cooperative_ids)
    if reference is None and snapshot_batch is None:
        reference = session.scalar(select(func.max(LoanMonth.month)).where(
            LoanMonth.month <= month, LoanMonth.cooperative_id.in_(coops)))
    if reference is None:
        return None
    table = ImportSnapshot if (snapshot_batch is not None and reference == month) else LoanMonth
    open_rows = (select(table.loan_id, table.outstanding_cents, table.loan_class)
                 .where(table.month == reference, table.cooperative_id.in_(coops), table.outstanding_cents > 0)
                 .execution_options(yield_per=50_000))
    if table is ImportSnapshot:
        open_rows = open_rows.where(ImportSnapshot.batch_id == snapshot_batch)
    before = missing = balance = npl = 0
    for loan_id, outstanding, loan_class in session.execute(open_rows):
        before += 1
        if loan_id not in file_loans:
            missing += 1
            balance += outstanding
            if loan_class in NPL_CLASSES:
                npl += outstanding
    return Shrink(reference, before, missing, balance, npl, limit_pct)
