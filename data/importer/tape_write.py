"""Writing a checked loan tape: loans and borrowers created or updated, the month's rows replaced.

Why its own module: the tape's optional columns make the write more than "one borrower per new loan". A
``borrower_id`` names one person within a cooperative across all their loans (evergreening and the largest
borrowers need it), so a row may adopt, reuse or create a borrower; ``refinances_contract`` links a loan to
the one it refinances, which may be another new loan of the same file; villages and the two borrower flags
feed village coordination and support-linked collection; ``written_off`` is kept per month. Every change to
an existing loan or borrower keeps its values before (data.importer.batches), so the import can be withdrawn.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.orm import Session

from data.aggregates import rebuild_months
from data.bulk import insert_rows
from data.importer import batches
from data.models import Borrower, Loan, LoanMonth

BATCH = 5_000
LOOKUP_CHUNK = 900  # below every backend's limit of bound parameters per statement
DEFAULTS = {"borrower_kind": "household", "annual_rate_pct": 0, "purpose": "other", "guarantee_type": "credit"}
#: the borrower columns a row sets (template column -> borrower field); blank cells keep what is on record
BORROWER_COLUMNS = {"borrower_name": "name", "borrower_kind": "kind", "village_id": "village_id",
                    "poor_household": "poor_household", "able_but_unwilling": "able_but_unwilling"}


class Known(NamedTuple):
    """A loan already in the database, with its borrower, as the check found it."""

    loan_id: int
    borrower_id: int
    cooperative_id: int
    officer_id: int
    issue_date: dt.date
    maturity_date: dt.date
    principal_cents: int
    rate_bp: int
    purpose: str
    guarantee_type: str
    refinances_loan_id: int | None
    restructured_on: dt.date | None
    name: str
    kind: str
    source_id: str | None
    village_id: int | None
    poor_household: bool
    able_but_unwilling: bool

    def loan_fields(self) -> dict:
        return {f: getattr(self, f) for f in batches.LOAN_FIELDS}

    def borrower_fields(self) -> dict:
        return {f: getattr(self, f) for f in batches.BORROWER_FIELDS}


def lookup_known(session: Session, contracts: list[str]) -> dict[str, Known]:
    """The loans of these contract numbers that exist, with their borrowers."""
    found: dict[str, Known] = {}
    for start in range(0, len(contracts), LOOKUP_CHUNK):
        chunk = contracts[start:start + LOOKUP_CHUNK]
        for row in session.execute(
                select(Loan.contract_no, Loan.id, Loan.borrower_id, Loan.cooperative_id, Loan.officer_id,
                       Loan.issue_date, Loan.maturity_date, Loan.principal_cents, Loan.rate_bp, Loan.purpose,
                       Loan.guarantee_type, Loan.refinances_loan_id, Loan.restructured_on, Borrower.name,
                       Borrower.kind, Borrower.source_id, Borrower.village_id, Borrower.poor_household,
                       Borrower.able_but_unwilling)
                .join(Borrower, Borrower.id == Loan.borrower_id).where(Loan.contract_no.in_(chunk))):
            found[row[0]] = Known(*row[1:])
    return found


def _borrowers_by_source(session: Session, keys: set[tuple[int, str]]) -> dict[tuple[int, str], dict]:
    """Borrowers already recorded under these (cooperative, borrower_id) keys, with their fields."""
    found: dict[tuple[int, str], dict] = {}
    ids = sorted({source for _, source in keys})
    for start in range(0, len(ids), LOOKUP_CHUNK):
        for row in session.execute(select(Borrower.id, Borrower.cooperative_id, *[
                getattr(Borrower, f) for f in batches.BORROWER_FIELDS]).where(
                Borrower.source_id.in_(ids[start:start + LOOKUP_CHUNK]))):
            if (row[1], row[4]) in keys:
                found[(row[1], row[4])] = {"id": row[0], **dict(zip(batches.BORROWER_FIELDS, row[2:]))}
    return found


def _loan_fields(values: dict, known: Known | None, loan_ids: dict[str, int]) -> dict:
    """The loan's columns from a row; optional columns left blank keep an existing loan's value."""
    def optional(name: str, field: str) -> object:
        if values.get(name) not in (None, ""):
            return values[name]
        return getattr(known, field) if known is not None else DEFAULTS.get(name)

    refinanced = values.get("refinances_contract")
    return {"officer_id": values["officer_id"], "issue_date": values["issue_date"],
            "maturity_date": values["maturity_date"], "principal_cents": values["principal"],
            "rate_bp": optional("annual_rate_pct", "rate_bp"), "purpose": optional("purpose", "purpose"),
            "guarantee_type": optional("guarantee_type", "guarantee_type"),
            "refinances_loan_id": loan_ids[refinanced] if refinanced else (known.refinances_loan_id if known else None),
            "restructured_on": optional("restructured_on", "restructured_on")}


def _batches(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _reserve_ids(session: Session, table, count: int) -> list[int]:
    """Primary keys for ``count`` new rows, taken before inserting so no RETURNING round trips are needed.

    PostgreSQL draws them from the column's sequence (safe with concurrent writers). SQLite has one
    writer at a time and the import holds its write lock from its first statement (data.importer.locks),
    so max(id) + 1... is safe there.
    """
    if not count:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": count}))
    start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(start, start + count))


def _update_changed(session: Session, table, changes: list[dict]) -> None:
    """Executemany UPDATEs grouped by the set of columns they change."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for change in changes:
        groups.setdefault(tuple(sorted(k for k in change if k != "key")), []).append(change)
    for columns, rows in groups.items():
        for batch in _batches(rows):
            # bind names must differ from column names in an executemany UPDATE
            values = {name: bindparam(f"new_{name}") for name in columns}
            params = [{("key" if k == "key" else f"new_{k}"): v for k, v in change.items()} for change in batch]
            session.execute(table.update().where(table.c.id == bindparam("key")).values(values), params)


