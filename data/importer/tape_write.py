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
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.orm import Session

from data.aggregates import rebuild_months
from data.bulk import in_list, insert_rows
from data.importer import batches
from data.models import Borrower, Loan, LoanMonth

BATCH = 5_000
LOOKUP_CHUNK = 900  # below every backend's limit of bound parameters per statement
LOOKUP_MANY = 50_000  # values per lookup through in_list (one bound parameter)
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
    for start in range(0, len(contracts), LOOKUP_MANY):
        chunk = contracts[start:start + LOOKUP_MANY]
        for row in session.execute(
                select(Loan.contract_no, Loan.id, Loan.borrower_id, Loan.cooperative_id, Loan.officer_id,
                       Loan.issue_date, Loan.maturity_date, Loan.principal_cents, Loan.rate_bp, Loan.purpose,
                       Loan.guarantee_type, Loan.refinances_loan_id, Loan.restructured_on, Borrower.name,
                       Borrower.kind, Borrower.source_id, Borrower.village_id, Borrower.poor_household,
                       Borrower.able_but_unwilling)
                .join(Borrower, Borrower.id == Loan.borrower_id).where(in_list(session, Loan.contract_no, chunk))):
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
            "refinances_loan_id": loan_ids.get(refinanced) if refinanced else (known.refinances_loan_id if known else None),
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
    """Which borrower each row's loan belongs to, and what must be created or changed to get there.

    Kept across the chunks of a file: a ``borrower_id`` names the same person in every chunk, and the first row
    of a borrower decides what the file sets (later rows of the same borrower change nothing). Changes of
    borrowers already on record are applied when the whole file is written, so every chunk's lookups see them
    as they were before the import (names compared, a borrower_id adopted).
    """

    def __init__(self) -> None:
        self.target: dict[tuple[int, str], int] = {}  # (cooperative, borrower_id) -> borrower
        self.seen: set[int] = set()  # borrowers whose first row has been read (created or on record)
        self.changes: list[dict] = []
        self.before: dict[int, dict] = {}
        self._pending: dict[tuple[int, str], int | str] = {}

    @staticmethod
    def _fields(values: dict) -> dict:
        fields = {field: values[column] for column, field in BORROWER_COLUMNS.items()
                  if values.get(column) not in (None, "")}
        if values.get("borrower_id"):
            fields["source_id"] = values["borrower_id"]
        return fields

    def assign(self, session: Session, rows: list[dict], existing: dict[str, Known]) -> tuple[list, list[dict]]:
        """(each row's borrower: an id, or 'new:n'; the rows that create the new ones) for one chunk."""
        keys = {(v["cooperative_id"], v["borrower_id"]) for v in rows if v.get("borrower_id")} - self.target.keys()
        recorded = _borrowers_by_source(session, keys)
        current: dict[int, dict] = {b["id"]: {f: b[f] for f in batches.BORROWER_FIELDS} for b in recorded.values()}
        self.target.update({k: b["id"] for k, b in recorded.items()})
        for known in existing.values():
            current.setdefault(known.borrower_id, known.borrower_fields())
        new: list[dict] = []
        pending: dict[tuple[int, str], int | str] = {}
        targets: list[int | str] = []
        for values in rows:
            known = existing.get(values["contract_no"])
            key = (values["cooperative_id"], values["borrower_id"]) if values.get("borrower_id") else None
            if key is not None and (key in self.target or key in pending):
                target: int | str = self.target.get(key) or pending[key]
            elif known is not None and (key is None or known.source_id in (None, key[1])):
                target = known.borrower_id  # the loan's own borrower (taking the file's borrower_id if it had none)
            else:
                target = f"new:{len(new)}"
                new.append(values)
            if key is not None and key not in self.target:
                pending[key] = target
            if isinstance(target, int) and target not in self.seen:
                self.seen.add(target)
                fields = self._fields(values)
                before = current[target]
                changed = {f: v for f, v in fields.items() if before.get(f) != v}
                if changed:
                    self.changes.append({"key": target, **changed})
                    self.before[target] = before
            targets.append(target)
        self._pending = pending
        return targets, new

    def created(self, new_ids: list[int]) -> None:
        """The chunk's new borrowers have their ids: rows naming them in later chunks reuse them."""
        for key, target in self._pending.items():
            self.target[key] = new_ids[int(target[4:])] if isinstance(target, str) else target
        self.seen.update(new_ids)


class TapeWriter:
    """Writes a checked tape a chunk at a time (never commits), inside the caller's transaction.

    The month's rows of a cooperative are kept (data.importer.batches) and removed the first time one of its
    rows comes, so the rows of cooperatives the file does not hold are never touched. New loans refinancing a
    contract further down the file are linked when the whole file is written.
    """

    def __init__(self, session: Session, *, month: dt.date, batch_id: int) -> None:
        self.session, self.month, self.batch_id = session, month, batch_id
        self.borrowers = _Borrowers()
        self.cooperatives: set[int] = set()
        self.references: dict[int, dt.date | None] = {}  # per cooperative: its latest month <= the imported one
        self.later_links: list[tuple[int, str]] = []  # (new loan id, contract it refinances, further down the file)
        self.later_updates: list[tuple[dict, Known, int]] = []  # known loans refinancing a contract further down
        self.counts = {"rows": 0, "loans_created": 0, "loans_updated": 0, "borrowers_created": 0,
                       "borrowers_updated": 0, "month_rows_replaced": 0}

    @property
    def reference_month(self) -> dt.date | None:
        """The latest month up to the imported one holding rows of the file's cooperatives, before the import."""
        return max((m for m in self.references.values() if m is not None), default=None)

    def _replace_cooperatives(self, rows: list[dict]) -> None:
        for coop in sorted({v["cooperative_id"] for v in rows} - self.cooperatives):
            self.references[coop] = self.session.scalar(select(func.max(LoanMonth.month)).where(
                LoanMonth.month <= self.month, LoanMonth.cooperative_id == coop))
            batches.snapshot_month(self.session, self.batch_id, self.month, [coop])
            self.counts["month_rows_replaced"] += self.session.execute(delete(LoanMonth).where(
                LoanMonth.month == self.month, LoanMonth.cooperative_id == coop)).rowcount or 0
            self.cooperatives.add(coop)

    def write(self, rows: list[dict], existing: dict[str, Known], refinanced: dict[str, int]) -> None:
        """Write one chunk: borrowers and loans created or changed, the chunk's rows of the month."""
        session, month = self.session, self.month
        self._replace_cooperatives(rows)
        targets, new_borrowers = self.borrowers.assign(session, rows, existing)
        borrower_table, loan_table = Borrower.__table__, Loan.__table__
        new_borrower_ids = _reserve_ids(session, borrower_table, len(new_borrowers))
        insert_rows(session, borrower_table, [
            {"id": new_borrower_ids[i], "cooperative_id": v["cooperative_id"],
             "source_id": v.get("borrower_id") or None, "village_id": v.get("village_id"), "name": v["borrower_name"],
             "kind": v.get("borrower_kind") or DEFAULTS["borrower_kind"],
             "poor_household": bool(v.get("poor_household")), "able_but_unwilling": bool(v.get("able_but_unwilling"))}
            for i, v in enumerate(new_borrowers)])
        self.borrowers.created(new_borrower_ids)
        borrower_of = [new_borrower_ids[int(t[4:])] if isinstance(t, str) else t for t in targets]

        new_rows = [(v, b) for v, b in zip(rows, borrower_of) if v["contract_no"] not in existing]
        new_loan_ids = _reserve_ids(session, loan_table, len(new_rows))
        loan_ids = {c: known.loan_id for c, known in existing.items()}
        loan_ids.update(zip((v["contract_no"] for v, _ in new_rows), new_loan_ids))
        refs = {v["refinances_contract"] for v in rows if v.get("refinances_contract")} - loan_ids.keys()
        loan_ids.update(refinanced)
        # contracts refinanced that an earlier chunk of this file created
        loan_ids.update({c: k.loan_id for c, k in lookup_known(session, sorted(refs - loan_ids.keys())).items()})
        links, records = [], []
        for loan_id, (v, borrower_id) in zip(new_loan_ids, new_rows):
            refinances = v.get("refinances_contract")
            if refinances:  # linked once the chunk's loans exist (same-file links); further down: at the end
                if refinances in loan_ids:
                    links.append({"key": loan_id, "refinances_loan_id": loan_ids[refinances]})
                else:
                    self.later_links.append((loan_id, refinances))
            records.append({"id": loan_id, "contract_no": v["contract_no"], "borrower_id": borrower_id,
                            "cooperative_id": v["cooperative_id"], **_loan_fields(v, None, {}),
                            "refinances_loan_id": None})
        insert_rows(session, loan_table, records)
        _update_changed(session, loan_table, links)

        # known loans: only what changed, keeping the values before for a withdrawal
        loan_updates, loans_before = [], {}
        for v, borrower_id in zip(rows, borrower_of):
            known = existing.get(v["contract_no"])
            if known is None:
                continue
            if v.get("refinances_contract") and v["refinances_contract"] not in loan_ids:
                self.later_updates.append((v, known, borrower_id))
                continue
            fields = {**_loan_fields(v, known, loan_ids), "borrower_id": borrower_id}
            if fields != known.loan_fields():
                loan_updates.append({"key": known.loan_id, **fields})
                loans_before[known.loan_id] = known.loan_fields()
        _update_changed(session, loan_table, loan_updates)
        batches.record_changes(session, self.batch_id, created_loans=new_loan_ids, created_borrowers=new_borrower_ids,
                               loans_before=loans_before, borrowers_before={})
        insert_rows(session, LoanMonth.__table__, [
            {"loan_id": loan_ids[v["contract_no"]], "month": month, "cooperative_id": v["cooperative_id"],
             "outstanding_cents": v["outstanding"], "overdue_cents": v["overdue"],
             "days_past_due": v["days_past_due"], "loan_class": v["loan_class"],
             "written_off_cents": v.get("written_off") or 0, "provision_cents": v.get("provision")} for v in rows])
        counts = self.counts
        counts["rows"] += len(rows)
        counts["loans_created"] += len(new_rows)
        counts["loans_updated"] += len(loan_updates)
        counts["borrowers_created"] += len(new_borrower_ids)

    def finish(self) -> dict[str, int]:
        """Links to contracts further down the file, the borrowers' changes, the month's summaries; the counts."""
        session = self.session
        later = sorted({c for _, c in self.later_links} | {v["refinances_contract"] for v, _, _ in self.later_updates})
        loan_ids = {c: k.loan_id for c, k in lookup_known(session, later).items()}
        _update_changed(session, Loan.__table__, [{"key": loan_id, "refinances_loan_id": loan_ids[contract]}
                                                  for loan_id, contract in self.later_links])
        loan_updates, loans_before = [], {}
        for v, known, borrower_id in self.later_updates:
            fields = {**_loan_fields(v, known, loan_ids), "borrower_id": borrower_id}
            if fields != known.loan_fields():
                loan_updates.append({"key": known.loan_id, **fields})
                loans_before[known.loan_id] = known.loan_fields()
        _update_changed(session, Loan.__table__, loan_updates)
        _update_changed(session, Borrower.__table__, self.borrowers.changes)
        batches.record_changes(session, self.batch_id, created_loans=[], created_borrowers=[],
                               loans_before=loans_before, borrowers_before=self.borrowers.before)
        self.counts["loans_updated"] += len(loan_updates)
        self.counts["borrowers_updated"] = len(self.borrowers.changes)
        analyze(session, ("loan", "borrower", "loan_month"))
        self.counts["months_rebuilt"] = rebuild_months(session, [self.month])
        return dict(self.counts)


def analyze(session: Session, tables: Iterable[str]) -> None:
    """Refresh the planner's statistics of tables a bulk write has just changed (PostgreSQL).

    Why: the summaries rebuilt right after an import are planned from statistics; after a million rows written
    in the same transaction, PostgreSQL's were those of before (autovacuum runs later, and never sees rows not
    yet committed), and the month's rebuild took 14.9 s instead of a few (docs/benchmarks.md). ANALYZE in the
    transaction samples its own new rows. SQLite is left as it is: its pages' plans are tuned without
    statistics (docs/explain.md).
    """
    if session.get_bind().dialect.name == "postgresql":
        for table in tables:
            session.execute(text(f"ANALYZE {table}"))