class _Borrowers:
    """Which borrower each row's loan belongs to, and what must be created or changed to get there."""

    def __init__(self, session: Session, rows: list[dict], existing: dict[str, Known]) -> None:
        keys = {(v["cooperative_id"], v["borrower_id"]) for v in rows if v.get("borrower_id")}
        self.recorded = _borrowers_by_source(session, keys)
        self.existing = existing
        self.target: dict[tuple[int, str], int] = {k: b["id"] for k, b in self.recorded.items()}
        self.current: dict[int, dict] = {b["id"]: {f: b[f] for f in batches.BORROWER_FIELDS}
                                         for b in self.recorded.values()}
        for known in existing.values():
            self.current.setdefault(known.borrower_id, known.borrower_fields())
        self.new: list[dict] = []  # rows of borrowers to create: fields, and the row that creates them
        self.wanted: dict[int | str, dict] = {}  # borrower (id, or 'new:n') -> fields the file sets (first row wins)

    def _fields(self, values: dict) -> dict:
        fields = {field: values[column] for column, field in BORROWER_COLUMNS.items()
                  if values.get(column) not in (None, "")}
        if values.get("borrower_id"):
            fields["source_id"] = values["borrower_id"]
        return fields

    def assign(self, values: dict) -> int | str:
        """The borrower of this row: an existing id, or 'new:n' for one to be created."""
        known = self.existing.get(values["contract_no"])
        key = (values["cooperative_id"], values["borrower_id"]) if values.get("borrower_id") else None
        if key is not None and key in self.target:
            target: int | str = self.target[key]
        elif known is not None and (key is None or known.source_id in (None, key[1])):
            target = known.borrower_id  # the loan's own borrower (taking the file's borrower_id if it had none)
        else:
            target = f"new:{len(self.new)}"
            self.new.append(values)
        if key is not None:
            self.target[key] = target
        self.wanted.setdefault(target, self._fields(values))
        return target

    def updates(self) -> tuple[list[dict], dict[int, dict]]:
        """(changes of existing borrowers, their fields before) for what the file sets differently."""
        changes, before = [], {}
        for target, fields in self.wanted.items():
            if isinstance(target, str):
                continue
            current = self.current[target]
            changed = {f: v for f, v in fields.items() if current.get(f) != v}
            if changed:
                changes.append({"key": target, **changed})
                before[target] = current
        return changes, before


def write(session: Session, *, rows: list[dict], existing: dict[str, Known], refinanced: dict[str, int],
          month: dt.date, cooperative_ids: set[int], batch_id: int, step: Callable[[float], None]) -> dict[str, int]:
    """Write a checked tape (never commits); returns the counts for the audit row and the page.

    ``existing``: the file's contracts already on record; ``refinanced``: contract -> id of the loans the rows
    refinance that are on record but not in the file."""
    coops = sorted(cooperative_ids)
    total = max(len(rows), 1)
    # only the file's cooperatives: another cooperative's rows of the month are never touched
    batches.snapshot_month(session, batch_id, month, coops)
    replaced = session.execute(delete(LoanMonth).where(LoanMonth.month == month,
                                                       LoanMonth.cooperative_id.in_(coops))).rowcount or 0

    borrowers = _Borrowers(session, rows, existing)
    targets = [borrowers.assign(v) for v in rows]
    borrower_table, loan_table = Borrower.__table__, Loan.__table__
    new_borrower_ids = _reserve_ids(session, borrower_table, len(borrowers.new))
    for batch_start in range(0, len(borrowers.new), BATCH):
        insert_rows(session, borrower_table, [
            {"id": new_borrower_ids[batch_start + i], "cooperative_id": v["cooperative_id"],
             "source_id": v.get("borrower_id") or None, "village_id": v.get("village_id"), "name": v["borrower_name"],
             "kind": v.get("borrower_kind") or DEFAULTS["borrower_kind"],
             "poor_household": bool(v.get("poor_household")), "able_but_unwilling": bool(v.get("able_but_unwilling"))}
            for i, v in enumerate(borrowers.new[batch_start:batch_start + BATCH])])
    borrower_of = [new_borrower_ids[int(t[4:])] if isinstance(t, str) else t for t in targets]
    step(0.5)

    new_rows = [(v, b) for v, b in zip(rows, borrower_of) if v["contract_no"] not in existing]
    new_loan_ids = _reserve_ids(session, loan_table, len(new_rows))
    loan_ids = {**refinanced, **{c: known.loan_id for c, known in existing.items()}}
    loan_ids.update(zip((v["contract_no"] for v, _ in new_rows), new_loan_ids))
    links = []
    for batch_start in range(0, len(new_rows), BATCH):
        chunk = new_rows[batch_start:batch_start + BATCH]
        records = []
        for i, (v, borrower_id) in enumerate(chunk):
            fields = _loan_fields(v, None, loan_ids)
            if fields["refinances_loan_id"] is not None:  # linked once every new loan exists (same-file links)
                links.append({"key": new_loan_ids[batch_start + i], "refinances_loan_id": fields["refinances_loan_id"]})
            records.append({"id": new_loan_ids[batch_start + i], "contract_no": v["contract_no"],
                            "borrower_id": borrower_id, "cooperative_id": v["cooperative_id"],
                            **fields, "refinances_loan_id": None})
        insert_rows(session, loan_table, records)
        step(0.5 + 0.2 * (batch_start + len(chunk)) / total)
    _update_changed(session, loan_table, links)

    # existing loans and borrowers: only what changed, keeping the values before for a withdrawal
    loan_updates, loans_before = [], {}
    for v, borrower_id in zip(rows, borrower_of):
        known = existing.get(v["contract_no"])
        if known is None:
            continue
        fields = {**_loan_fields(v, known, loan_ids), "borrower_id": borrower_id}
        if fields != known.loan_fields():
            loan_updates.append({"key": known.loan_id, **fields})
            loans_before[known.loan_id] = known.loan_fields()
    borrower_updates, borrowers_before = borrowers.updates()
    _update_changed(session, loan_table, loan_updates)
    _update_changed(session, borrower_table, borrower_updates)
    batches.record_changes(session, batch_id, created_loans=new_loan_ids, created_borrowers=new_borrower_ids,
                           loans_before=loans_before, borrowers_before=borrowers_before)
    step(0.75)

    month_rows = [{"loan_id": loan_ids[v["contract_no"]], "month": month, "cooperative_id": v["cooperative_id"],
                   "outstanding_cents": v["outstanding"], "overdue_cents": v["overdue"],
                   "days_past_due": v["days_past_due"], "loan_class": v["loan_class"],
                   "written_off_cents": v.get("written_off") or 0, "provision_cents": v.get("provision")}
                  for v in rows]
    for batch_start in range(0, len(month_rows), BATCH):
        insert_rows(session, LoanMonth.__table__, month_rows[batch_start:batch_start + BATCH])
        step(0.75 + 0.15 * (batch_start + BATCH) / total)
    rebuilt = rebuild_months(session, [month])
    return {"rows": len(month_rows), "loans_created": len(new_rows), "loans_updated": len(loan_updates),
            "borrowers_created": len(new_borrower_ids), "borrowers_updated": len(borrower_updates),
            "month_rows_replaced": int(replaced), "months_rebuilt": rebuilt}
